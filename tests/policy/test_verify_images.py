"""``packages:verify`` on real images: package databases written by real dpkg (or taken from a
real SUSE rpmdb, or in apk's installed-db format), analyzed with the platform's digest
selection, with one owned file modified in a later layer and one deleted by a whiteout."""

from __future__ import annotations

import base64
import hashlib
import shutil
import subprocess
from pathlib import Path

import pytest

from drydock.analyzer.analyze import analyze
from drydock.analyzer.catalogers.apk import ApkDBCataloger
from drydock.analyzer.catalogers.dpkg import DpkgDBCataloger
from drydock.analyzer.catalogers.rpm import RpmDBCataloger
from drydock.analyzer.config import AnalyzerConfig
from drydock.core.config import AnalyzerServiceSettings
from drydock.policy.context import ImageContext
from drydock.policy.evaluate import evaluate
from drydock.policy.validation import compile_bundle
from tests.policy.factory import bundle_doc, context, fire, rule
from tests.support.images import LayerSpec, Symlink, build_image, write_docker_archive
from tests.support.paths import SHARED

PKGDB = SHARED / "fixtures" / "pkgdb"
MESSAGE = "VERIFY check against package db for package '{}' failed on entry '{}' with status: '{}'"


def analyzed(tmp_path: Path, layers: list[LayerSpec]) -> ImageContext:
    """Analyze the image with the digests the platform computes (not the SBOM defaults)."""
    tmp_path.mkdir()
    archive = tmp_path / "image.tar"
    write_docker_archive(archive, [(["verify:1"], build_image(layers))])
    config = AnalyzerConfig(
        workers=1,
        scratch_dir=str(tmp_path),
        digest_algorithms=tuple(AnalyzerServiceSettings().file_digest_algorithms),
        catalogers=[DpkgDBCataloger(), ApkDBCataloger(), RpmDBCataloger()],
        scanners=[],
    )
    return context(analyze(f"docker-archive:{archive}", config))


def messages(pkg: str, *entries: tuple[str, str]) -> list[str]:
    return [MESSAGE.format(pkg, path, status) for path, status in entries]


# --- dpkg: a .deb built and installed by dpkg itself --------------------------------------

DEB_FILES = {
    "usr/bin/demo-tool": b"#!/bin/sh\necho tool\n",
    "usr/bin/demo-helper": b"#!/bin/sh\necho helper\n",
    "bin/demo-legacy": b"legacy\n",  # lands in /usr/bin through the merged-/usr symlink
    "etc/demo.conf": b"setting=1\n",
}


def dpkg_root(tmp_path: Path) -> Path:
    """A root filesystem with demo-tool installed by ``dpkg --root``: status, md5sums,
    conffiles and list are dpkg's own output."""
    if shutil.which("dpkg") is None or shutil.which("dpkg-deb") is None:
        pytest.skip("dpkg is not installed")
    pkg, root = tmp_path / "pkg", tmp_path / "root"
    for rel, data in DEB_FILES.items():
        (pkg / rel).parent.mkdir(parents=True, exist_ok=True)
        (pkg / rel).write_bytes(data)
    (pkg / "DEBIAN").mkdir()
    (pkg / "DEBIAN" / "control").write_text(
        "Package: demo-tool\nVersion: 1.0-1\nArchitecture: amd64\n"
        "Maintainer: Drydock <dev@example.com>\nDescription: verify fixture\n"
    )
    (pkg / "DEBIAN" / "conffiles").write_text("/etc/demo.conf\n")
    admin = root / "var" / "lib" / "dpkg"
    for sub in ("info", "updates"):
        (admin / sub).mkdir(parents=True)
    (admin / "status").write_text("")
    (root / "usr" / "bin").mkdir(parents=True)
    (root / "bin").symlink_to("usr/bin")
    (root / "etc").mkdir()
    (root / "etc" / "os-release").write_text('ID=debian\nVERSION_ID="12"\n')
    subprocess.run(
        ["dpkg-deb", "--root-owner-group", "-b", str(pkg), str(tmp_path / "demo.deb")],
        check=True,
        capture_output=True,
    )
    subprocess.run(
        [
            "dpkg",
            f"--root={root}",
            "--force-not-root",
            "--force-script-chrootless",
            "--log=/dev/null",
            "-i",
            str(tmp_path / "demo.deb"),
        ],
        check=True,
        capture_output=True,
    )
    for leftover in ("lock", "lock-frontend", "status-old", "triggers"):
        path = admin / leftover
        shutil.rmtree(path) if path.is_dir() else path.unlink(missing_ok=True)
    return root


def test_dpkg_changed_and_missing(tmp_path: Path) -> None:
    root = dpkg_root(tmp_path)
    assert "bin/demo-legacy" in (root / "var/lib/dpkg/info/demo-tool.md5sums").read_text()
    base = analyzed(tmp_path / "a", [root])
    assert not fire("packages", "verify", base)
    assert not base.problems
    later: LayerSpec = {
        "usr/bin/demo-tool": b"#!/bin/sh\necho pwned\n",
        "usr/bin/.wh.demo-helper": b"",
        "etc/demo.conf": b"setting=2\n",  # a conffile: edited on purpose, never "changed"
    }
    ctx = analyzed(tmp_path / "b", [root, later])
    out = fire("packages", "verify", ctx)
    assert sorted(out) == messages(
        "demo-tool", ("/usr/bin/demo-helper", "missing"), ("/usr/bin/demo-tool", "changed")
    )
    assert fire("packages", "verify", ctx, check="changed") == messages(
        "demo-tool", ("/usr/bin/demo-tool", "changed")
    )
    assert fire("packages", "verify", ctx, check="missing") == messages(
        "demo-tool", ("/usr/bin/demo-helper", "missing")
    )
    assert not fire("packages", "verify", ctx, only_directories="/etc,/bin")
    assert not fire("packages", "verify", ctx, only_packages="libc6,bash")
    assert len(fire("packages", "verify", ctx, only_packages="demo-tool", only_directories="/usr/bin/")) == 2


def test_sbom_digests_report_a_problem_not_a_pass(tmp_path: Path) -> None:
    """Analyzed with sha256 only (``drydock sbom``'s default), a dpkg file change cannot be
    seen: the evaluation says so instead of passing silently."""
    root = dpkg_root(tmp_path)
    archive = tmp_path / "image.tar"
    later: LayerSpec = {"usr/bin/demo-tool": b"changed\n"}
    write_docker_archive(archive, [(["verify:1"], build_image([root, later]))])
    config = AnalyzerConfig(workers=1, scratch_dir=str(tmp_path), catalogers=[DpkgDBCataloger()], scanners=[])
    assert config.digest_algorithms == ("sha256",)
    ctx = context(analyze(f"docker-archive:{archive}", config))
    result = evaluate(compile_bundle(bundle_doc([rule("packages", "verify")])), ctx)
    assert result["result"]["img1"]["result"]["rows"] == []
    [problem] = result["evaluation_problems"]
    assert "no md5 file digests" in problem["details"]


# --- apk: lib/apk/db/installed in apk's format ----------------------------------------------

APK_FILES = {
    "usr/bin/demo-tool": b"\x7fELF tool",
    "usr/bin/demo-helper": b"\x7fELF helper",
    "etc/demo.conf": b"setting=1\n",
}


def _q1(data: bytes) -> str:
    return "Q1" + base64.b64encode(hashlib.sha1(data).digest()).decode()


def apk_layer() -> dict[str, bytes | Symlink]:
    """alpine-release and os-release from a real Alpine, and an installed db whose ``Z:`` lines
    are apk's ``Q1`` + base64(SHA-1) of the files."""
    lines = [
        "C:Q1hdfnb8Gv7ZKJ5jXeRQhN4tmNbYY=",
        "P:demo-tool",
        "V:1.0-r0",
        "A:x86_64",
        "S:1024",
        "I:4096",
        "T:verify fixture",
        "U:https://example.com",
        "L:MIT",
        "o:demo-tool",
        "m:Drydock <dev@example.com>",
        "t:1700000000",
        "c:0123456789abcdef",
        "D:musl",
    ]
    current = ""
    for path, data in sorted(APK_FILES.items()):
        directory, _, name = path.rpartition("/")
        if directory != current:
            lines.append(f"F:{directory}")
            current = directory
        lines += [f"R:{name}", "a:0:0:755", f"Z:{_q1(data)}"]
    os_release = (PKGDB / "linux-release" / "alpine" / "etc" / "os-release").read_bytes()
    return {
        "lib/apk/db/installed": ("\n".join(lines) + "\n\n").encode(),
        "etc/os-release": os_release,
        **APK_FILES,
    }


def test_apk_changed_and_missing(tmp_path: Path) -> None:
    base = apk_layer()
    assert not fire("packages", "verify", analyzed(tmp_path / "a", [base]))
    later: LayerSpec = {
        "usr/bin/demo-helper": b"\x7fELF trojan",
        "usr/bin/.wh.demo-tool": b"",
        "etc/demo.conf": b"setting=2\n",  # under apk's protected /etc
    }
    ctx = analyzed(tmp_path / "b", [base, later])
    assert fire("packages", "verify", ctx) == messages(
        "demo-tool", ("/usr/bin/demo-helper", "changed"), ("/usr/bin/demo-tool", "missing")
    )
    assert fire("packages", "verify", ctx, check="missing") == messages(
        "demo-tool", ("/usr/bin/demo-tool", "missing")
    )
    assert not fire("packages", "verify", ctx, only_directories="/etc")
    assert not fire("packages", "verify", ctx, only_packages="musl")


# --- rpm: a real SUSE rpmdb (sha256 file digests) and terminfo-base's tabset files ---------

SLE_DB = PKGDB / "rpm" / "ndb-sle15-bci" / "usr" / "lib" / "sysimage" / "rpm" / "Packages.db"
# ncurses' tab-stop files, byte for byte as terminfo-base installs them
TABSET = {
    "usr/share/tabset/std": b"\r\x1b3\r" + b"        \x1b1" * 13 + b"\n",
    "usr/share/tabset/stdcrt": b"\r\x1b3\r" + b"        \x1b1" * 9 + b"\r",
    "usr/share/tabset/vt100": b"\r\n\x1b[3g\n\x1bH" + b"        \x1bH" * 15 + b"\n",
    "usr/share/tabset/vt300": b"\n\x1b[3g\n\x1bP2$t"
    + "/".join(map(str, range(9, 130, 8))).encode()
    + b"\x1b\\\n",
}
TABSET_ONLY = {"only_packages": "terminfo-base", "only_directories": "/usr/share/tabset"}


def rpm_layer() -> dict[str, bytes | Symlink]:
    return {
        "usr/lib/sysimage/rpm/Packages.db": SLE_DB.read_bytes(),
        "etc/os-release": (PKGDB / "linux-release" / "sles" / "etc" / "os-release").read_bytes(),
        "etc/motd": b"",  # sles-release's %config(noreplace) file, empty as shipped
        **TABSET,
    }


def test_rpm_changed_and_missing(tmp_path: Path) -> None:
    base = analyzed(tmp_path / "a", [rpm_layer()])
    assert not fire("packages", "verify", base, **TABSET_ONLY)
    assert not fire("packages", "verify", base, only_packages="sles-release", only_directories="/etc/motd")
    # the rest of that SUSE image is not in this one: every other owned file is missing
    assert fire("packages", "verify", base, only_packages="bash", check="missing")
    later: LayerSpec = {
        "usr/share/tabset/vt100": b"\r\n\x1b[3g\n",
        "usr/share/tabset/.wh.vt300": b"",
        "etc/motd": b"Authorized use only\n",
    }
    ctx = analyzed(tmp_path / "b", [rpm_layer(), later])
    assert fire("packages", "verify", ctx, **TABSET_ONLY) == messages(
        "terminfo-base", ("/usr/share/tabset/vt100", "changed"), ("/usr/share/tabset/vt300", "missing")
    )
    assert fire("packages", "verify", ctx, check="changed", **TABSET_ONLY) == messages(
        "terminfo-base", ("/usr/share/tabset/vt100", "changed")
    )
    assert not fire("packages", "verify", ctx, only_packages="sles-release", only_directories="/etc/motd")
