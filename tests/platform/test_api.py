"""The External API skeleton in-process, on both database backends."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.support.app import ADMIN
from tests.support.naming import unique


def _is_error_body(r, status: int) -> None:  # type: ignore[no-untyped-def]
    body = r.json()
    assert r.status_code == status, r.text
    assert set(body) == {"message", "httpcode", "detail"}
    assert body["httpcode"] == status
    assert "error_codes" in body["detail"]


def test_unauthenticated_routes(client: TestClient) -> None:
    client.auth = None
    assert client.get("/v1/").json() == "v1"
    assert client.get("/").json() == "v1"
    assert client.get("/health").text == "ok"
    v = client.get("/version").json()
    assert v["service"]["version"] == "1.1.0" and v["db"]["schema_version"]
    spec = client.get("/swagger.json").json()
    assert spec["info"]["version"] == "0.1.20"
    assert "/v1/accounts" in spec["paths"]


def test_bad_credentials_401_with_challenge(client: TestClient) -> None:
    for auth in (None, ("admin", "wrong"), ("nobody", "x")):
        r = client.get("/v1/accounts", auth=auth)
        _is_error_body(r, 401)
        assert r.headers["www-authenticate"] == 'basic realm="Authentication required"'
    r = client.get("/v1/accounts", headers={"Authorization": "Basic !!notbase64"})
    _is_error_body(r, 401)
    r = client.get("/v1/accounts", headers={"Authorization": "Digest abc"})
    _is_error_body(r, 401)


def test_unprefixed_alias_and_trailing_slash(admin: TestClient) -> None:
    a = admin.get("/v1/accounts").json()
    assert admin.get("/accounts").json() == a
    assert admin.get("/accounts/").json() == a


def test_unknown_route_and_method(admin: TestClient) -> None:
    _is_error_body(admin.get("/v1/no/such/thing"), 404)
    _is_error_body(admin.patch("/v1/accounts"), 405)


def test_malformed_input_is_400(admin: TestClient) -> None:
    r = admin.post("/v1/accounts", content=b"{not json", headers={"content-type": "application/json"})
    _is_error_body(r, 400)
    _is_error_body(admin.post("/v1/accounts", json={"nam": "x"}), 400)
    _is_error_body(admin.post("/v1/accounts", json={"name": 12}), 400)
    _is_error_body(admin.post("/v1/accounts", json={"name": "bad name with spaces"}), 400)
    _is_error_body(admin.post("/v1/accounts", json={"name": "admin"}), 400)
    _is_error_body(admin.put("/v1/accounts/admin/state", json={"state": "sleeping"}), 400)


def test_account_lifecycle_and_duplicates(admin: TestClient) -> None:
    name = unique("life")
    r = admin.post("/v1/accounts", json={"name": name, "email": "x@example.com"})
    assert r.status_code == 200
    acct = r.json()
    assert acct["state"] == "enabled" and acct["type"] == "user" and acct["created_at"].endswith("Z")
    dup = admin.post("/v1/accounts", json={"name": name})
    _is_error_body(dup, 400)
    assert dup.json()["message"] == "Account already exists"
    assert name in [a["name"] for a in admin.get("/v1/accounts").json()]
    assert [a["name"] for a in admin.get("/v1/accounts", params={"state": "disabled"}).json()].count(
        name
    ) == 0
    # an enabled account cannot be deleted
    _is_error_body(admin.delete(f"/v1/accounts/{name}"), 400)
    assert admin.put(f"/v1/accounts/{name}/state", json={"state": "disabled"}).json() == {"state": "disabled"}
    assert admin.delete(f"/v1/accounts/{name}").json() == {"state": "deleting"}
    assert admin.get(f"/v1/accounts/{name}").json()["state"] == "deleting"
    _is_error_body(admin.get("/v1/accounts/does-not-exist"), 404)


def test_admin_account_is_protected(admin: TestClient) -> None:
    _is_error_body(admin.put("/v1/accounts/admin/state", json={"state": "disabled"}), 400)
    _is_error_body(admin.delete("/v1/accounts/admin"), 400)
    _is_error_body(admin.delete("/v1/accounts/admin/users/admin"), 400)


def test_users_and_credentials(admin: TestClient, tenant: tuple[str, str, str]) -> None:
    account, user, password = tenant
    users = admin.get(f"/v1/accounts/{account}/users").json()
    assert [u["username"] for u in users] == [user]
    _is_error_body(admin.post(f"/v1/accounts/{account}/users", json={"username": user, "password": "x"}), 400)
    creds = admin.get(f"/v1/accounts/{account}/users/{user}/credentials").json()
    assert creds[0]["type"] == "password" and password not in str(creds) and set(creds[0]["value"]) == {"*"}
    # the user can authenticate, then the password changes and the old one stops working
    assert admin.get("/v1/user", auth=(user, password)).json()["username"] == user
    r = admin.post(
        f"/v1/accounts/{account}/users/{user}/credentials", json={"type": "password", "value": "n3w-pw"}
    )
    assert r.status_code == 200
    assert admin.get("/v1/user", auth=(user, password)).status_code == 401
    assert admin.get("/v1/user", auth=(user, "n3w-pw")).status_code == 200
    _is_error_body(admin.get(f"/v1/accounts/{account}/users/nouser"), 404)
    assert admin.delete(f"/v1/accounts/{account}/users/{user}").status_code == 204
    assert admin.get("/v1/user", auth=(user, "n3w-pw")).status_code == 401


def test_user_self_service(client: TestClient, tenant: tuple[str, str, str]) -> None:
    account, user, password = tenant
    me = (user, password)
    assert client.get("/v1/account", auth=me).json()["name"] == account
    assert client.get("/v1/user/credentials", auth=me).json()[0]["type"] == "password"
    assert (
        client.post(
            "/v1/user/credentials", json={"type": "password", "value": "changed-1"}, auth=me
        ).status_code
        == 200
    )
    assert client.get("/v1/user", auth=(user, "changed-1")).status_code == 200
    _is_error_body(
        client.post("/v1/user/credentials", json={"type": "token", "value": "x"}, auth=(user, "changed-1")),
        400,
    )


def test_non_admin_boundaries(client: TestClient, tenant: tuple[str, str, str]) -> None:
    account, user, password = tenant
    me = (user, password)
    _is_error_body(client.get("/v1/accounts", auth=me), 403)
    _is_error_body(client.post("/v1/accounts", json={"name": unique("x")}, auth=me), 403)
    _is_error_body(client.get("/v1/accounts/admin", auth=me), 403)
    _is_error_body(client.get("/v1/system/audit", auth=me), 403)
    # services are readable with a role (full-control is granted to users of their own account)
    assert client.get("/v1/system/services", auth=me).status_code == 200
    # own account is readable, acting in another account through the header is not
    assert client.get(f"/v1/accounts/{account}", auth=me).status_code == 200
    r = client.get("/v1/account", auth=me, headers={"x-anchore-account": "admin"})
    _is_error_body(r, 403)
    assert "Not authorized" in r.json()["message"]
    # disabling the account cuts access at once
    assert (
        client.put(f"/v1/accounts/{account}/state", json={"state": "disabled"}, auth=ADMIN).status_code == 200
    )
    _is_error_body(client.get("/v1/account", auth=me), 403)


def test_admin_acts_in_other_account(admin: TestClient, tenant: tuple[str, str, str]) -> None:
    account, user, _ = tenant
    r = admin.get(f"/v1/accounts/{account}/users", headers={"x-anchore-account": account})
    assert r.status_code == 200
    _is_error_body(admin.get("/v1/status", headers={"x-anchore-account": "ghost-account"}), 404)


def test_bearer_tokens(client: TestClient, tenant: tuple[str, str, str]) -> None:
    account, user, password = tenant
    r = client.post(
        "/v1/oauth/token",
        data={"grant_type": "password", "username": user, "password": password, "client_id": "anonymous"},
        auth=None,
    )
    assert r.status_code == 200, r.text
    token = r.json()["access_token"]
    assert r.json()["token_type"] == "bearer" and r.json()["expires_in"] > 0
    me = client.get("/v1/user", headers={"Authorization": f"Bearer {token}"}, auth=None)
    assert me.json()["username"] == user
    _is_error_body(client.get("/v1/user", headers={"Authorization": "Bearer not-a-token"}, auth=None), 401)
    bad = client.post("/v1/oauth/token", data={"username": user, "password": "wrong"}, auth=None)
    _is_error_body(bad, 401)
    # an empty form may carry the basic credentials instead
    assert client.post("/v1/oauth/token", auth=(user, password)).status_code == 200


def test_status_system_and_metrics(admin: TestClient) -> None:
    st = admin.get("/v1/status").json()
    assert st["up"] is True and st["message"] == "all good" and st["db_version"]
    system = admin.get("/v1/system").json()
    names = {s["servicename"] for s in system["service_states"]}
    assert {"apiext", "catalog", "policy_engine", "simplequeue", "analyzer"} <= names
    for s in system["service_states"]:
        assert {
            "hostid",
            "servicename",
            "base_url",
            "status",
            "status_message",
            "version",
            "service_detail",
        } <= set(s)
    metrics = admin.get("/metrics").text
    assert 'drydock_http_requests_total{method="GET",route="/v1/status",status="200"}' in metrics
    assert "drydock_http_request_duration_seconds_bucket" in metrics


def test_request_id_is_echoed(admin: TestClient) -> None:
    r = admin.get("/v1/status", headers={"x-request-id": "abc123"})
    assert r.headers["x-request-id"] == "abc123"
    assert len(admin.get("/v1/status").headers["x-request-id"]) == 32
