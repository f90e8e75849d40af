"""Account isolation: a user of one account never sees another account's images, policies,
registries, subscriptions or events — not by listing, not by id, not through x-anchore-account."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.support.catalog import push_files, wait_analyzed
from tests.support.naming import unique
from tests.support.registry import RunningRegistry
from tests.support.tenants import make_account, make_user


def test_accounts_are_isolated(api: TestClient, registry: RunningRegistry) -> None:
    alpha, beta = make_account(api), make_account(api)
    a_user = make_user(api, alpha, "full-control")
    b_user = make_user(api, beta, "full-control")
    repo = unique("secret")
    digest = push_files(registry, f"{repo}:v1", {"etc/a": b"alpha"})
    tag = f"{registry.host}/{repo}:v1"
    assert (
        api.post("/v1/images", json={"tag": tag}, params={"autosubscribe": "true"}, auth=a_user).status_code
        == 200
    )
    wait_analyzed(api, digest, alpha)
    image_id = api.get(f"/v1/images/{digest}", auth=a_user).json()[0]["image_detail"][0]["imageId"]
    r = api.post(
        "/v1/registries",
        params={"validate": "false"},
        json={"registry": "alpha.example", "registry_user": "u", "registry_pass": "p"},
        auth=a_user,
    )
    assert r.status_code == 200
    a_events = api.get("/v1/events", auth=a_user).json()
    assert a_events["item_count"] > 0
    event_id = a_events["results"][0]["generated_uuid"]
    a_sub = api.get("/v1/subscriptions", auth=a_user).json()[0]["subscription_id"]
    a_policies = api.get("/v1/policies", auth=a_user).json()
    assert a_policies, "every account gets a default bundle"
    bundle = api.get(f"/v1/policies/{a_policies[0]['policyId']}", auth=a_user).json()[0]["policybundle"]
    bundle = {**bundle, "id": unique("alpha-bundle"), "name": "alpha private bundle"}
    assert api.post("/v1/policies", json=bundle, auth=a_user).status_code == 200

    # beta sees none of it
    assert digest not in {i["imageDigest"] for i in api.get("/v1/images", auth=b_user).json()}
    for path in (
        f"/v1/images/{digest}",
        f"/v1/images/by_id/{image_id}",
        f"/v1/images/{digest}/content/os",
        f"/v1/images/{digest}/sboms/native",
        "/v1/registries/alpha.example",
        f"/v1/subscriptions/{a_sub}",
        f"/v1/events/{event_id}",
        f"/v1/policies/{bundle['id']}",
        f"/v1/images/{digest}/check?tag={tag}",
    ):
        assert api.get(path, auth=b_user).status_code == 404, path
    assert api.get("/v1/images", params={"fulltag": tag}, auth=b_user).json() == []
    assert api.get("/v1/registries", auth=b_user).json() == []
    assert api.get("/v1/subscriptions", auth=b_user).json() == []
    assert api.get("/v1/events", auth=b_user).json()["item_count"] == 0
    assert api.get("/v1/summaries/imagetags", auth=b_user).json() == []
    assert bundle["id"] not in {p["policyId"] for p in api.get("/v1/policies", auth=b_user).json()}
    # nor by naming alpha's account
    hdr = {"x-anchore-account": alpha}
    for path in ("/v1/images", "/v1/registries", "/v1/subscriptions", "/v1/events", "/v1/policies", f"/v1/images/{digest}"):
        assert api.get(path, auth=b_user, headers=hdr).status_code == 403, path
    # and beta cannot change alpha's things
    assert api.delete(f"/v1/images/{digest}", auth=b_user).status_code == 404
    assert api.delete(f"/v1/subscriptions/{a_sub}", auth=b_user).status_code == 404
    assert api.delete("/v1/registries/alpha.example", auth=b_user).status_code == 404
    assert api.delete(f"/v1/policies/{bundle['id']}", auth=b_user).status_code == 404
    assert api.get(f"/v1/images/{digest}", auth=a_user).status_code == 200
