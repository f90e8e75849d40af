"""The default bundle and allowlists on a real analyzed image with real feed data: the Alpine
3.10 image of ``images.py`` (vulnerable openssl, musl, busybox and npm event-stream 3.3.6)
against the real Alpine v3.10 secdb and the real GHSA advisory, through ``/images/{d}/check``.

Own database (not the directory's shared one): the imports here must not move the feed data
that ``test_vuln_api`` stages in steps."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from drydock.core import migrate
from drydock.policy.spec import default_bundle
from drydock.runtime.server import build_app
from tests.conftest import drop_postgres_database, fresh_database_url
from tests.support.app import ADMIN, make_runtime
from tests.support.naming import unique
from tests.support.paths import REPO
from tests.support.registry import RunningRegistry
from tests.vulns.images import APK_PACKAGES, write_secdb
from tests.vulns.test_vuln_api import GHSA, add_image, import_feed

STREAM_TRIGGER = "GHSA-mh6f-8j2x-4483+event-stream"
PACKUMENTS = REPO / "tests" / "feeds" / "data" / "npm-registry"
Checked = tuple[TestClient, str, str]


@pytest.fixture(scope="module")
def checked(
    backend: str, registry: RunningRegistry, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Checked]:
    url = fresh_database_url(backend, tmp_path_factory.mktemp("policy-check-db"))
    migrate.upgrade(url)
    runtime = make_runtime(
        url,
        tmp_path_factory.mktemp("policy-check-data"),
        analyzer={"poll_seconds": 0.1, "layer_workers": 1},
        catalog={"registry_retries": 0, "registry_connect_timeout": 2},
    )
    try:
        with TestClient(build_app(runtime), raise_server_exceptions=False) as api:
            api.auth = ADMIN
            import_feed(runtime, write_secdb(tmp_path_factory.mktemp("secdb"), set(APK_PACKAGES)))
            import_feed(runtime, GHSA)
            import_feed(runtime, PACKUMENTS)
            digest, tag = add_image(api, registry)
            yield api, digest, tag
    finally:
        runtime.db.engine.dispose()
        if backend == "postgresql":
            drop_postgres_database(url)


def check(api: TestClient, digest: str, tag: str, policy_id: str | None = None) -> dict[str, Any]:
    params = {"tag": tag, "detail": "true", **({"policyId": policy_id} if policy_id else {})}
    r = api.get(f"/v1/images/{digest}/check", params=params)
    assert r.status_code == 200, r.text
    [evaluation] = r.json()[0][digest][tag]
    return evaluation


def table(evaluation: dict[str, Any]) -> list[dict[str, Any]]:
    result = evaluation["detail"]["result"]
    body = result["result"][result["image_id"]]["result"]
    return [dict(zip(body["header"], row, strict=True)) for row in body["rows"]]


def with_allowlist(items: list[dict[str, str]], bundle_id: str) -> dict[str, Any]:
    doc = copy.deepcopy(default_bundle())
    doc["id"] = doc["name"] = bundle_id
    doc["whitelists"][0]["items"] = items
    return doc


def test_default_bundle_stops_on_the_critical_npm_advisory(checked: Checked) -> None:
    api, digest, tag = checked
    evaluation = check(api, digest, tag)
    assert evaluation["status"] == "fail"
    assert evaluation["detail"]["result"]["final_action"] == "stop"
    rows = table(evaluation)
    stops = {(r["Gate"], r["Trigger"], r["Trigger_Id"]) for r in rows if r["Gate_Action"] == "stop"}
    assert stops == {("vulnerabilities", "package", STREAM_TRIGGER)}
    [stream] = [r for r in rows if r["Trigger_Id"] == STREAM_TRIGGER]
    assert "CRITICAL Vulnerability found in non-os package type (npm)" in stream["Check_Output"]
    assert "event-stream" in stream["Check_Output"] and "fixed in: 4.0.0" in stream["Check_Output"]
    # the Alpine records carry no severity of their own: the medium/above rules stay silent for
    # them, and the image's other findings are the HEALTHCHECK warning and the stale feed check
    vuln_ids = {r["Trigger_Id"].split("+")[0] for r in rows if r["Gate"] == "vulnerabilities"}
    assert vuln_ids == {"GHSA-mh6f-8j2x-4483"}
    assert ("dockerfile", "instruction") in {(r["Gate"], r["Trigger"]) for r in rows}


def test_allowlist_by_trigger_id_and_wildcard_turns_stop_into_warn(checked: Checked) -> None:
    api, digest, tag = checked
    for bundle_id, trigger_id in (("exact", STREAM_TRIGGER), ("wildcard", "GHSA-mh6f-*")):
        item = {"id": "i1", "gate": "vulnerabilities", "trigger_id": trigger_id}
        api.post("/v1/policies", json=with_allowlist([item], bundle_id)).raise_for_status()
        evaluation = check(api, digest, tag, bundle_id)
        assert evaluation["status"] == "pass" and evaluation["detail"]["result"]["final_action"] == "warn"
        [stream] = [r for r in table(evaluation) if r["Trigger_Id"] == STREAM_TRIGGER]
        assert stream["Whitelisted"]["matched_rule_id"] == "i1"


def test_expired_allowlist_item_no_longer_applies(checked: Checked) -> None:
    api, digest, tag = checked
    items = [
        {
            "id": "old",
            "gate": "vulnerabilities",
            "trigger_id": STREAM_TRIGGER,
            "expires_on": "2020-01-01T00:00:00Z",
        }
    ]
    api.post("/v1/policies", json=with_allowlist(items, "expired")).raise_for_status()
    evaluation = check(api, digest, tag, "expired")
    assert evaluation["status"] == "fail"
    [stream] = [r for r in table(evaluation) if r["Trigger_Id"] == STREAM_TRIGGER]
    assert stream["Whitelisted"] is False


def test_mapping_first_match_wins(checked: Checked) -> None:
    api, digest, tag = checked
    repository = tag.split("/", 1)[1].rsplit(":", 1)[0]
    doc = with_allowlist([], unique("mapped"))
    go_all = {"id": "go-all", "name": "go", "version": "1_0", "rules": []}
    doc["policies"].append(go_all)
    default_mapping = doc["mappings"][0]
    specific = {
        "id": "m-app",
        "name": "app",
        "registry": "*",
        "repository": repository,
        "image": {"type": "tag", "value": "v*"},
        "policy_ids": ["go-all"],
        "whitelist_ids": [],
    }
    doc["mappings"] = [specific, default_mapping]
    api.post("/v1/policies", json=doc).raise_for_status()
    evaluation = check(api, digest, tag, doc["id"])
    assert evaluation["status"] == "pass" and evaluation["detail"]["result"]["final_action"] == "go"
    doc["mappings"] = [default_mapping, specific]
    assert (
        api.put(
            f"/v1/policies/{doc['id']}", json={"policybundle": doc, "active": False, "policyId": doc["id"]}
        ).status_code
        == 200
    )
    assert check(api, digest, tag, doc["id"])["status"] == "fail"


def test_npm_feed_triggers_on_the_package_npm_withdrew(checked: Checked) -> None:
    """event-stream 3.3.6 (the compromised release) was removed from the registry: the npm feed
    lists 4.0.1 as latest and has no 3.3.6."""
    api, digest, tag = checked
    triggers = ("newer_version_in_feed", "unknown_in_feeds", "version_not_in_feeds", "feed_data_unavailable")
    doc = with_allowlist([], "npm-checks")
    doc["policies"][0]["rules"] = [
        {"id": t, "gate": "npms", "trigger": t, "action": "WARN", "params": []} for t in triggers
    ]
    api.post("/v1/policies", json=doc).raise_for_status()
    fired = {r["Trigger"]: r["Check_Output"] for r in table(check(api, digest, tag, "npm-checks"))}
    assert set(fired) == {"newer_version_in_feed", "version_not_in_feeds"}
    assert fired["newer_version_in_feed"] == (
        "Package (event-stream) version (3.3.6) installed but is not the latest version (4.0.1)"
    )
    assert fired["version_not_in_feeds"].startswith(
        "NPMBADVERSION Package (event-stream) version (3.3.6) installed but version is not in the official feed"
    )
