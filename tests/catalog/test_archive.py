"""Document archive drivers: database (both backends), filesystem, and S3 against a real
S3-compatible HTTP server (moto's standalone server on loopback)."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from drydock.catalog.archive import ArchiveDriver, DatabaseDriver, FilesystemDriver, S3Driver, make_driver
from drydock.core.db import Database
from drydock.core.errors import NotFound
from tests.support.server import free_port


@pytest.fixture(scope="module")
def s3_endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    port = free_port()
    log = tmp_path_factory.mktemp("moto") / "moto.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)], stdout=out, stderr=subprocess.STDOUT
        )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            httpx.get(url, timeout=1)
            break
        except httpx.TransportError:
            assert time.monotonic() < deadline and proc.poll() is None, log.read_text()
            time.sleep(0.1)
    yield url
    proc.terminate()
    proc.wait(10)


def _roundtrip(driver: ArchiveDriver, session: object) -> None:
    doc = b'{"hello": "world"}' * 1000
    driver.put(session, "acct1", "analysis_data", "sha256_abc", doc)  # type: ignore[arg-type]
    assert driver.get(session, "acct1", "analysis_data", "sha256_abc") == doc  # type: ignore[arg-type]
    driver.put(session, "acct1", "analysis_data", "sha256_abc", b"v2")  # type: ignore[arg-type]
    assert driver.get(session, "acct1", "analysis_data", "sha256_abc") == b"v2"  # type: ignore[arg-type]
    driver.put(session, "acct2", "analysis_data", "sha256_abc", b"other")  # type: ignore[arg-type]
    driver.delete_account(session, "acct1")  # type: ignore[arg-type]
    with pytest.raises(NotFound):
        driver.get(session, "acct1", "analysis_data", "sha256_abc")  # type: ignore[arg-type]
    assert driver.get(session, "acct2", "analysis_data", "sha256_abc") == b"other"  # type: ignore[arg-type]
    driver.delete(session, "acct2", "analysis_data", "sha256_abc")  # type: ignore[arg-type]
    with pytest.raises(NotFound):
        driver.get(session, "acct2", "analysis_data", "sha256_abc")  # type: ignore[arg-type]
    for bad in ("../x", "a/b", "..", ""):
        with pytest.raises(ValueError):
            driver.put(session, bad, "b", "k", b"x")  # type: ignore[arg-type]
        with pytest.raises(ValueError):
            driver.get(session, "acct", "b", bad)  # type: ignore[arg-type]


def test_database_driver(database_url: str) -> None:
    db = Database(database_url)
    with db.session() as session:
        _roundtrip(DatabaseDriver(), session)
    db.dispose()


def test_filesystem_driver(tmp_path: Path) -> None:
    _roundtrip(FilesystemDriver(tmp_path / "archive"), None)
    assert not any(p.suffix.startswith(".tmp") for p in (tmp_path / "archive").rglob("*"))


def test_s3_driver(s3_endpoint: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    driver = make_driver(
        {
            "driver": "s3",
            "bucket": "drydock-test",
            "prefix": "docs/",
            "endpoint_url": s3_endpoint,
            "region": "us-east-1",
            "access_key": "testing",
            "secret_key": "testing",
            "create_bucket": True,
        },
        Path("/nonexistent"),
    )
    assert isinstance(driver, S3Driver)
    _roundtrip(driver, None)
    keys = driver.client.list_objects_v2(Bucket="drydock-test").get("Contents", [])
    assert all(k["Key"].startswith("docs/") for k in keys)


def test_unknown_driver_rejected() -> None:
    with pytest.raises(ValueError, match="unknown archive driver"):
        make_driver({"driver": "floppy"}, Path("."))
