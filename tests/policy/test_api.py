"""/policies, /images/{digest}/check and /system/policy_spec through the real app, on both
database backends, with images analyzed from a real registry."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select

from drydock.feeds import store
from drydock.policy import service, watcher
from drydock.policy.models import PolicyBundleRecord
from drydock.policy.spec import default_bundle
from drydock.runtime.context import Runtime
from tests.policy.factory import bundle_doc, rule
from tests.support.catalog import push_files, wait_analyzed
from tests.support.registry import RunningRegistry

DEFAULT_ID = default_bundle()["id"]


def new_account(api: TestClient) -> dict[str, str]:
    name = f"pol{uuid.uuid4().hex[:8]}"
    assert api.post("/v1/accounts", json={"name": name, "email": f"{name}@x.io"}).status_code == 200
    return {"x-anchore-account": name}


def analyzed_image(api: TestClient, registry: RunningRegistry, headers: dict[str, str]) -> tuple[str, str]:
    repo = f"policy/{uuid.uuid4().hex[:8]}"
    digest = push_files(registry, f"{repo}:v1")
    repo = f"{registry.host}/{repo}"
    assert api.post("/v1/images", json={"tag": f"{repo}:v1"}, headers=headers).status_code == 200
    assert wait_analyzed(api, digest, headers["x-anchore-account"])["analysis_status"] == "analyzed"
    return digest, f"{repo}:v1"


def stop_bundle(bid: str = "stop-all") -> dict[str, Any]:
    return {**bundle_doc([rule("always", "always", "STOP")]), "id": bid, "name": bid}


def test_policy_crud_and_activation(api: TestClient) -> None:
    h = new_account(api)
    listed = api.get("/v1/policies", headers=h).json()
    assert [(p["policyId"], p["active"], p["policybundle"]) for p in listed] == [(DEFAULT_ID, True, {})]
    created = api.post("/v1/policies", json=stop_bundle(), headers=h)
    assert created.status_code == 200 and created.json()["active"] is False
    record = api.get("/v1/policies/stop-all", headers=h).json()[0]
    assert record["policybundle"]["id"] == "stop-all" and record["policy_source"] == "local"
    assert api.get("/v1/policies/nope", headers=h).status_code == 404
    record["active"] = True  # what anchore-cli's `policy activate` sends
    assert api.put("/v1/policies/stop-all", json=record, headers=h).json()[0]["active"] is True
    actives = {p["policyId"]: p["active"] for p in api.get("/v1/policies", headers=h).json()}
    assert actives == {DEFAULT_ID: False, "stop-all": True}
    assert api.delete("/v1/policies/stop-all", headers=h).status_code == 500
    assert api.put("/v1/policies/stop-all", json={**record, "active": False}, headers=h).status_code == 500
    assert api.put(f"/v1/policies/{DEFAULT_ID}?active=true", json={}, headers=h).status_code == 200
    assert api.delete("/v1/policies/stop-all", headers=h).status_code == 200
    assert [p["policyId"] for p in api.get("/v1/policies", headers=h).json()] == [DEFAULT_ID]
    events = api.get("/v1/events", headers=h).json()["results"]
    assert sum(e["event"]["type"] == "user.policy.active.updated" for e in events) == 2


def test_invalid_bundle_is_400_with_details(api: TestClient) -> None:
    h = new_account(api)
    bad = {
        **bundle_doc([rule("dockerfile", "exposed_ports", ports="x", type="blacklist"), rule("nogate", "t")]),
        "id": "bad",
    }
    r = api.post("/v1/policies", json=bad, headers=h)
    assert r.status_code == 400
    body = r.json()
    assert body["message"] == "Bundle failed validation"
    details = body["detail"]["validation_details"]
    assert {d["gate"] for d in details} == {"dockerfile", "nogate"} and any(
        d.get("parameter") == "ports" for d in details
    )
    assert api.post("/v1/policies", json=["not", "a", "bundle"], headers=h).status_code == 400


def test_policy_spec(api: TestClient) -> None:
    spec = api.get("/v1/system/policy_spec").json()
    gates = {g["name"] for g in spec if g["state"] == "active"}
    assert gates == {
        "always",
        "dockerfile",
        "files",
        "ruby_gems",
        "metadata",
        "licenses",
        "malware",
        "npms",
        "packages",
        "passwd_file",
        "retrieved_files",
        "secret_scans",
        "vulnerabilities",
    }
    assert api.get("/v1/system/policy_spec", auth=None).status_code == 401


def test_check_default_bundle_on_analyzed_image(api: TestClient, registry: RunningRegistry) -> None:
    h = new_account(api)
    digest, tag = analyzed_image(api, registry, h)
    r = api.get(f"/v1/images/{digest}/check", params={"tag": tag, "detail": "true"}, headers=h)
    assert r.status_code == 200, r.text
    [[(key, by_tag)]] = [list(x.items()) for x in r.json()]
    [(fulltag, [evaluation])] = list(by_tag.items())
    assert key == digest and fulltag == tag
    result = evaluation["detail"]["result"]
    assert evaluation["policyId"] == DEFAULT_ID and evaluation["status"] == "pass"
    assert result["final_action"] == "warn" and result["final_action_reason"] == "policy_evaluation"
    table = result["result"][result["image_id"]]["result"]
    fired = {(row[3], row[4]) for row in table["rows"]}
    # no feed data in this database and no HEALTHCHECK in the image: two warnings, nothing else
    assert fired == {("dockerfile", "instruction"), ("vulnerabilities", "vulnerability_data_unavailable")}
    assert evaluation["detail"]["policy"]["id"] == DEFAULT_ID and result["image_digest"] == digest
    summary = api.get(f"/v1/images/{digest}/check", params={"tag": tag, "detail": "false"}, headers=h).json()
    assert summary[0][digest][tag][0]["detail"] == {}


def test_check_with_policy_id_history_and_by_id(api: TestClient, registry: RunningRegistry) -> None:
    h = new_account(api)
    digest, tag = analyzed_image(api, registry, h)
    api.post("/v1/policies", json=stop_bundle(), headers=h)
    failing = api.get(
        f"/v1/images/{digest}/check", params={"tag": tag, "policyId": "stop-all"}, headers=h
    ).json()
    assert failing[0][digest][tag][0]["status"] == "fail"
    api.get(f"/v1/images/{digest}/check", params={"tag": tag}, headers=h)
    image_id = api.get(f"/v1/images/{digest}", headers=h).json()[0]["image_detail"][0]["imageId"]
    by_id = api.get(f"/v1/images/by_id/{image_id}/check", params={"tag": tag, "history": "true"}, headers=h)
    assert by_id.status_code == 200
    statuses = sorted(e["status"] for e in by_id.json()[0][digest][tag])
    assert statuses == ["fail", "pass"]  # one stored outcome per (policy, result)
    assert (
        api.get("/v1/images/sha256:" + "0" * 64 + "/check", params={"tag": tag}, headers=h).status_code == 404
    )


def test_watcher_reevaluates_on_activation(
    api: TestClient, registry: RunningRegistry, policy_runtime: Runtime
) -> None:
    h = new_account(api)
    _, tag = analyzed_image(api, registry, h)
    query = {"subscription_key": tag, "subscription_type": "policy_eval"}
    [sub] = api.get("/v1/subscriptions", params=query, headers=h).json()  # created, inactive, with the image
    assert (
        api.put(f"/v1/subscriptions/{sub['subscription_id']}", json={"active": True}, headers=h).status_code
        == 200
    )
    watcher.policy_eval(policy_runtime)
    api.post("/v1/policies", json=stop_bundle(), headers=h)
    watcher.policy_eval(policy_runtime)  # nothing changed for this tag: no new outcome
    record = api.get("/v1/policies/stop-all", headers=h).json()[0]
    api.put("/v1/policies/stop-all", json={**record, "active": True}, headers=h)
    watcher.policy_eval(policy_runtime)
    events = [
        e["event"]
        for e in api.get("/v1/events", headers=h).json()["results"]
        if e["event"]["type"] == "user.checks.tag.policy_evaluation.update"
    ]
    assert [(e["resource"]["id"], e["details"]["curr_eval"]["final_action"]) for e in reversed(events)] == [
        (tag, "WARN"),
        (tag, "STOP"),
    ]
    account = h["x-anchore-account"]
    with policy_runtime.db.session() as session:
        generation = store.bump_generation(session)  # new feed data
    watcher.policy_eval(policy_runtime)
    with policy_runtime.db.session() as session:
        latest = service.latest_for_tag(session, account, tag)
        assert latest is not None and latest.feed_generation == generation
        latest.last_evaluation -= watcher.MAX_AGE  # a day old: time alone may change the outcome
        stale_at = latest.last_evaluation
    watcher.policy_eval(policy_runtime)
    with policy_runtime.db.session() as session:
        refreshed = service.latest_for_tag(session, account, tag)
        assert refreshed is not None and refreshed.last_evaluation > stale_at


def test_policy_data_of_deleted_accounts_is_purged(api: TestClient, policy_runtime: Runtime) -> None:
    h = new_account(api)
    api.get("/v1/policies", headers=h)  # installs the default bundle
    with policy_runtime.db.session() as session:
        session.add(PolicyBundleRecord(account="ghost-account", policy_id="x", bundle={}))
    watcher.purge_deleted_accounts(policy_runtime)
    with policy_runtime.db.session() as session:
        accounts = set(session.scalars(select(PolicyBundleRecord.account)))
    assert "ghost-account" not in accounts and h["x-anchore-account"] in accounts
