"""A ClamAV signature database of our own: no official database is on the test machines and
there is no network, so tests write a body signature for a marker string (``.ndb``) and scan
with the real ``clamscan`` or a real ``clamd`` started here. Tests that need them fail (never
skip) when they are missing."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

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


CLAMD = "/usr/sbin/clamd"


@contextmanager
def running_clamd(workdir: Path, database: Path, stream_max: str = "10M") -> Iterator[str]:
    """A real clamd on a unix socket in ``workdir`` with ``database``; yields the socket path."""
    if not os.access(CLAMD, os.X_OK):
        pytest.fail(f"{CLAMD} not installed: apt-get install clamav-daemon (scripts/test does it as root)")
    workdir.mkdir(parents=True, exist_ok=True)
    sock = workdir / "clamd.sock"
    conf = workdir / "clamd.conf"
    conf.write_text(
        f"Foreground yes\nLocalSocket {sock}\nDatabaseDirectory {database}\n"
        f"TemporaryDirectory {workdir}\nStreamMaxLength {stream_max}\nLogFile {workdir / 'clamd.log'}\n"
    )
    proc = subprocess.Popen([CLAMD, "-c", str(conf)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while not _answers(sock):
            if proc.poll() is not None or time.monotonic() > deadline:
                err = proc.stderr.read().decode() if proc.stderr and proc.poll() is not None else ""
                pytest.fail(f"clamd did not come up: {err}")
            time.sleep(0.1)
        yield str(sock)
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def _answers(sock: Path) -> bool:
    try:
        with socket.socket(socket.AF_UNIX) as s:
            s.connect(str(sock))
            s.sendall(b"zPING\0")
            return s.recv(16).startswith(b"PONG")
    except OSError:
        return False


@dataclass
class SignatureMirror:
    """A real HTTP server on 127.0.0.1 serving ``root`` (with If-Modified-Since → 304, as
    freshclam expects of a DatabaseCustomURL); ``requests`` lists (path, status) served."""

    root: Path
    server: ThreadingHTTPServer
    requests: list[tuple[str, int]] = field(default_factory=list)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def url(self, name: str) -> str:
        return f"{self.base}/{name}"

    def publish(self, name: str, signatures: dict[str, bytes], mtime: float) -> None:
        """A body-signature database (``.ndb``), dated ``mtime`` so a change is seen as newer."""
        path = self.root / name
        path.write_text("".join(f"{sig}:0:*:{marker.hex()}\n" for sig, marker in signatures.items()))
        os.utime(path, (mtime, mtime))

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@contextmanager
def signature_mirror(root: Path) -> Iterator[SignatureMirror]:
    root.mkdir(parents=True, exist_ok=True)
    seen: list[tuple[str, int]] = []

    class Handler(SimpleHTTPRequestHandler):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, directory=str(root), **kwargs)

        def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
            seen.append((self.path, int(code)))

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    mirror = SignatureMirror(root, server, seen)
    try:
        yield mirror
    finally:
        if mirror.server.socket.fileno() != -1:
            mirror.stop()
