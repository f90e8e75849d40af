"""The queue HTTP API end to end through the real app: a worker's whole cycle, admin
operations, singleton leases, authorization and bad input."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from drydock.runtime.server import build_app
from tests.support.app import ADMIN, make_runtime
from tests.support.naming import unique


@pytest.fixture(scope="session")
def api(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    runtime = make_runtime(database_url, tmp_path_factory.mktemp("queue-data"))
    with TestClient(build_app(runtime), raise_server_exceptions=False) as client:
        client.auth = ADMIN
        yield client


@pytest.fixture(scope="session")
def tenant_user(api: TestClient) -> tuple[str, str]:
    """A user with full control of its own (non-admin) account."""
    account, user, password = unique("acct"), unique("user"), unique("pw-")
    assert api.post("/v1/accounts", json={"name": account}).status_code == 200
    assert (
        api.post(f"/v1/accounts/{account}/users", json={"username": user, "password": password}).status_code
        == 200
    )
    r = api.post("/v1/roles/full-control/members", json={"username": user, "for_account": account})
    assert r.status_code in (200, 409), r.text  # 409: the default user role already is full-control
    return user, password


def test_worker_cycle(api: TestClient, queue: str) -> None:
    r = api.post(f"/v1/queues/{queue}/messages", json={"payload": {"image": "a"}, "priority": 1})
    assert r.status_code == 200, r.text
    first = r.json()["id"]
    assert api.post(f"/v1/queues/{queue}/messages", json={"payload": {"image": "a"}}).json()["id"] == first
    second = api.post(
        f"/v1/queues/{queue}/messages", json={"payload": {"image": "b"}, "max_attempts": 1}
    ).json()["id"]

    leased = api.post(
        f"/v1/queues/{queue}/lease", params={"count": 5, "visibility_timeout": 30, "holder": "w1"}
    ).json()
    assert [m["id"] for m in leased] == [first, second]
    assert (
        leased[0]["holder"] == "w1"
        and leased[0]["state"] == "inflight"
        and leased[0]["visible_at"].endswith("Z")
    )
    a, b = leased
    r = api.put(
        f"/v1/queues/{queue}/messages/{first}/lease",
        json={"holder": "w1", "receipt": a["receipt"], "visibility_timeout": 60},
    )
    assert r.status_code == 200 and r.json()["visible_at"] > a["visible_at"]
    assert (
        api.delete(f"/v1/queues/{queue}/messages/{first}", params={"receipt": a["receipt"]}).status_code
        == 204
    )
    r = api.delete(f"/v1/queues/{queue}/messages/{first}", params={"receipt": a["receipt"]})
    assert r.status_code == 404 and r.json()["detail"]["error_codes"] == ["message_not_found"]

    r = api.post(
        f"/v1/queues/{queue}/messages/{second}/fail",
        json={"receipt": b["receipt"], "error": "registry timeout"},
    )
    assert (
        r.status_code == 200 and r.json()["state"] == "dead" and r.json()["last_error"] == "registry timeout"
    )
    r = api.post(
        f"/v1/queues/{queue}/messages/{second}/fail", json={"receipt": b["receipt"], "error": "again"}
    )
    assert r.status_code == 409 and r.json()["detail"]["error_codes"] == ["stale_receipt"]

    shown = api.get(f"/v1/queues/{queue}", params={"state": "dead"}).json()
    assert shown["stats"] == {"queue": queue, "available": 0, "inflight": 0, "delayed": 0, "dead": 1}
    assert [m["id"] for m in shown["messages"]] == [second]
    assert api.post(f"/v1/queues/{queue}/messages/{second}/retry").json() == {"revived": 1}
    r = api.post(f"/v1/queues/{queue}/messages/{second}/retry")
    assert r.status_code == 409 and r.json()["detail"]["error_codes"] == ["message_not_dead"]
    listed = {s["queue"]: s for s in api.get("/v1/queues").json()}
    assert listed[queue]["available"] == 1
    assert api.delete(f"/v1/queues/{queue}/messages/{second}").status_code == 204  # drop
    assert api.get(f"/v1/queues/{queue}").json()["messages"] == []


def test_stale_receipt_after_redelivery(api: TestClient, queue: str) -> None:
    mid = api.post(f"/v1/queues/{queue}/messages", json={"payload": {"n": 1}}).json()["id"]
    [old] = api.post(f"/v1/queues/{queue}/lease", params={"visibility_timeout": 0.1}).json()
    time.sleep(0.2)
    [new] = api.post(f"/v1/queues/{queue}/lease", params={"visibility_timeout": 30}).json()
    assert (
        new["id"] == mid and new["attempts"] == 2 and new["holder"] == "admin"
    )  # default holder: the caller
    r = api.delete(f"/v1/queues/{queue}/messages/{mid}", params={"receipt": old["receipt"]})
    assert r.status_code == 409 and "stale" in r.json()["message"]
    r = api.put(
        f"/v1/queues/{queue}/messages/{mid}/lease", json={"holder": "admin", "receipt": old["receipt"]}
    )
    assert r.status_code == 409
    assert (
        api.delete(f"/v1/queues/{queue}/messages/{mid}", params={"receipt": new["receipt"]}).status_code
        == 204
    )


def test_retry_all_and_purge(api: TestClient, queue: str) -> None:
    for n in range(3):
        api.post(f"/v1/queues/{queue}/messages", json={"payload": {"n": n}, "max_attempts": 1})
    for m in api.post(f"/v1/queues/{queue}/lease", params={"count": 3}).json():
        api.post(f"/v1/queues/{queue}/messages/{m['id']}/fail", json={"receipt": m["receipt"]})
    assert api.get(f"/v1/queues/{queue}").json()["stats"]["dead"] == 3
    assert api.post(f"/v1/queues/{queue}/retry").json() == {"revived": 3}
    assert api.delete(f"/v1/queues/{queue}/messages", params={"state": "available"}).json() == {"deleted": 3}


def test_singleton_leases_over_http(api: TestClient) -> None:
    lease_id = unique("watcher:")
    r = api.post(f"/v1/leases/{lease_id}/acquire", params={"holder": "r1", "ttl": 30})
    assert r.status_code == 200 and r.json()["epoch"] == 1
    r = api.post(f"/v1/leases/{lease_id}/acquire", params={"holder": "r2", "ttl": 30})
    assert (
        r.status_code == 409
        and r.json()["detail"]["error_codes"] == ["lease_held"]
        and "r1" in r.json()["message"]
    )
    assert api.get(f"/v1/leases/{lease_id}").json()["holder"] == "r1"
    assert (
        api.put(f"/v1/leases/{lease_id}", params={"holder": "r1", "epoch": 1, "ttl": 30}).status_code == 200
    )
    r = api.put(f"/v1/leases/{lease_id}", params={"holder": "r2", "epoch": 1, "ttl": 30})
    assert r.status_code == 409 and r.json()["detail"]["error_codes"] == ["lease_lost"]
    assert api.delete(f"/v1/leases/{lease_id}", params={"holder": "r1", "epoch": 1}).status_code == 204
    assert api.get(f"/v1/leases/{lease_id}").status_code == 404
    assert api.post(f"/v1/leases/{lease_id}/acquire", params={"holder": "r2", "ttl": 30}).json()["epoch"] == 2


@pytest.mark.parametrize(
    ("method", "path", "kwargs"),
    [
        ("GET", "/v1/queues", {}),
        ("GET", "/v1/queues/q1", {}),
        ("POST", "/v1/queues/q1/messages", {"json": {"payload": {}}}),
        ("POST", "/v1/queues/q1/lease", {}),
        ("DELETE", "/v1/queues/q1/messages/1", {}),
        ("POST", "/v1/queues/q1/retry", {}),
        ("POST", "/v1/leases/l1/acquire", {"params": {"holder": "x", "ttl": 1}}),
    ],
)
def test_non_admin_is_forbidden(
    api: TestClient, tenant_user: tuple[str, str], method: str, path: str, kwargs: dict
) -> None:
    assert api.request(method, path, auth=tenant_user, **kwargs).status_code == 403
    assert api.request(method, path, auth=None, **kwargs).status_code == 401


@pytest.mark.parametrize(
    ("method", "path", "kwargs", "status"),
    [
        ("POST", "/v1/queues/bad%20name/messages", {"json": {"payload": {}}}, 400),
        ("POST", "/v1/queues/{q}/messages", {"json": {"payload": [1, 2]}}, 400),
        ("POST", "/v1/queues/{q}/messages", {"json": {"payload": {}, "unknown": 1}}, 400),
        ("POST", "/v1/queues/{q}/messages", {"json": {"payload": {}, "max_attempts": 0}}, 400),
        (
            "POST",
            "/v1/queues/{q}/messages",
            {"content": b"{not json", "headers": {"content-type": "application/json"}},
            400,
        ),
        ("POST", "/v1/queues/{q}/lease", {"params": {"count": 0}}, 400),
        ("POST", "/v1/queues/{q}/lease", {"params": {"visibility_timeout": "soon"}}, 400),
        ("GET", "/v1/queues/{q}", {"params": {"state": "sleeping"}}, 400),
        ("GET", "/v1/queues/{q}", {"params": {"limit": 0}}, 400),
        ("DELETE", "/v1/queues/{q}/messages/abc", {}, 400),
        ("DELETE", "/v1/queues/{q}/messages/999999999", {}, 404),
        ("POST", "/v1/queues/{q}/messages/999999999/retry", {}, 404),
        ("POST", "/v1/queues/{q}/messages/999999999/fail", {"json": {"receipt": "r"}}, 404),
        ("PUT", "/v1/queues/{q}/messages/999999999/lease", {"json": {"holder": "h", "receipt": "r"}}, 404),
        ("POST", "/v1/leases/l1/acquire", {"params": {"holder": "x", "ttl": -5}}, 400),
        ("POST", "/v1/leases/l1/acquire", {"params": {"holder": "x"}}, 400),
    ],
)
def test_bad_input(api: TestClient, queue: str, method: str, path: str, kwargs: dict, status: int) -> None:
    r = api.request(method, path.replace("{q}", queue), **kwargs)
    assert r.status_code == status, r.text
    assert r.json()["httpcode"] == status and r.json()["message"]


def test_metrics_follow_the_queue(api: TestClient, queue: str) -> None:
    api.post(f"/v1/queues/{queue}/messages", json={"payload": {"n": 1}})
    api.post(f"/v1/queues/{queue}/messages", json={"payload": {"n": 2}})
    [m] = api.post(f"/v1/queues/{queue}/lease").json()
    api.delete(f"/v1/queues/{queue}/messages/{m['id']}", params={"receipt": m["receipt"]})
    api.get(f"/v1/queues/{queue}")
    text = api.get("/metrics").text
    assert f'drydock_queue_enqueued_total{{queue="{queue}"}} 2.0' in text
    assert f'drydock_queue_leased_total{{queue="{queue}"}} 1.0' in text
    assert f'drydock_queue_acked_total{{queue="{queue}"}} 1.0' in text
    assert f'drydock_queue_messages{{queue="{queue}",state="available"}} 1.0' in text
