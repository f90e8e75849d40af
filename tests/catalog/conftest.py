from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from drydock.runtime.context import Runtime
from drydock.runtime.server import build_app
from tests.support.app import ADMIN, make_runtime
from tests.support.fixtures import auth_registry, registry  # noqa: F401  (fixtures)


@pytest.fixture(scope="session")
def catalog_runtime(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Runtime:
    return make_runtime(
        database_url,
        tmp_path_factory.mktemp("catalog-data"),
        analyzer={"poll_seconds": 0.1, "layer_workers": 1},
        catalog={
            "max_compressed_image_size_mb": 5,
            "registry_retries": 0,
            "registry_connect_timeout": 2,
            "image_gc_seconds": 0.5,
        },
        timers={"account_cleanup_seconds": 0.5},
    )


@pytest.fixture(scope="session")
def api(catalog_runtime: Runtime) -> Iterator[TestClient]:
    with TestClient(build_app(catalog_runtime), raise_server_exceptions=False) as c:
        c.auth = ADMIN
        yield c
