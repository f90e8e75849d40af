"""Scale-out on PostgreSQL: separate API/catalog and analyzer-worker processes sharing one
database. Many images added at once are each analyzed and recorded exactly once; a worker
killed with SIGKILL mid-analysis loses nothing."""

from __future__ import annotations

import signal
import time
from pathlib import Path

import httpx
import pytest

from tests.support.catalog import push_files
from tests.support.naming import unique
from tests.support.registry import RunningRegistry
from tests.support.server import ServerProcess, start_server

pytestmark = pytest.mark.e2e

WORKER_ENV = {
    "DRYDOCK_ANALYZER__POLL_SECONDS": "0.2",
    "DRYDOCK_ANALYZER__LAYER_WORKERS": "1",
    "DRYDOCK_ANALYZER__LEASE_SECONDS": "4",
}


def _images(client: httpx.Client) -> dict[str, dict]:
    return {i["imageDigest"]: i for i in client.get("/v1/images").json()}


def _wait_all(client: httpx.Client, digests: set[str], timeout: float) -> dict[str, dict]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        images = _images(client)
        if all(images.get(d, {}).get("analysis_status") in ("analyzed", "analysis_failed") for d in digests):
            return images
        time.sleep(0.5)
    raise AssertionError(
        f"not all analyzed: { {d: _images(client).get(d, {}).get('analysis_status') for d in digests} }"
    )


def _completions(client: httpx.Client, digest: str) -> int:
    events = client.get(
        "/v1/events", params={"event_type": "user.image.analysis.completed", "limit": 1000}
    ).json()
    return sum(1 for e in events["results"] if e["event"]["details"].get("imageDigest") == digest)


@pytest.fixture
def pg_only(backend: str) -> None:
    if backend != "postgresql":
        pytest.skip("several processes share one database only on PostgreSQL")


def _start(tmp: Path, db: str, services: str, host: str) -> ServerProcess:
    return start_server(tmp, db, services=services, host_id=host, extra_env=WORKER_ENV)


def test_twenty_images_two_workers_each_once(
    pg_only: None, fresh_database: str, tmp_path: Path, registry: RunningRegistry
) -> None:
    api = _start(tmp_path, fresh_database, "api,rbac,catalog,queue,policy,feeds", "api-host")
    workers = [_start(tmp_path, fresh_database, "analyzer", f"worker-{i}") for i in range(2)]
    try:
        prefix = unique("many")
        digests = {push_files(registry, f"{prefix}{i}:v1", {f"etc/n{i}": str(i).encode()}) for i in range(20)}
        with api.client() as c:
            for i in range(20):
                assert (
                    c.post("/v1/images", json={"tag": f"{registry.host}/{prefix}{i}:v1"}).status_code == 200
                )
            images = _wait_all(c, digests, timeout=240)
            assert {images[d]["analysis_status"] for d in digests} == {"analyzed"}
            for d in digests:
                assert _completions(c, d) == 1
            services = {
                s["hostid"] for s in c.get("/v1/system/services").json() if s["servicename"] == "analyzer"
            }
            assert services == {"worker-0", "worker-1"}
        analyzed_by = [w.log().count('"image analyzed"') for w in workers]
        assert sum(analyzed_by) == 20 and all(n > 0 for n in analyzed_by), analyzed_by
    finally:
        for w in workers:
            w.stop()
        api.stop()


def test_worker_killed_mid_analysis(
    pg_only: None, fresh_database: str, tmp_path: Path, registry: RunningRegistry
) -> None:
    api = _start(tmp_path, fresh_database, "api,rbac,catalog,queue", "api-host")
    first = _start(tmp_path, fresh_database, "analyzer", "doomed-worker")
    second: ServerProcess | None = None
    try:
        repo = unique("kill")
        # many files, so the analysis takes long enough to be interrupted
        files = {f"usr/share/many/{i // 1000}/f{i}": b"x" for i in range(40000)}
        digest = push_files(registry, f"{repo}:v1", files)
        with api.client() as c:
            assert c.post("/v1/images", json={"tag": f"{registry.host}/{repo}:v1"}).status_code == 200
            deadline = time.monotonic() + 60
            while _images(c)[digest]["analysis_status"] != "analyzing":
                assert time.monotonic() < deadline, "the worker never started"
                time.sleep(0.05)
            first.stop(signal.SIGKILL)
            assert _images(c)[digest]["analysis_status"] == "analyzing"
            second = _start(tmp_path, fresh_database, "analyzer", "rescue-worker")
            image = _wait_all(c, {digest}, timeout=120)[digest]
            assert image["analysis_status"] == "analyzed"
            assert _completions(c, digest) == 1
        assert '"image analyzed"' in second.log()
    finally:
        first.stop(signal.SIGKILL)
        if second is not None:
            second.stop()
        api.stop()
