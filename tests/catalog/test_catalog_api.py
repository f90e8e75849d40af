"""The catalog through the real app and a real registry, on both database backends: images
go from added to analyzed by the in-process worker; content, subscriptions, events,
registries and deletion behave as the Anchore v1 API does."""

from __future__ import annotations

import base64
import json
import os

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from drydock.runtime.context import Runtime
from tests.support.app import ADMIN
from tests.support.naming import unique
from tests.support.registry import RunningRegistry

from tests.support.catalog import push_files, wait_analyzed, wait_until


def test_add_analyze_and_read_content(api: TestClient, registry: RunningRegistry) -> None:
    repo = unique("app")
    digest = push_files(registry, f"{repo}:v1")
    r = api.post("/v1/images", params={"autosubscribe": "true"}, json={"tag": f"{registry.host}/{repo}:v1"})
    assert r.status_code == 200, r.text
    added = r.json()
    assert len(added) == 1 and added[0]["imageDigest"] == digest
    assert added[0]["analysis_status"] == "not_analyzed"
    detail = added[0]["image_detail"][0]
    assert detail["fulltag"] == f"{registry.host}/{repo}:v1" and detail["fulldigest"].endswith(digest)
    image = wait_analyzed(api, digest)
    assert image["analysis_status"] == "analyzed", image
    assert image["image_content"]["metadata"]["distro"] == "debian"
    assert image["analyzed_at"].endswith("Z")

    os_rows = api.get(f"/v1/images/{digest}/content/os").json()
    assert os_rows["content_type"] == "os"
    pkg = os_rows["content"][0]
    assert pkg["package"] == "libpam-runtime" and pkg["type"] == "dpkg" and pkg["sourcepkg"] == "pam"
    assert "GPL-2" in pkg["licenses"]
    assert "os" in api.get(f"/v1/images/{digest}/content").json()
    files = api.get(f"/v1/images/{digest}/content/files").json()["content"]
    assert any(f["filename"] == "/var/lib/dpkg/status" and f["type"] == "file" for f in files)
    assert api.get(f"/v1/images/{digest}/content/nope").status_code == 400

    manifest = api.get(f"/v1/images/{digest}/metadata/manifest").json()
    assert json.loads(base64.b64decode(manifest["metadata"]))["schemaVersion"] == 2
    assert base64.b64decode(api.get(f"/v1/images/{digest}/metadata/dockerfile").json()["metadata"])
    assert api.get(f"/v1/images/{digest}/metadata").json() == ["manifest", "docker_history", "dockerfile"]
    assert isinstance(api.get(f"/v1/images/{digest}/artifacts/secret_search").json(), list)
    assert api.get(f"/v1/images/{digest}/artifacts/bogus").status_code == 400

    cdx = api.get(f"/v1/images/{digest}/sboms/cyclonedx-json").json()
    assert cdx["bomFormat"] == "CycloneDX" and any(c["name"] == "libpam-runtime" for c in cdx["components"])
    assert api.get(f"/v1/images/{digest}/sboms/spdx-json").json()["spdxVersion"] == "SPDX-2.3"
    assert api.get(f"/v1/images/{digest}/sboms/native").status_code == 200
    assert api.get(f"/v1/images/{digest}/sboms/table").status_code == 400

    image_id = image["image_detail"][0]["imageId"]
    assert api.get(f"/v1/images/by_id/{image_id}").json()[0]["imageDigest"] == digest
    assert api.get(f"/v1/images/by_id/{image_id}/content/os").json()["content"]
    by_tag = api.get("/v1/images", params={"fulltag": f"{registry.host}/{repo}:v1"}).json()
    assert [i["imageDigest"] for i in by_tag] == [digest]

    subs = {
        (s["subscription_type"], s["active"])
        for s in api.get(
            "/v1/subscriptions", params={"subscription_key": f"{registry.host}/{repo}:v1"}
        ).json()
    }
    assert subs == {
        ("analysis_update", True),
        ("tag_update", True),
        ("policy_eval", False),
        ("vuln_update", False),
    }

    evs = api.get(
        "/v1/events",
        params={"event_type": "user.image.analysis.completed", "resource_id": f"{registry.host}/{repo}:v1"},
    ).json()
    assert evs["item_count"] == 1 and evs["results"][0]["event"]["resource"]["type"] == "image_digest"


def test_readd_is_idempotent_and_force_reanalyzes(api: TestClient, registry: RunningRegistry) -> None:
    repo = unique("idem")
    digest = push_files(registry, f"{repo}:v1")
    tag = f"{registry.host}/{repo}:v1"
    api.post("/v1/images", json={"tag": tag})
    wait_analyzed(api, digest)
    again = api.post("/v1/images", json={"tag": tag, "annotations": {"team": "a"}}).json()[0]
    assert again["analysis_status"] == "analyzed" and again["annotations"] == {"team": "a"}
    assert (
        api.post("/v1/images", json={"tag": tag, "annotations": {"team": "null"}}).json()[0]["annotations"]
        == {}
    )
    # a second tag for the same digest: one image, two tags in its history
    push_files(registry, f"{repo}:v2")
    two = api.post("/v1/images", json={"tag": f"{registry.host}/{repo}:v2"}).json()[0]
    assert sorted(d["tag"] for d in two["image_detail"]) == ["v1", "v2"]
    forced = api.post("/v1/images", params={"force": "true"}, json={"tag": tag}).json()[0]
    assert forced["analysis_status"] == "not_analyzed"
    assert wait_analyzed(api, digest)["analysis_status"] == "analyzed"


def test_tag_history(api: TestClient, registry: RunningRegistry) -> None:
    repo = unique("hist")
    tag = f"{registry.host}/{repo}:latest"
    first = push_files(registry, f"{repo}:latest", {"etc/one": b"1"})
    api.post("/v1/images", json={"tag": tag})
    second = push_files(registry, f"{repo}:latest", {"etc/two": b"2"})
    api.post("/v1/images", json={"tag": tag})
    assert [i["imageDigest"] for i in api.get("/v1/images", params={"fulltag": tag}).json()] == [second]
    history = api.get("/v1/images", params={"fulltag": tag, "history": "true"}).json()
    assert {i["imageDigest"] for i in history} == {first, second}
    summaries = [s for s in api.get("/v1/summaries/imagetags").json() if s["fulltag"] == tag]
    assert {s["imageDigest"] for s in summaries} == {first, second} and isinstance(
        summaries[0]["created_at"], int
    )
    assert api.get("/v1/images", params={"history": "true"}).status_code == 400


def test_bad_images_fail_clearly(api: TestClient, registry: RunningRegistry) -> None:
    r = api.post("/v1/images", json={"tag": f"{registry.host}/{unique('missing')}:v1"})
    assert r.status_code == 400 and "cannot resolve" in r.json()["message"]
    evs = api.get("/v1/events", params={"event_type": "system.image_analysis.registry_lookup_failed"}).json()
    assert evs["item_count"] >= 1
    r = api.post("/v1/images", json={"tag": "127.0.0.1:1/nothing-listens:v1"})
    assert r.status_code == 400 and "cannot resolve" in r.json()["message"]
    big = unique("big")
    push_files(registry, f"{big}:v1", {"blob": os.urandom(6 * 1024 * 1024)}, compression="none")
    r = api.post("/v1/images", json={"tag": f"{registry.host}/{big}:v1"})
    assert r.status_code == 400
    assert r.json()["message"] == "Image size is too large based on max size specified in the configuration"
    assert r.json()["detail"]["max_compressed_image_size_mb"] == 5
    assert api.get("/v1/images/sha256:" + "0" * 64).status_code == 404
    assert api.post("/v1/images", json={"tag": "UPPER/bad:1"}).status_code == 400


def _push_corrupt_image(registry: RunningRegistry, reference: str) -> str:
    """An image whose layer blob matches its digest but is not a tar archive."""
    import gzip
    import hashlib

    from drydock.analyzer.sources.registry import push_image

    raw = b"this is not a tar archive " * 200
    blob = gzip.compress(raw)
    sha = lambda b: "sha256:" + hashlib.sha256(b).hexdigest()  # noqa: E731
    config = json.dumps(
        {"architecture": "amd64", "os": "linux", "rootfs": {"type": "layers", "diff_ids": [sha(raw)]}}
    ).encode()
    manifest = json.dumps(
        {
            "schemaVersion": 2,
            "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "config": {
                "mediaType": "application/vnd.oci.image.config.v1+json",
                "digest": sha(config),
                "size": len(config),
            },
            "layers": [
                {
                    "mediaType": "application/vnd.oci.image.layer.v1.tar+gzip",
                    "digest": sha(blob),
                    "size": len(blob),
                }
            ],
        }
    ).encode()
    return push_image(
        f"{registry.host}/{reference}",
        manifest,
        {sha(config): config, sha(blob): blob},
        access=registry.access(),
    )


def test_corrupt_layer_marks_analysis_failed(api: TestClient, registry: RunningRegistry) -> None:
    repo = unique("corrupt")
    digest = _push_corrupt_image(registry, f"{repo}:v1")
    assert api.post("/v1/images", json={"tag": f"{registry.host}/{repo}:v1"}).status_code == 200
    image = wait_analyzed(api, digest)
    assert image["analysis_status"] == "analysis_failed"
    assert "layer" in image["analysis_failure_reason"]
    failed = api.get(
        "/v1/events",
        params={"event_type": "user.image.analysis.failed", "resource_id": f"{registry.host}/{repo}:v1"},
    ).json()
    assert failed["item_count"] == 1
    assert api.get(f"/v1/images/{digest}/content/os").status_code == 404


def test_delete_is_async_and_guarded(api: TestClient, registry: RunningRegistry) -> None:
    repo = unique("del")
    digest = push_files(registry, f"{repo}:v1", {"etc/d": b"d"})
    api.post("/v1/images", params={"autosubscribe": "true"}, json={"tag": f"{registry.host}/{repo}:v1"})
    wait_analyzed(api, digest)
    refused = api.delete(f"/v1/images/{digest}")
    assert refused.status_code == 400 and "active subscription" in refused.json()["message"]
    assert api.delete(f"/v1/images/{digest}", params={"force": "true"}).json()["status"] == "deleting"
    wait_until(lambda: api.get(f"/v1/images/{digest}").status_code == 404)
    batch = api.delete("/v1/images", params={"imageDigests": ["sha256:" + "1" * 64]}).json()
    assert batch == [
        {
            "digest": "sha256:" + "1" * 64,
            "status": "not_found",
            "detail": "No image found with the given digest",
        }
    ]


def test_registries(api: TestClient, auth_registry: RunningRegistry, catalog_runtime: Runtime) -> None:
    host = auth_registry.host
    bad = api.post(
        "/v1/registries", json={"registry": host, "registry_user": "tester", "registry_pass": "wrong"}
    )
    assert bad.status_code == 406
    r = api.post(
        "/v1/registries",
        json={
            "registry": host,
            "registry_user": "tester",
            "registry_pass": "secret",
            "registry_verify": False,
        },
    )
    assert r.status_code == 200, r.text
    rec = r.json()[0]
    assert rec["registry"] == host and "registry_pass" not in rec and rec["registry_user"] == "tester"
    assert (
        api.post("/v1/registries", params={"validate": "false"}, json={"registry": host}).status_code == 400
    )
    assert api.get(f"/v1/registries/{host}").json()[0]["registry"] == host
    with catalog_runtime.db.session() as s:
        stored = s.execute(
            text("SELECT registry_pass_encrypted FROM catalog_registries WHERE registry = :r"), {"r": host}
        ).scalar()
    assert stored and "secret" not in stored
    # with the stored credentials the catalog can pull from the protected registry
    repo = unique("private")
    digest = push_files(auth_registry, f"{repo}:v1", {"etc/p": b"p"})
    added = api.post("/v1/images", json={"tag": f"{host}/{repo}:v1"})
    assert added.status_code == 200, added.text
    assert wait_analyzed(api, digest)["analysis_status"] == "analyzed"
    upd = api.put(
        f"/v1/registries/{host}",
        params={"validate": "false"},
        json={"registry": host, "registry_user": "u2", "registry_pass": "p2"},
    )
    assert upd.json()[0]["registry_user"] == "u2"
    assert api.delete(f"/v1/registries/{host}").status_code == 200
    assert api.get(f"/v1/registries/{host}").status_code == 404


def test_subscriptions_crud(api: TestClient) -> None:
    key = f"docker.io/{unique('sub')}:latest"
    r = api.post("/v1/subscriptions", json={"subscription_key": key, "subscription_type": "tag_update"})
    assert r.status_code == 200
    sub = r.json()[0]
    assert sub["active"] is False and len(sub["subscription_id"]) == 32
    assert (
        api.post(
            "/v1/subscriptions", json={"subscription_key": key, "subscription_type": "tag_update"}
        ).status_code
        == 400
    )
    assert (
        api.post(
            "/v1/subscriptions", json={"subscription_key": key, "subscription_type": "bogus"}
        ).status_code
        == 400
    )
    assert api.get("/v1/subscriptions", params={"subscription_type": "bogus"}).status_code == 400
    sid = sub["subscription_id"]
    assert api.put(f"/v1/subscriptions/{sid}", json={"active": True}).json()[0]["active"] is True
    assert api.get(f"/v1/subscriptions/{sid}").json()[0]["subscription_key"] == key
    assert api.delete(f"/v1/subscriptions/{sid}").status_code == 200
    assert api.get(f"/v1/subscriptions/{sid}").status_code == 404


def test_events_api(api: TestClient) -> None:
    page = api.get("/v1/events", params={"limit": 1}).json()
    assert set(page) == {"results", "next_page", "item_count", "page"}
    assert api.get("/v1/events", params={"limit": 0}).status_code == 400
    types = api.get("/v1/event_types").json()
    assert {t["name"] for t in types} >= {"user", "system"}
    if page["results"]:
        eid = page["results"][0]["generated_uuid"]
        assert api.get(f"/v1/events/{eid}").json()["generated_uuid"] == eid
        assert api.delete(f"/v1/events/{eid}").status_code == 200
        assert api.get(f"/v1/events/{eid}").status_code == 404
    assert isinstance(api.delete("/v1/events", params={"level": "ERROR"}).json(), list)


def test_account_isolation_and_purge(api: TestClient, registry: RunningRegistry) -> None:
    account = unique("iso")
    assert api.post("/v1/accounts", json={"name": account}).status_code == 200
    assert (
        api.post(
            f"/v1/accounts/{account}/users", json={"username": unique("u"), "password": "pw-123456"}
        ).status_code
        == 200
    )
    repo = unique("iso")
    digest = push_files(registry, f"{repo}:v1", {"etc/i": b"i"})
    hdr = {"x-anchore-account": account}
    assert api.post("/v1/images", json={"tag": f"{registry.host}/{repo}:v1"}, headers=hdr).status_code == 200
    wait_analyzed(api, digest, account)
    assert digest not in {i["imageDigest"] for i in api.get("/v1/images").json()}  # admin's own account
    assert api.get(f"/v1/images/{digest}").status_code == 404
    assert api.get(f"/v1/images/{digest}", headers=hdr).status_code == 200
    api.put(f"/v1/accounts/{account}/state", json={"state": "disabled"})
    api.delete(f"/v1/accounts/{account}")
    wait_until(lambda: api.get(f"/v1/accounts/{account}").status_code == 404, timeout=30)
    # a new account of the same name starts empty
    assert api.post("/v1/accounts", json={"name": account}).status_code == 200
    assert api.get("/v1/images", headers=hdr).json() == []
    assert api.get("/v1/subscriptions", headers=hdr).json() == []
    assert api.get("/v1/events", headers=hdr).json()["item_count"] == 0


def test_repositories(api: TestClient, registry: RunningRegistry) -> None:
    repo = unique("repo")
    for t in ("a", "b"):
        push_files(registry, f"{repo}:{t}", {f"etc/{t}": t.encode()})
    key = f"{registry.host}/{repo}"
    dry = api.post("/v1/repositories", params={"repository": key, "dryrun": "true"}).json()[0]
    assert json.loads(dry["subscription_value"])["repotags"] == ["a", "b"]
    assert api.get("/v1/images", params={"fulltag": f"{key}:a"}).json() == []
    sub = api.post("/v1/repositories", params={"repository": key, "autosubscribe": "true"}).json()[0]
    assert sub["subscription_type"] == "repo_update" and sub["active"] is True
    assert len(api.get("/v1/images", params={"fulltag": f"{key}:a"}).json()) == 1
    assert len(api.get("/v1/images", params={"fulltag": f"{key}:b"}).json()) == 1
    assert (
        api.post("/v1/repositories", params={"repository": f"{registry.host}/{unique('none')}"}).status_code
        == 400
    )


def test_users_without_roles_are_denied(api: TestClient) -> None:
    assert api.get("/v1/images", auth=("nobody", "x")).status_code == 401
    assert api.get("/v1/images", auth=ADMIN).status_code == 200
