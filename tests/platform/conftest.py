from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from drydock.runtime.context import Runtime
from drydock.runtime.server import build_app
from tests.support.app import ADMIN, make_runtime
from tests.support.naming import unique


@pytest.fixture(scope="session")
def runtime(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Runtime:
    return make_runtime(database_url, tmp_path_factory.mktemp("data"))


@pytest.fixture(scope="session")
def client(runtime: Runtime) -> Iterator[TestClient]:
    with TestClient(build_app(runtime), raise_server_exceptions=False) as c:
        yield c


@pytest.fixture
def admin(client: TestClient) -> TestClient:
    client.auth = ADMIN
    return client


@pytest.fixture
def tenant(client: TestClient) -> tuple[str, str, str]:
    """A fresh user account with one user: (account, username, password)."""
    account, user, password = unique("acct"), unique("user"), "pw-" + unique("")
    assert client.post("/v1/accounts", json={"name": account}, auth=ADMIN).status_code == 200
    r = client.post(
        f"/v1/accounts/{account}/users", json={"username": user, "password": password}, auth=ADMIN
    )
    assert r.status_code == 200, r.text
    return account, user, password
