"""RBAC Manager API, cross-account roles, API keys, audit log, throttling, cache invalidation."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from drydock.runtime.context import Runtime
from drydock.runtime.server import build_app
from tests.support.app import ADMIN, make_runtime

from tests.support.tenants import make_account, make_user


def test_roles_listed_and_immutable(api: TestClient) -> None:
    roles = {r["name"]: r for r in api.get("/v1/roles", auth=ADMIN).json()}
    assert set(roles) >= {
        "full-control",
        "account-users-admin",
        "read-write",
        "read-only",
        "policy-editor",
        "image-analyzer",
        "inventory-agent",
    }
    assert roles["full-control"]["permissions"] == [{"action": "*", "target": "*"}]
    assert {"action": "listImages", "target": "*"} in roles["read-only"]["permissions"]
    assert api.get("/v1/roles/read-only", auth=ADMIN).json()["name"] == "read-only"
    assert api.get("/v1/roles/no-such-role", auth=ADMIN).status_code == 404
    # no route creates, edits or deletes a role
    assert api.post("/v1/roles", json={"name": "x"}, auth=ADMIN).status_code == 405
    assert api.delete("/v1/roles/read-only", auth=ADMIN).status_code == 405


def test_membership_lifecycle_and_bad_input(api: TestClient) -> None:
    account = make_account(api)
    user, password = make_user(api, account, "read-only")
    members = api.get(
        "/v1/roles/read-only/members", auth=ADMIN, headers={"x-anchore-account": account}
    ).json()
    assert [m["username"] for m in members] == [user]
    dup = api.post("/v1/roles/read-only/members", json={"username": user, "for_account": account}, auth=ADMIN)
    assert dup.status_code == 409
    for body, code in (
        ({"username": "ghost-user", "for_account": account}, 404),
        ({"username": user, "for_account": "ghost-account"}, 404),
    ):
        assert api.post("/v1/roles/read-only/members", json=body, auth=ADMIN).status_code == code
    assert (
        api.post(
            "/v1/roles/ghost-role/members", json={"username": user, "for_account": account}, auth=ADMIN
        ).status_code
        == 404
    )
    assert api.get("/v1/my_roles", auth=(user, password)).json()[0]["role"] == "read-only"
    r = api.delete(
        "/v1/roles/read-only/members", params={"username": user, "for_account": account}, auth=ADMIN
    )
    assert r.status_code == 204
    assert api.get("/v1/my_roles", auth=(user, password)).json() == []
    assert (
        api.delete(
            "/v1/roles/read-only/members", params={"username": user, "for_account": account}, auth=ADMIN
        ).status_code
        == 404
    )


def test_last_admin_cannot_be_removed(api: TestClient) -> None:
    account = make_account(api)
    boss, _ = make_user(api, account, "full-control")
    r = api.delete(
        "/v1/roles/full-control/members", params={"username": boss, "for_account": account}, auth=ADMIN
    )
    assert r.status_code == 400 and "last administrator" in r.json()["message"]
    deputy, _ = make_user(api, account, "account-users-admin")
    r = api.delete(
        "/v1/roles/full-control/members", params={"username": boss, "for_account": account}, auth=ADMIN
    )
    assert r.status_code == 204, r.text
    r = api.delete(
        "/v1/roles/account-users-admin/members",
        params={"username": deputy, "for_account": account},
        auth=ADMIN,
    )
    assert r.status_code == 400


def test_account_users_admin_manages_members_in_own_account_only(api: TestClient) -> None:
    account, other = make_account(api), make_account(api)
    manager, mpw = make_user(api, account, "account-users-admin")
    worker, _ = make_user(api, account)
    ok = api.post("/v1/roles/read-write/members", json={"username": worker}, auth=(manager, mpw))
    assert ok.status_code == 200 and ok.json()["for_account"] == account
    denied = api.post(
        "/v1/roles/read-write/members", json={"username": worker, "for_account": other}, auth=(manager, mpw)
    )
    assert denied.status_code == 403
    assert api.get("/v1/accounts", auth=(manager, mpw)).status_code == 403


def test_cross_account_role_with_header(api: TestClient) -> None:
    home, away = make_account(api), make_account(api)
    user, password = make_user(api, home, "full-control")
    me = (user, password)
    hdr = {"x-anchore-account": away}
    assert api.get(f"/v1/accounts/{away}/users", auth=me).status_code == 403
    assert api.get("/v1/roles/read-only/members", auth=me, headers=hdr).status_code == 403
    assert (
        api.post(
            "/v1/roles/account-users-admin/members", json={"username": user, "for_account": away}, auth=ADMIN
        ).status_code
        == 200
    )
    assert api.get("/v1/roles/read-only/members", auth=me, headers=hdr).status_code == 200
    assert api.get(f"/v1/accounts/{away}/users", auth=me).status_code == 200
    roles = api.get(f"/v1/users/{user}/roles", auth=ADMIN).json()
    assert {(m["role"], m["for_account"]) for m in roles} == {
        ("full-control", home),
        ("account-users-admin", away),
    }
    assert api.get("/v1/users/ghost-user/roles", auth=ADMIN).status_code == 404


def test_api_keys(api: TestClient) -> None:
    account = make_account(api)
    user, password = make_user(api, account, "read-only")
    r = api.post("/v1/user/api_keys", json={"name": "ci"}, auth=(user, password))
    assert r.status_code == 200, r.text
    key, key_id = r.json()["key"], r.json()["key_id"]
    assert key.startswith("ddk_")
    # as the basic-auth password and as a bearer token
    assert api.get("/v1/user", auth=(user, key)).json()["username"] == user
    assert api.get("/v1/user", headers={"Authorization": f"Bearer {key}"}).json()["username"] == user
    assert api.get("/v1/user", auth=("someone-else", key)).status_code == 401
    listed = api.get("/v1/user/api_keys", auth=(user, password)).json()
    assert [k["key_id"] for k in listed] == [key_id] and "key" not in listed[0] and listed[0]["last_used_at"]
    assert api.delete(f"/v1/user/api_keys/{key_id}", auth=(user, password)).json()["revoked"] is True
    assert api.get("/v1/user", auth=(user, key)).status_code == 401
    past = (datetime.now(UTC) - timedelta(seconds=5)).isoformat()
    assert (
        api.post(
            "/v1/user/api_keys", json={"name": "old", "expires_at": past}, auth=(user, password)
        ).status_code
        == 400
    )
    assert api.delete("/v1/user/api_keys/nope", auth=(user, password)).status_code == 404


def test_expired_key_refused(api: TestClient, rbac_runtime: Runtime) -> None:
    from drydock.rbac import service
    from drydock.rbac.models import ApiKey

    account = make_account(api)
    user, password = make_user(api, account)
    key = api.post("/v1/user/api_keys", json={"name": "short"}, auth=(user, password)).json()
    with rbac_runtime.db.session() as s:
        s.get(ApiKey, key["key_id"]).expires_at = datetime.now(UTC) - timedelta(seconds=1)
    assert api.get("/v1/user", auth=(user, key["key"])).status_code == 401
    assert service.API_KEY_PREFIX == "ddk_"


def test_deleting_user_cuts_access_and_memberships(api: TestClient) -> None:
    account = make_account(api)
    keep, _ = make_user(api, account, "full-control")
    user, password = make_user(api, account, "read-write")
    key = api.post("/v1/user/api_keys", json={"name": "k"}, auth=(user, password)).json()["key"]
    assert api.delete(f"/v1/accounts/{account}/users/{user}", auth=ADMIN).status_code == 204
    assert api.get("/v1/user", auth=(user, password)).status_code == 401
    assert api.get("/v1/user", auth=(user, key)).status_code == 401
    members = api.get(
        "/v1/roles/read-write/members", auth=ADMIN, headers={"x-anchore-account": account}
    ).json()
    assert members == []


def test_audit_log(api: TestClient) -> None:
    account = make_account(api)
    user, password = make_user(api, account, "read-only")
    assert api.get("/v1/accounts", auth=(user, password)).status_code == 403
    events = api.get("/v1/system/audit", params={"username": user}, auth=ADMIN).json()
    denied = [e for e in events if not e["allowed"]]
    assert denied and denied[0]["action"] == "listAccounts" and denied[0]["path"] == "/v1/accounts"
    assert (
        api.get("/v1/system/audit", params={"username": user, "allowed": "true"}, auth=ADMIN).status_code
        == 200
    )
    assert api.get("/v1/system/audit", auth=(user, password)).status_code == 403


def test_failed_logins_throttled(api: TestClient) -> None:
    account = make_account(api)
    user, password = make_user(api, account)
    for _ in range(5):
        assert api.get("/v1/user", auth=(user, "wrong")).status_code == 401
    r = api.get("/v1/user", auth=(user, password))
    assert r.status_code == 429 and "Too many failed logins" in r.json()["message"]
    assert api.post("/v1/oauth/token", data={"username": user, "password": password}).status_code == 429


def test_membership_change_seen_by_another_process(
    api: TestClient, database_url: str, tmp_path: Path
) -> None:
    """A second runtime on the same database stands for another replica."""
    other_rt = make_runtime(database_url, tmp_path, rbac={"default_user_role": "", "cache_poll_seconds": 0.2})
    account = make_account(api)
    user, password = make_user(api, account, "read-only")
    with TestClient(build_app(other_rt), raise_server_exceptions=False) as other:
        assert (
            other.get(f"/v1/accounts/{account}/users", auth=(user, password)).status_code == 403
        )  # cached: no listUsers
        r = api.post(
            "/v1/roles/account-users-admin/members",
            json={"username": user, "for_account": account},
            auth=ADMIN,
        )
        assert r.status_code == 200
        import time

        deadline = time.monotonic() + 5
        while other.get(f"/v1/accounts/{account}/users", auth=(user, password)).status_code == 403:
            assert time.monotonic() < deadline, "replica never saw the new membership"
            time.sleep(0.1)


@pytest.mark.parametrize("role", ["read-only", "image-analyzer"])
def test_roles_cannot_manage_users(api: TestClient, role: str) -> None:
    account = make_account(api)
    user, password = make_user(api, account, role)
    r = api.post(
        f"/v1/accounts/{account}/users", json={"username": "newbie1", "password": "x"}, auth=(user, password)
    )
    assert r.status_code == 403
