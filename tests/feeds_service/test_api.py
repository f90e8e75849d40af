"""/v1/system/feeds through the real app: listing, sync from the configured local source,
enable/disable, delete, and 403 for users without the feed permissions."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from drydock.runtime.server import build_app
from tests.support.app import ADMIN, make_runtime
from tests.support.naming import unique

from .conftest import FEEDS

SOURCE = FEEDS / "alpine-secdb" / "v3.9"


@pytest.fixture(scope="module")
def api(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    runtime = make_runtime(
        database_url,
        tmp_path_factory.mktemp("data"),
        feeds={"local_source": str(SOURCE)},
        rbac={"default_user_role": "read-only"},
    )
    with TestClient(build_app(runtime), raise_server_exceptions=False) as client:
        yield client


def _groups(api: TestClient) -> dict[str, dict]:  # type: ignore[type-arg]
    feeds = api.get("/v1/system/feeds", auth=ADMIN).json()
    return {g["name"]: {**g, "feed": f["name"], "feed_enabled": f["enabled"]} for f in feeds for g in f["groups"]}


def test_sync_list_toggle_delete(api: TestClient) -> None:
    r = api.post("/v1/system/feeds", params={"flush": "true"}, auth=ADMIN)
    assert r.status_code == 200, r.text
    (result,) = [f for f in r.json() if f["feed"] == "vulnerabilities"]
    assert result["status"] == "success", r.json()
    assert {g["group"]: g["updated_record_count"] for g in result["groups"]} == {"alpine:3.9": 1582}
    assert set(result["groups"][0]) == {"group", "status", "updated_image_count", "updated_record_count", "total_time_seconds"}

    feeds = api.get("/v1/system/feeds", auth=ADMIN).json()
    (vulns,) = [f for f in feeds if f["name"] == "vulnerabilities"]
    assert set(vulns) == {"name", "created_at", "updated_at", "last_full_sync", "enabled", "groups"}
    assert vulns["enabled"] and vulns["last_full_sync"].endswith("Z")
    group = _groups(api)["alpine:3.9"]
    assert group["record_count"] == 1582 and group["enabled"] and group["last_sync"]

    r = api.put("/v1/system/feeds/vulnerabilities/alpine:3.9", params={"enabled": "false"}, auth=ADMIN)
    assert r.status_code == 200 and r.json()["name"] == "alpine:3.9" and r.json()["enabled"] is False
    assert _groups(api)["alpine:3.9"]["enabled"] is False
    r = api.put("/v1/system/feeds/vulnerabilities", params={"enabled": "true"}, auth=ADMIN)
    assert r.status_code == 200 and r.json()["name"] == "vulnerabilities"
    assert _groups(api)["alpine:3.9"]["enabled"] is True

    assert api.delete("/v1/system/feeds/vulnerabilities/alpine:3.9", auth=ADMIN).status_code == 200
    assert "alpine:3.9" not in _groups(api)
    assert api.delete("/v1/system/feeds/vulnerabilities/alpine:3.9", auth=ADMIN).status_code == 404
    assert api.put("/v1/system/feeds/nosuchfeed", params={"enabled": "true"}, auth=ADMIN).status_code == 404
    assert api.put("/v1/system/feeds/vulnerabilities", auth=ADMIN).status_code in (400, 422)

    # unchanged source: nothing rewritten, the group comes back only with flush
    again = api.post("/v1/system/feeds", auth=ADMIN).json()
    assert again == []
    api.post("/v1/system/feeds", params={"flush": "true"}, auth=ADMIN)
    assert _groups(api)["alpine:3.9"]["record_count"] == 1582


def test_non_admin_may_list_but_not_change(api: TestClient) -> None:
    account, user, password = unique("acct"), unique("user"), "pw-" + unique("")
    assert api.post("/v1/accounts", json={"name": account}, auth=ADMIN).status_code == 200
    r = api.post(f"/v1/accounts/{account}/users", json={"username": user, "password": password}, auth=ADMIN)
    assert r.status_code == 200, r.text
    me = (user, password)
    assert api.get("/v1/system/feeds", auth=me).status_code == 200
    assert api.post("/v1/system/feeds", auth=me).status_code == 403
    assert api.put("/v1/system/feeds/vulnerabilities", params={"enabled": "false"}, auth=me).status_code == 403
    assert api.put("/v1/system/feeds/vulnerabilities/alpine:3.9", params={"enabled": "false"}, auth=me).status_code == 403
    assert api.delete("/v1/system/feeds/vulnerabilities", auth=me).status_code == 403
    assert api.delete("/v1/system/feeds/vulnerabilities/alpine:3.9", auth=me).status_code == 403
    assert api.get("/v1/system/feeds").status_code == 401
