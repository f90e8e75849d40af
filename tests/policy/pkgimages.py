"""Image content with real package databases for the packages:verify tests: a root
installed by dpkg itself, an apk installed db, and a real SUSE rpmdb with files whose
content matches it."""

from __future__ import annotations

import base64
import hashlib
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.support.images import Symlink
from tests.support.paths import SHARED

PKGDB = SHARED / "fixtures" / "pkgdb"
MESSAGE = "VERIFY check against package db for package '{}' failed on entry '{}' with status: '{}'"


def messages(pkg: str, *entries: tuple[str, str]) -> list[str]:
    """packages:verify's findings, in Anchore's words."""
    return [MESSAGE.format(pkg, path, status) for path, status in entries]


# --- dpkg: a .deb built and installed by dpkg itself --------------------------------------

DEB_FILES = {
    "usr/bin/demo-tool": b"#!/bin/sh\necho tool\n",
    "usr/bin/demo-helper": b"#!/bin/sh\necho helper\n",
    "bin/demo-legacy": b"legacy\n",  # lands in /usr/bin through the merged-/usr symlink
    "etc/demo.conf": b"setting=1\n",
    "usr/share/doc/demo-tool/README": b"read me\n",
    "usr/share/doc/demo-tool/copyright": b"MIT\n",
}


def dpkg_root(tmp_path: Path, dpkg_cfg: str = "") -> Path:
    """A root filesystem with demo-tool installed by ``dpkg --root``: status, md5sums,
    conffiles and list are dpkg's own output. ``dpkg_cfg`` (path-exclude/-include lines, as
    slim images have in /etc/dpkg/dpkg.cfg.d/) is written there and given to dpkg."""
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
    md5sums = [f"{hashlib.md5(data).hexdigest()}  {rel}" for rel, data in DEB_FILES.items()]
    (pkg / "DEBIAN" / "md5sums").write_text("\n".join(md5sums) + "\n")  # as debhelper ships it
    admin = root / "var" / "lib" / "dpkg"
    for sub in ("info", "updates"):
        (admin / sub).mkdir(parents=True)
    (admin / "status").write_text("")
    (root / "usr" / "bin").mkdir(parents=True)
    (root / "bin").symlink_to("usr/bin")
    (root / "etc" / "dpkg" / "dpkg.cfg.d").mkdir(parents=True)
    (root / "etc" / "dpkg" / "dpkg.cfg.d" / "docker").write_text(dpkg_cfg)
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
            *(f"--{line.strip()}" for line in dpkg_cfg.splitlines() if line.strip()),
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
