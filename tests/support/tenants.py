"""Accounts and users with chosen roles, created through the API as an admin would."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.support.app import ADMIN
from tests.support.naming import unique


def make_user(api: TestClient, account: str, *roles: str) -> tuple[str, str]:
    """A new user of ``account`` holding ``roles`` there; returns (username, password)."""
    user, password = unique("u"), unique("pw-")
    r = api.post(f"/v1/accounts/{account}/users", json={"username": user, "password": password}, auth=ADMIN)
    assert r.status_code == 200, r.text
    for role in roles:
        r = api.post(f"/v1/roles/{role}/members", json={"username": user, "for_account": account}, auth=ADMIN)
        assert r.status_code in (200, 409), r.text  # 409: granted already by the default role
    return user, password


def make_account(api: TestClient) -> str:
    name = unique("acct")
    assert api.post("/v1/accounts", json={"name": name}, auth=ADMIN).status_code == 200
    return name
