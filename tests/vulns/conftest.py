from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from drydock.runtime.context import Runtime
from drydock.runtime.server import build_app
from tests.conftest import drop_postgres_database, fresh_database_url
from tests.support.app import ADMIN, make_runtime
from tests.support.fixtures import registry  # noqa: F401  (fixture)


@pytest.fixture(scope="session")
def vulns_database(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A database of this directory's own: its feed imports (alpine:3.10, GHSA) and feed
    generation moves must not meet other directories' tests sharing a worker's database."""
    from drydock.core import migrate

    url = fresh_database_url(backend, tmp_path_factory.mktemp("vulns-db"))
    migrate.upgrade(url)
    yield url
    if backend == "postgresql":
        drop_postgres_database(url)


@pytest.fixture(scope="session")
def vulns_runtime(vulns_database: str, tmp_path_factory: pytest.TempPathFactory) -> Runtime:
    return make_runtime(
        vulns_database,
        tmp_path_factory.mktemp("vulns-data"),
        analyzer={"poll_seconds": 0.1, "layer_workers": 1},
        catalog={"registry_retries": 0, "registry_connect_timeout": 2, "image_gc_seconds": 0.5},
    )


@pytest.fixture(scope="session")
def api(vulns_runtime: Runtime) -> Iterator[TestClient]:
    with TestClient(build_app(vulns_runtime), raise_server_exceptions=False) as c:
        c.auth = ADMIN
        yield c
