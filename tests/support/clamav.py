"""A ClamAV signature database of our own: no official database is on the test machines and
there is no network, so tests write a body signature for a marker string (``.ndb``) and scan
with the real ``clamscan``. Tests that need clamscan fail (never skip) when it is missing."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

MARKER = b"DRYDOCK-TEST-MALWARE-MARKER-7f3a"
SIGNATURE_NAME = "Drydock.Test.Marker"
FOUND_AS = f"{SIGNATURE_NAME}.UNOFFICIAL"  # clamscan's name for signatures of unofficial databases


def require_clamav() -> None:
    for tool in ("clamscan", "sigtool"):
        if shutil.which(tool) is None:
            pytest.fail(f"{tool} not installed: apt-get install clamav (scripts/test does it as root)")


def signature_db(directory: Path) -> Path:
    """A database directory whose one signature matches any file containing ``MARKER``."""
    require_clamav()
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "drydock-test.ndb").write_text(f"{SIGNATURE_NAME}:0:*:{MARKER.hex()}\n")
    return directory


def infected(payload: bytes = b"") -> bytes:
    return b"#!/bin/sh\n# " + MARKER + b"\n" + payload
