"""Streaming squash: whiteouts, replacement, captures, scanners, digests, parallel workers."""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from drydock.analyzer import layerscan
from drydock.analyzer.config import DEFAULT_SECRET_REGEXES
from drydock.analyzer.filetree import FileTooLarge
from drydock.analyzer.layerscan import ScanPlan, Spilled
from drydock.analyzer.model import FileType
from drydock.analyzer.pathmatch import GlobSet
from drydock.analyzer.secrets import RegexSearcher
from drydock.analyzer.sources.base import LayerRef
from drydock.analyzer.squash import SquashResult, squash

from .doubles import MagicScanner
from .imagekit import MemorySource, directory, file, hardlink, layer, opaque, symlink, whiteout


def make_plan(tmp_path: Path, globs: list[str], **kw) -> ScanPlan:
    defaults = {
        "capture": GlobSet(globs),
        "scratch_dir": str(tmp_path),
        "max_file_bytes": 1 << 20,
        "spill_bytes": 1 << 16,
        "max_entries": 10_000,
        "digest_algorithms": ("sha256",),
        "scanners": [MagicScanner()],
        "searchers": {"secret": RegexSearcher(dict(DEFAULT_SECRET_REGEXES), 10_000)},
    }
    defaults.update(kw)
    return ScanPlan(**defaults)


def run(layers: list[bytes], plan: ScanPlan, workers: int = 1) -> SquashResult:
    src = MemorySource(layers)
    return squash(src, src.info().layers, plan, workers=workers)


BASE = layer(
    directory("etc"),
    file("etc/passwd", "root:x:0:0::/root:/bin/sh\n"),
    file("usr/lib/os-release", "ID=debian\n"),
    symlink("etc/os-release", "../usr/lib/os-release"),
    file("usr/bin/su", b"MAGIC su 1.0\n", mode=0o4755),
    file("usr/bin/tool", b"MAGIC tool 2.0\n", mode=0o755),
    directory("opt/app"),
    file("opt/app/keys.txt", "x\naws_access_key_id = AKIAABCDEFGHIJKLMNOP\n"),
    file("opt/app/data/deep.txt", "deep"),
    file("srv/conf/a.conf", "a"),
)
TOP = layer(
    whiteout("usr/bin/tool"),
    opaque("opt/app"),
    file("opt/app/new.txt", "new"),
    whiteout("srv/conf"),
    file("etc/passwd", "root:x:0:0::/root:/bin/bash\nalice:x:1000:1000::/home/alice:/bin/sh\n"),
)


@pytest.mark.parametrize("workers", [1, 2])
def test_whiteouts_and_replacement(tmp_path: Path, workers: int) -> None:
    result = run([BASE, TOP], make_plan(tmp_path, ["/etc/passwd", "/etc/os-release"]), workers)
    paths = {e.path for e in result.resolver.entries()}
    assert "/usr/bin/tool" not in paths
    assert {"/opt/app", "/opt/app/new.txt"} <= paths
    assert (
        not {"/opt/app/keys.txt", "/opt/app/data", "/opt/app/data/deep.txt", "/srv/conf", "/srv/conf/a.conf"}
        & paths
    )
    assert "/srv" in paths  # only the whited-out directory goes, not its parent
    passwd = result.resolver.entry("/etc/passwd")
    assert passwd is not None and passwd.layer == MemorySource([BASE, TOP]).info().layers[1].diff_id
    assert "alice" in result.resolver.read_text("/etc/passwd")
    # per-path findings of deleted/replaced files are gone: the tool binary and the key file
    names = {p.name for r in result.scan_results for p in r.packages}
    assert names == {"su"}
    assert result.matches.get("secret", []) == []


def test_findings_survive_when_not_deleted(tmp_path: Path) -> None:
    result = run([BASE], make_plan(tmp_path, []))
    (match,) = result.matches["secret"]
    assert (match.path, match.name, match.lines) == ("/opt/app/keys.txt", "AWS_ACCESS_KEY", [2])
    scanned = {(p.name, p.version, p.locations[0].path) for r in result.scan_results for p in r.packages}
    assert scanned == {("su", "1.0", "/usr/bin/su"), ("tool", "2.0", "/usr/bin/tool")}
    assert all(p.locations[0].layer for r in result.scan_results for p in r.packages)


def _summary(result: SquashResult) -> tuple:
    return (
        sorted(repr(e.to_dict()) for e in result.resolver.entries()),
        sorted((p.name, p.locations[0].path) for r in result.scan_results for p in r.packages),
        sorted(result.warnings),
    )


def twin(pad: int) -> bytes:
    return layer(
        file("usr/bin/other", b"MAGIC other 9\n", mode=0o755),
        file("usr/bin/su", b"MAGIC su 2.0\n", mode=0o4755),
        file("etc/passwd", "root:x:0:0::/root:/bin/zsh\n"),
        file("opt/pad", "x" * pad),
    )


@pytest.mark.parametrize(
    "layers",
    [[twin(50_000)], [twin(50_000), TOP], [TOP, twin(600), twin(50_000)], [twin(600), TOP, twin(600)]],
    ids=["one-layer", "largest-first", "largest-last", "similar-layers"],
)
def test_pooled_equals_inline(tmp_path: Path, layers: list[bytes]) -> None:
    """The largest layer is read in-process, the others in the pool; the result must not
    depend on that."""
    plan = make_plan(tmp_path, ["**/passwd", "/etc/os-release"])
    one, two = run(layers, plan, 1), run(layers, plan, 2)
    assert _summary(one) == _summary(two)
    assert one.resolver.read_bytes("/etc/passwd") == two.resolver.read_bytes("/etc/passwd")


def test_pooled_scanner_results_are_dropped_with_their_files(tmp_path: Path) -> None:
    # TOP deletes /usr/bin/tool: the scan of it must not survive the merge
    result = run([BASE, TOP], make_plan(tmp_path, []), workers=2)
    assert {p.name for r in result.scan_results for p in r.packages} == {"su"}


def test_entry_attributes_and_digests(tmp_path: Path) -> None:
    result = run([BASE], make_plan(tmp_path, [], digest_algorithms=("sha256", "md5")))
    su = result.resolver.entry("/usr/bin/su")
    assert su is not None
    assert (su.type, su.mode, su.is_setuid, su.size, su.mtime) == (
        FileType.REGULAR,
        0o4755,
        True,
        13,
        1_700_000_000,
    )
    assert su.digests == {
        "sha256": hashlib.sha256(b"MAGIC su 1.0\n").hexdigest(),
        "md5": hashlib.md5(b"MAGIC su 1.0\n").hexdigest(),
    }
    link = result.resolver.entry("/etc/os-release")
    assert link is not None and link.type is FileType.SYMLINK and link.link_target == "../usr/lib/os-release"
    # parents that the tar never listed are synthesized so symlink resolution can walk them
    assert result.resolver.entry("/usr/bin") is not None and result.resolver.entry("/") is not None


def test_digests_can_be_switched_off(tmp_path: Path) -> None:
    result = run([BASE], make_plan(tmp_path, [], digest_algorithms=()))
    assert all(not e.digests for e in result.resolver.entries())


def test_only_declared_files_are_readable(tmp_path: Path) -> None:
    result = run([BASE], make_plan(tmp_path, ["/etc/passwd"]))
    assert result.resolver.read_text("/etc/passwd").startswith("root")
    with pytest.raises(FileNotFoundError, match="not captured"):
        result.resolver.read_bytes("/srv/conf/a.conf")


def test_symlinked_capture_is_fetched_in_a_second_pass(tmp_path: Path) -> None:
    # /etc/os-release is declared; its target /usr/lib/os-release is not, and lives in layer 1
    # while the link itself comes from layer 2.
    lower = layer(file("usr/lib/os-release", "ID=alpine\n"))
    upper = layer(symlink("etc/os-release", "/usr/lib/os-release"))
    result = run([lower, upper], make_plan(tmp_path, ["/etc/os-release"]), workers=2)
    assert result.resolver.read_text("/etc/os-release") == "ID=alpine\n"


def test_symlink_target_with_glob_characters_is_fetched(tmp_path: Path) -> None:
    # the target's name holds "[", "]" and "*": read back as a path, never as a pattern
    lower = layer(file("usr/lib/os-release.d/[x]*", "ID=wolfi\n"))
    upper = layer(symlink("etc/os-release", "/usr/lib/os-release.d/[x]*"))
    result = run([lower, upper], make_plan(tmp_path, ["/etc/os-release"]), workers=2)
    assert result.resolver.read_text("/etc/os-release") == "ID=wolfi\n"


class CountingStream(io.BytesIO):
    def __init__(self, data: bytes) -> None:
        super().__init__(data)
        self.consumed = 0

    def read(self, size: int | None = -1) -> bytes:
        data = super().read(size)
        self.consumed += len(data)
        return data


@dataclass
class CountingSource(MemorySource):
    """Counts layer opens and the bytes each read consumed."""

    streams: list[CountingStream] = field(default_factory=list)

    @property
    def opened(self) -> int:
        return len(self.streams)

    def open_layer(self, layer: LayerRef) -> Any:
        self.streams.append(CountingStream(MemorySource.open_layer(self, layer).read()))
        return self.streams[-1]


@pytest.mark.parametrize("order", ["link first", "target first"])
def test_symlink_target_later_in_the_layer_is_captured_in_the_same_read(tmp_path: Path, order: str) -> None:
    # /usr/bin/node is declared, its target is not: when the target follows the link in the
    # stream it is kept on the way; when it came before, a second read fetches it
    link, target = symlink("usr/bin/node", "nodejs"), file("usr/bin/nodejs", b"MAGIC node 20\n")
    src = CountingSource([layer(link, target) if order == "link first" else layer(target, link)])
    result = squash(src, src.info().layers, make_plan(tmp_path, ["**/node"]), workers=1)
    assert result.resolver.read_bytes("/usr/bin/node") == b"MAGIC node 20\n"
    assert src.opened == (1 if order == "link first" else 2)


def test_directory_symlink_on_literal_pattern(tmp_path: Path) -> None:
    img = layer(symlink("lib", "usr/lib"), file("usr/lib/apk/db/installed", "P:musl\n"))
    result = run([img], make_plan(tmp_path, ["/lib/apk/db/installed"]))
    assert result.resolver.read_text("/lib/apk/db/installed") == "P:musl\n"


def test_large_capture_spills_to_scratch_under_generated_name(tmp_path: Path) -> None:
    big = b"A" * 200_000
    result = run(
        [layer(file("var/lib/big.db", big))], make_plan(tmp_path, ["/var/lib/big.db"], spill_bytes=1000)
    )
    capture = result.resolver._captures["/var/lib/big.db"]
    assert isinstance(capture, Spilled)
    assert Path(capture.path).parent == tmp_path and "big" not in Path(capture.path).name
    assert result.resolver.read_bytes("/var/lib/big.db") == big


def test_file_over_the_limit_is_recorded_not_read(tmp_path: Path) -> None:
    data = b"MAGIC huge 1\n" + b"\0" * 5000
    plan = make_plan(tmp_path, ["/data/huge"], max_file_bytes=4096, spill_bytes=1024)
    result = run([layer(file("data/huge", data, mode=0o755))], plan)
    entry = result.resolver.entry("/data/huge")
    assert entry is not None and entry.size == len(data)
    assert entry.digests["sha256"] == hashlib.sha256(data).hexdigest()  # still hashed, streamed
    with pytest.raises(FileTooLarge):
        result.resolver.read_bytes("/data/huge")
    assert result.scan_results == []
    assert any(
        "/data/huge: 5013 bytes exceeds max_file_bytes, not scanned by fake-magic-scanner" in w
        for w in result.warnings
    )


def test_hardlinks_share_content_and_digest(tmp_path: Path) -> None:
    img = layer(
        file("usr/bin/perl", b"MAGIC perl 5.36\n", mode=0o755),
        file("usr/share/unrelated", b"u" * 100),
        hardlink("usr/bin/perl5.36.0", "usr/bin/perl"),
        hardlink("etc/copy-of-unrelated", "usr/share/unrelated"),
    )
    result = run([img], make_plan(tmp_path, ["/etc/copy-of-unrelated"]))
    link = result.resolver.entry("/usr/bin/perl5.36.0")
    assert link is not None and link.type is FileType.HARDLINK and link.link_target == "/usr/bin/perl"
    assert link.size == 16 and link.digests == result.resolver.entry("/usr/bin/perl").digests
    found = {p.locations[0].path for r in result.scan_results for p in r.packages}
    assert found == {"/usr/bin/perl", "/usr/bin/perl5.36.0"}
    # target was not kept in the first pass: read again in a second, targeted pass
    assert result.resolver.read_bytes("/etc/copy-of-unrelated") == b"u" * 100


def test_second_pass_for_hard_links_ends_at_the_last_link(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(layerscan, "RECENT_BYTES", 0)  # nothing kept: the link needs a second read
    pad = 4 << 20
    src = CountingSource(
        [
            layer(
                file("usr/bin/perl", b"MAGIC perl 5.36\n", mode=0o755),
                hardlink("usr/bin/perl5.36.0", "usr/bin/perl"),
                file("opt/pad", b"x" * pad),
            )
        ]
    )
    result = squash(src, src.info().layers, make_plan(tmp_path, []), workers=1)
    found = {p.locations[0].path for r in result.scan_results for p in r.packages}
    assert found == {"/usr/bin/perl", "/usr/bin/perl5.36.0"}
    first, second = src.streams
    assert first.consumed > pad and second.consumed < pad // 2


def test_scanner_error_is_a_warning_for_that_file(tmp_path: Path) -> None:
    img = layer(file("usr/bin/bad", b"BAD", mode=0o755), file("usr/bin/ok", b"MAGIC ok 1\n", mode=0o755))
    result = run([img], make_plan(tmp_path, []))
    assert any("fake-magic-scanner on /usr/bin/bad" in w for w in result.warnings)
    assert [p.name for r in result.scan_results for p in r.packages] == ["ok"]


def test_file_replacing_a_directory_drops_its_children(tmp_path: Path) -> None:
    lower = layer(directory("opt/x"), file("opt/x/inner", "i"))
    upper = layer(file("opt/x", "now a file"))
    result = run([lower, upper], make_plan(tmp_path, []))
    assert result.resolver.entry("/opt/x").type is FileType.REGULAR
    assert result.resolver.entry("/opt/x/inner") is None


def test_glob_uses_final_tree(tmp_path: Path) -> None:
    result = run([BASE, TOP], make_plan(tmp_path, []))
    assert [e.path for e in result.resolver.glob("**/*.txt")] == ["/opt/app/new.txt"]
    assert [e.path for e in result.resolver.glob("**/passwd")] == ["/etc/passwd"]
    assert [e.path for e in result.resolver.glob_any(["/usr/bin/*", "/etc/passwd"])] == [
        "/etc/passwd",
        "/usr/bin/su",
    ]


def test_pool_works_when_other_threads_run(tmp_path: Path) -> None:
    """With other threads alive (an API server) the pool uses forkserver: plan, scanners and
    source must survive pickling."""
    import threading

    from drydock.analyzer.procpool import pool_context

    stop = threading.Event()
    thread = threading.Thread(target=stop.wait, daemon=True)
    thread.start()
    try:
        assert pool_context().get_start_method() != "fork"
        layers = [twin(50_000), TOP, twin(600)]
        plan = make_plan(tmp_path, ["**/passwd"])
        assert _summary(run(layers, plan, 2)) == _summary(run(layers, plan, 1))
    finally:
        stop.set()
        thread.join()
