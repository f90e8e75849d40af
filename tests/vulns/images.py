"""A small Alpine 3.10 image with known-vulnerable packages, and trimmed copies of the real
Alpine secdb for it (the test imports a subset, then more, to see re-matching)."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from tests.support.paths import SHARED

SECDB = SHARED / "feeds" / "alpine-secdb" / "v3.10" / "main.yaml"
OS_RELEASE = b'NAME="Alpine Linux"\nID=alpine\nVERSION_ID=3.10.2\nPRETTY_NAME="Alpine Linux v3.10"\n'
#: name → (version, origin); every one is below a fix in the v3.10 secdb.
APK_PACKAGES = {
    "openssl": ("1.1.1a-r1", "openssl"),
    "musl": ("1.1.22-r2", "musl"),
    "busybox": ("1.29.3-r9", "busybox"),
}


def apk_db(packages: dict[str, tuple[str, str]]) -> bytes:
    entries = [
        f"C:Q1bTtF5526tETKfL+lnigzIDvm+2o=\nP:{name}\nV:{version}\nA:x86_64\nS:1000\nI:2000\n"
        f"T:{name}\nU:https://alpinelinux.org\nL:MIT\no:{origin}\nt:1584790550\n"
        for name, (version, origin) in packages.items()
    ]
    return ("\n".join(entries) + "\n").encode()


def image_files(npm_version: str = "3.3.6") -> dict[str, bytes]:
    return {
        "etc/os-release": OS_RELEASE,
        "lib/apk/db/installed": apk_db(APK_PACKAGES),
        "usr/lib/node_modules/event-stream/package.json": json.dumps(
            {"name": "event-stream", "version": npm_version, "license": "MIT"}
        ).encode(),
    }


def write_secdb(directory: Path, names: set[str]) -> Path:
    """The real v3.10 secdb reduced to the packages ``names`` (same header, same records)."""
    doc = yaml.safe_load(SECDB.read_text())
    doc["packages"] = [p for p in doc["packages"] if p["pkg"]["name"] in names]
    target = directory / "alpine-secdb" / "v3.10"
    target.mkdir(parents=True, exist_ok=True)
    path = target / "main.yaml"
    path.write_text(yaml.safe_dump(doc, sort_keys=False))
    return path
