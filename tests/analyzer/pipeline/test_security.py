"""Hostile layers: path tricks, escaping links, devices, corrupt tars, bombs."""

from __future__ import annotations

import io
import os
import tarfile
from pathlib import Path

import pytest

from drydock.analyzer.model import FileType
from drydock.analyzer.squash import SquashError

from .imagekit import MemorySource, chardev, file, hardlink, layer, symlink
from .test_squash import make_plan, run


def _raw_layer(name: str, data: bytes = b"x", pax: dict[str, str] | None = None) -> bytes:
    ti = tarfile.TarInfo(name)
    ti.size = len(data)
    if pax:
        ti.pax_headers = pax
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as tar:
        tar.addfile(ti, io.BytesIO(data))
        good = tarfile.TarInfo("etc/ok")
        good.size = 2
        tar.addfile(good, io.BytesIO(b"ok"))
    return buf.getvalue()


@pytest.mark.parametrize("name", ["../../escape", "etc/../../escape", "a/../../../tmp/escape"])
def test_dotdot_members_are_skipped_with_a_warning(tmp_path: Path, name: str) -> None:
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    result = run([_raw_layer(name, b"owned")], make_plan(scratch, ["**/escape"]))
    paths = {e.path for e in result.resolver.entries()}
    assert "/etc/ok" in paths and not any("escape" in p for p in paths)
    assert any("'..'" in w for w in result.warnings)
    assert list(tmp_path.rglob("escape")) == []


def test_absolute_member_is_rooted_with_a_warning(tmp_path: Path) -> None:
    result = run([_raw_layer("/etc/abs", b"a")], make_plan(tmp_path, ["/etc/abs"]))
    assert result.resolver.read_bytes("/etc/abs") == b"a"
    assert any("absolute member name" in w for w in result.warnings)


def test_nul_in_name_is_skipped(tmp_path: Path) -> None:
    result = run([_raw_layer("placeholder", pax={"path": "etc/evil\x00name"})], make_plan(tmp_path, []))
    assert not any("evil" in e.path for e in result.resolver.entries())
    assert any("NUL" in w for w in result.warnings)


def test_escaping_symlinks_resolve_inside_the_tree(tmp_path: Path) -> None:
    img = layer(
        file("etc/passwd", "image-passwd"),
        symlink("etc/escape", "../../../../../../etc/passwd"),
        symlink("etc/abs", "/etc/passwd"),
        symlink("etc/loop1", "loop2"),
        symlink("etc/loop2", "loop1"),
    )
    result = run([img], make_plan(tmp_path, ["/etc/*"]))
    assert result.resolver.read_text("/etc/escape") == "image-passwd"
    assert result.resolver.read_text("/etc/abs") == "image-passwd"
    assert result.resolver.resolve("/etc/loop1") is None
    with pytest.raises(FileNotFoundError):
        result.resolver.read_bytes("/etc/loop1")


def test_device_files_are_recorded_never_read(tmp_path: Path) -> None:
    result = run([layer(chardev("dev/null"), file("etc/ok", "ok"))], make_plan(tmp_path, ["/dev/*"]))
    dev = result.resolver.entry("/dev/null")
    assert dev is not None and dev.type is FileType.CHAR_DEVICE and dev.size == 0
    with pytest.raises(FileNotFoundError):
        result.resolver.read_bytes("/dev/null")


def test_hardlink_to_missing_target_is_a_warning(tmp_path: Path) -> None:
    img = layer(
        hardlink("usr/bin/a", "usr/bin/missing"), hardlink("usr/bin/b", "usr/bin/a"), file("etc/ok", "ok")
    )
    result = run([img], make_plan(tmp_path, ["/usr/bin/*"]))
    assert sum("target missing or looping" in w for w in result.warnings) == 2
    assert result.resolver.entry("/usr/bin/a").type is FileType.HARDLINK
    with pytest.raises(FileNotFoundError):
        result.resolver.read_bytes("/usr/bin/a")
    assert result.resolver.entry("/etc/ok") is not None


def test_hardlink_with_dotdot_target(tmp_path: Path) -> None:
    result = run([layer(hardlink("etc/h", "../../outside"))], make_plan(tmp_path, ["/etc/h"]))
    assert any("hard link /etc/h: bad target" in w for w in result.warnings)


def test_corrupt_layer_fails_naming_the_layer(tmp_path: Path) -> None:
    good = layer(file("etc/ok", "ok"))
    bad = bytearray(layer(file("a", "x"), file("b", "y")))
    bad[1024 + 3] ^= 0x55
    src = MemorySource([good, bytes(bad)])
    digest = src.info().layers[1].digest
    for workers in (1, 2):
        with pytest.raises(SquashError, match=rf"layer 2/2 \({digest}\).*checksum"):
            run([good, bytes(bad)], make_plan(tmp_path, []), workers)


def test_truncated_layer_fails(tmp_path: Path) -> None:
    data = layer(file("a", b"z" * 4000))
    with pytest.raises(SquashError, match="layer 1/1 .*truncated"):
        run([data[:2000]], make_plan(tmp_path, []))


def test_too_many_members_is_a_bomb(tmp_path: Path) -> None:
    img = layer(*[file(f"f{i}", "") for i in range(30)])
    with pytest.raises(SquashError, match="tar bomb"):
        run([img], make_plan(tmp_path, [], max_entries=20))


def test_unreadable_layer_fails_with_reason(tmp_path: Path) -> None:
    src = MemorySource([layer(file("a", "x")), layer(file("b", "y"))], fail_layer=1)
    from drydock.analyzer.squash import squash

    with pytest.raises(SquashError, match="layer 2/2 .*OSError: simulated read failure"):
        squash(src, src.info().layers, make_plan(tmp_path, []), workers=2)


def test_nothing_written_outside_scratch(tmp_path: Path) -> None:
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    before = set(os.listdir(tmp_path))
    img = layer(file("tmp/.." + "/x", b"q" * 5000), file("var/big", b"q" * 5000))
    run([img], make_plan(scratch, ["**"], spill_bytes=100))
    assert set(os.listdir(tmp_path)) == before
    assert all(p.name.startswith("capture-") for p in scratch.iterdir())
