from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from drydock.runtime.context import Runtime
from drydock.runtime.server import build_app
from tests.support.app import ADMIN, make_runtime


@pytest.fixture(scope="session")
def rbac_runtime(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Runtime:
    # No default role: each test user holds exactly the roles the test grants.
    return make_runtime(
        database_url,
        tmp_path_factory.mktemp("data"),
        rbac={"default_user_role": "", "audit": "all", "cache_poll_seconds": 0.2},
        auth={"failed_login_limit": 5, "failed_login_window_seconds": 60},
    )


@pytest.fixture(scope="session")
def api(rbac_runtime: Runtime) -> Iterator[TestClient]:
    with TestClient(build_app(rbac_runtime), raise_server_exceptions=False) as c:
        yield c
