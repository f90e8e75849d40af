from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from drydock.runtime.context import Runtime
from drydock.runtime.server import build_app
from support.app import ADMIN, make_runtime
from support.naming import unique


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


def make_user(api: TestClient, account: str, *roles: str) -> tuple[str, str]:
    """A new user of ``account`` holding ``roles`` there; returns (username, password)."""
    user, password = unique("u"), unique("pw-")
    r = api.post(f"/v1/accounts/{account}/users", json={"username": user, "password": password}, auth=ADMIN)
    assert r.status_code == 200, r.text
    for role in roles:
        r = api.post(f"/v1/roles/{role}/members", json={"username": user, "for_account": account}, auth=ADMIN)
        assert r.status_code == 200, r.text
    return user, password


def make_account(api: TestClient) -> str:
    name = unique("acct")
    assert api.post("/v1/accounts", json={"name": name}, auth=ADMIN).status_code == 200
    return name
