"""packages:verify through the platform: the analyzer worker computes the digests the
package databases use, the stored analysis keeps them, and /images/{digest}/check reports a
changed and a deleted apk-owned file."""

from __future__ import annotations

import uuid

from fastapi.testclient import TestClient

from tests.policy.factory import bundle_doc, rule
from tests.policy.pkgimages import apk_layer, messages
from tests.policy.test_api import new_account
from tests.support.catalog import wait_analyzed
from tests.support.images import build_image
from tests.support.registry import RunningRegistry, push


def test_verify_on_a_platform_analyzed_image(api: TestClient, registry: RunningRegistry) -> None:
    h = new_account(api)
    repo = f"verify/{uuid.uuid4().hex[:8]}"
    later = {"usr/bin/demo-helper": b"\x7fELF trojan", "usr/bin/.wh.demo-tool": b""}
    digest = push(registry, f"{repo}:v1", build_image([apk_layer(), later]))
    tag = f"{registry.host}/{repo}:v1"
    assert api.post("/v1/images", json={"tag": tag}, headers=h).status_code == 200
    assert wait_analyzed(api, digest, h["x-anchore-account"])["analysis_status"] == "analyzed"
    bundle = {**bundle_doc([rule("packages", "verify", "STOP")]), "id": "verify", "name": "verify"}
    assert api.post("/v1/policies", json=bundle, headers=h).status_code == 200
    check = api.get(f"/v1/images/{digest}/check", params={"tag": tag, "policyId": "verify"}, headers=h)
    evaluation = check.json()[0][digest][tag][0]
    result = evaluation["detail"]["result"]
    rows = result["result"][result["image_id"]]["result"]["rows"]
    assert sorted(row[5] for row in rows) == messages(
        "demo-tool", ("/usr/bin/demo-helper", "changed"), ("/usr/bin/demo-tool", "missing")
    )
    assert evaluation["status"] == "fail" and result["evaluation_problems"] == []
