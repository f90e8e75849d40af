"""Image vulnerability reports, the query API and re-matching after a feed change, against a
real registry, the analyzer and imported Alpine secdb records (both database backends)."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from drydock.feeds import store
from drydock.feeds.sync import import_paths
from drydock.policy.vulnerabilities import rematch
from drydock.runtime.context import Runtime
from drydock.runtime.services import SERVICES
from tests.support.catalog import push_files, wait_analyzed, wait_until
from tests.support.naming import unique
from tests.support.paths import SHARED
from tests.support.registry import RunningRegistry
from tests.support.tenants import make_account
from tests.vulns.images import image_files, write_secdb

GHSA = SHARED / "feeds" / "osv" / "ghsa"

ROW_KEYS = {
    "vuln", "severity", "url", "fix", "package", "package_name", "package_version", "package_type",
    "package_cpe", "package_cpe23", "package_path", "feed", "feed_group", "will_not_fix", "nvd_data",
    "vendor_data", "matched_by", "namespace",
}  # fmt: skip


def import_feed(runtime: Runtime, path: Path) -> None:
    with runtime.db.session() as s:
        report = import_paths(s, [path])
        assert report.ok, report


def add_image(api: TestClient, registry: RunningRegistry, account: str | None = None) -> tuple[str, str]:
    repo = unique("vulns")
    digest = push_files(registry, f"{repo}:v1", image_files())
    tag = f"{registry.host}/{repo}:v1"
    headers = {"x-anchore-account": account} if account else {}
    assert api.post("/v1/images", json={"tag": tag}, headers=headers).status_code == 200
    assert wait_analyzed(api, digest, account)["analysis_status"] == "analyzed"
    return digest, tag


@pytest.fixture(scope="module")
def feed_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("secdb")


@pytest.fixture(scope="module")
def image(
    api: TestClient, vulns_runtime: Runtime, registry: RunningRegistry, feed_root: Path
) -> tuple[str, str]:
    import_feed(vulns_runtime, write_secdb(feed_root / "first", {"openssl", "musl"}))
    import_feed(vulns_runtime, GHSA)
    return add_image(api, registry)


def rows(api: TestClient, digest: str, vtype: str = "all", **params: str) -> list[dict]:
    r = api.get(f"/v1/images/{digest}/vuln/{vtype}", params=params)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["imageDigest"] == digest and body["vulnerability_type"] == vtype
    return body["vulnerabilities"]


def test_report_rows_and_split(api: TestClient, image: tuple[str, str]) -> None:
    digest, _ = image
    assert api.get(f"/v1/images/{digest}/vuln").json() == ["os", "non-os", "all"]
    os_rows = rows(api, digest, "os")
    by_id = {(r["vuln"], r["package_name"]): r for r in os_rows}
    ssl = by_id[("CVE-2019-1543", "openssl")]
    assert ROW_KEYS <= ssl.keys()
    assert ssl["fix"] == "1.1.1b-r1" and ssl["package"] == "openssl-1.1.1a-r1"
    assert ssl["package_type"] == "APKG" and ssl["package_path"] == "pkgdb"
    assert ssl["feed_group"] == "alpine:3.10" and ssl["namespace"] == "alpine:3.10"
    assert ssl["will_not_fix"] is False and ssl["url"] != ""
    assert ("CVE-2019-14697", "musl") in by_id
    assert ("CVE-2018-0734", "openssl") not in by_id  # fixed in 1.1.1a-r0, older than installed
    assert not any(r["package_name"] == "busybox" for r in os_rows)  # not in the first feed subset
    assert all(r["package_type"] in ("APKG", "dpkg", "rpm") for r in os_rows)
    non_os = rows(api, digest, "non-os")
    assert all(r["package_type"] not in ("APKG", "dpkg", "rpm") for r in non_os)
    stream = next(r for r in non_os if r["vuln"] == "GHSA-mh6f-8j2x-4483")
    assert stream["package"] == "event-stream-3.3.6" and stream["package_type"] == "npm"
    assert stream["fix"] == "4.0.0" and stream["package_path"].endswith("event-stream/package.json")
    assert stream["feed_group"].startswith("github:") or stream["namespace"].endswith("npm"), stream
    all_rows = rows(api, digest, "all")
    assert len(all_rows) == len(os_rows) + len(rows(api, digest, "non-os"))
    assert rows(api, digest, "all", force_refresh="true") == all_rows


def test_vendor_only_hides_will_not_fix(
    api: TestClient, vulns_runtime: Runtime, image: tuple[str, str]
) -> None:
    from drydock.policy.vulnerabilities.models import VulnerabilityReport

    digest, _ = image
    rows(api, digest)
    with vulns_runtime.db.session() as s:
        report = s.get(VulnerabilityReport, ("admin", digest))
        assert report is not None
        changed = [dict(r, will_not_fix=(r["vuln"] == "CVE-2019-1543")) for r in report.rows]
        report.rows = changed
    assert "CVE-2019-1543" not in {r["vuln"] for r in rows(api, digest, "os")}
    assert "CVE-2019-1543" in {r["vuln"] for r in rows(api, digest, "os", vendor_only="false")}
    assert "CVE-2019-1543" in {r["vuln"] for r in rows(api, digest, "os", force_refresh="true")}


def test_not_analyzed(api: TestClient, vulns_runtime: Runtime, image: tuple[str, str]) -> None:
    from drydock.catalog.models import CatalogImage

    digest, _ = image
    assert api.get("/v1/images/sha256:" + "0" * 64 + "/vuln/os").status_code == 404

    def set_status(value: str) -> None:
        with vulns_runtime.db.session() as s:
            row = s.get(CatalogImage, ("admin", digest))
            assert row is not None
            row.analysis_status = value

    set_status("analyzing")
    try:
        for path in (f"/v1/images/{digest}/vuln", f"/v1/images/{digest}/vuln/all"):
            r = api.get(path)
            assert r.status_code == 404 and "image is not analyzed - analysis_status: analyzing" in r.text
    finally:
        set_status("analyzed")


def test_by_id_routes(api: TestClient, image: tuple[str, str]) -> None:
    digest, _ = image
    image_id = api.get(f"/v1/images/{digest}").json()[0]["image_detail"][0]["imageId"]
    assert api.get(f"/v1/images/by_id/{image_id}/vuln").json() == ["os", "non-os", "all"]
    body = api.get(f"/v1/images/by_id/{image_id}/vuln/os").json()
    assert body["imageDigest"] == digest and body["vulnerabilities"] == rows(api, digest, "os")
    assert api.get(f"/v1/images/{digest}/vuln/bogus").status_code == 404


def test_query_endpoints_and_account_scope(
    api: TestClient, registry: RunningRegistry, image: tuple[str, str]
) -> None:
    digest, tag = image
    rows(api, digest)
    found = api.get("/v1/query/images/by_vulnerability", params={"vulnerability_id": "CVE-2019-14697"}).json()
    hit = [i for i in found["images"] if i["image"]["imageDigest"] == digest]
    assert hit and hit[0]["affected_packages"][0]["name"] == "musl"
    assert tag in [t["fulltag"] for t in hit[0]["image"]["tag_history"]]
    none = api.get(
        "/v1/query/images/by_vulnerability",
        params={"vulnerability_id": "CVE-2019-14697", "severity": "Critical"},
    ).json()
    assert digest not in [i["image"]["imageDigest"] for i in none["images"]]

    pkgs = api.get("/v1/query/images/by_package", params={"name": "openssl", "package_type": "APKG"}).json()
    mine = [i for i in pkgs["images"] if i["image"]["imageDigest"] == digest]
    assert mine and mine[0]["packages"][0]["version"] == "1.1.1a-r1"
    assert (
        api.get("/v1/query/images/by_package", params={"name": "openssl", "version": "9"}).json()["images"]
        == []
    )

    first = api.get("/v1/query/images/by_package", params={"name": "openssl", "limit": 1}).json()
    assert first["page"] == 1 and first["returned_count"] == 1 and len(first["images"]) == 1
    after = api.get(
        "/v1/query/images/by_package",
        params={"name": "openssl", "limit": 1, "page": first.get("next_page", 2)},
    ).json()
    assert first["images"][0]["image"]["imageDigest"] not in [
        i["image"]["imageDigest"] for i in after["images"]
    ]
    assert api.get("/v1/query/images/by_package", params={"name": "openssl", "limit": 0}).status_code == 400
    vulns = api.get("/v1/query/vulnerabilities", params={"id": "CVE-2019-1543"}).json()
    rec = vulns["vulnerabilities"][0]
    assert rec["id"] == "CVE-2019-1543" and rec["namespace"] == "alpine:3.10"
    assert rec["affected_packages"][0]["name"] == "openssl" and rec["affected_packages"][0]["type"] == "APKG"
    affected = api.get(
        "/v1/query/vulnerabilities", params={"id": "CVE-2019-1543", "affected_package_version": "1.1.1c-r0"}
    ).json()
    assert affected["vulnerabilities"] == []
    assert api.get("/v1/query/vulnerabilities").status_code == 400

    other = make_account(api)
    other_digest, _ = add_image(api, registry, other)
    hdr = {"x-anchore-account": other}
    api.get(f"/v1/images/{other_digest}/vuln/all", headers=hdr)
    theirs = api.get(
        "/v1/query/images/by_vulnerability", params={"vulnerability_id": "CVE-2019-14697"}, headers=hdr
    ).json()
    assert [i["image"]["imageDigest"] for i in theirs["images"]] == [other_digest]
    assert api.get(f"/v1/images/{digest}/vuln/all", headers=hdr).status_code == 404


def test_rematch_after_feed_update(
    api: TestClient, vulns_runtime: Runtime, image: tuple[str, str], feed_root: Path
) -> None:
    digest, tag = image
    rows(api, digest)
    rematch.rematch_all(vulns_runtime)  # every image current with the first subset
    import_feed(vulns_runtime, write_secdb(feed_root / "second", {"openssl", "musl", "busybox"}))
    task = next(t for t in SERVICES["policy"].tasks() if t.name == "vulnerability_rematch")
    task.run(vulns_runtime)  # the policy service's periodic task (a cluster-wide singleton)
    events = api.get("/v1/events", params={"event_type": rematch.EVENT_TYPE, "resource_id": tag}).json()[
        "results"
    ]
    assert events, "no vulnerabilities.update event for the tag"
    diff = events[0]["event"]["details"]["diff_vulnerability_result"]
    assert {i["CVE_ID"] for i in diff["added"]} >= {"CVE-2019-5747", "CVE-2018-20679"}
    assert diff["removed"] == [] and all(
        i["Vulnerable_Package"] == "busybox-1.29.3-r9" for i in diff["added"]
    )
    assert {"CVE_ID", "Severity", "Fix_Available", "Package_Type", "Feed_Group", "Package_Path"} <= diff[
        "added"
    ][0].keys()
    assert any(r["package_name"] == "busybox" for r in rows(api, digest, "os"))
    assert rematch.rematch_all(vulns_runtime).images == 0  # nothing stale any more


def test_deleting_an_image_drops_its_report(
    api: TestClient, vulns_runtime: Runtime, registry: RunningRegistry, image: tuple[str, str]
) -> None:
    from sqlalchemy import func, select

    from drydock.policy.vulnerabilities.models import ImagePackage, ReportMatch, VulnerabilityReport

    digest, _ = add_image(api, registry)
    assert rows(api, digest)
    assert api.delete(f"/v1/images/{digest}", params={"force": "true"}).status_code == 200

    def remaining() -> int:
        with vulns_runtime.db.session() as s:
            return sum(
                s.scalar(select(func.count()).select_from(t).where(t.image_digest == digest)) or 0
                for t in (VulnerabilityReport, ReportMatch, ImagePackage)
            )

    wait_until(lambda: remaining() == 0, timeout=30)


def test_concurrent_refreshes_of_one_image(
    api: TestClient, registry: RunningRegistry, image: tuple[str, str]
) -> None:
    from concurrent.futures import ThreadPoolExecutor

    digest, _ = add_image(api, registry)  # no report yet: every request races to create it
    with ThreadPoolExecutor(4) as pool:
        codes = list(
            pool.map(
                lambda _: api.get(f"/v1/images/{digest}/vuln/all?force_refresh=true").status_code, range(8)
            )
        )
    assert codes == [200] * 8


def test_rematch_skips_unreadable_images(
    api: TestClient, vulns_runtime: Runtime, image: tuple[str, str]
) -> None:
    """An analyzed image whose stored packages are gone or malformed is logged and skipped; the
    other images are still brought up to date."""
    from drydock.catalog.context import PACKAGES_BUCKET, catalog_context
    from drydock.catalog.models import CatalogImage

    missing, broken, odd = "sha256:" + "a" * 64, "sha256:" + "b" * 64, "sha256:" + "c" * 64
    with vulns_runtime.db.session() as s:
        for digest in (missing, broken, odd):
            s.add(CatalogImage(account="admin", image_digest=digest, analysis_status="analyzed"))
        s.flush()
        catalog_context(vulns_runtime).archive.put(
            s, "admin", PACKAGES_BUCKET, broken.replace(":", "_"), b"{not json"
        )
        catalog_context(vulns_runtime).archive.put(
            s, "admin", PACKAGES_BUCKET, odd.replace(":", "_"), b"[1, 2]"
        )
        store.bump_generation(s)
    try:
        stats = rematch.rematch_all(vulns_runtime, batch_size=2)
        assert sorted(stats.failed) == [("admin", missing), ("admin", broken), ("admin", odd)]
        assert stats.images >= 1  # the module's image, re-matched in the same batches
    finally:
        with vulns_runtime.db.session() as s:
            for digest in (missing, broken, odd):
                s.delete(s.get(CatalogImage, ("admin", digest)))
