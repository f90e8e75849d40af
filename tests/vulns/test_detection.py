"""When a match was first detected in an image (``detected_at`` on report rows, what
``max_days_since_creation`` ages): carried across report recomputations while the match
persists, new on a new match, forgotten when it goes away. End to end on an analyzed image
with the real Alpine secdb re-synced in between (real registry, analyzer, feeds, API)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from fastapi.testclient import TestClient

from drydock.core.db import utcnow
from drydock.core.timeutil import iso_z
from drydock.policy.vulnerabilities.detection import carry_detections, detection_times
from drydock.policy.vulnerabilities.models import VulnerabilityReport
from drydock.runtime.context import Runtime
from tests.policy.factory import bundle_doc, rule
from tests.support.registry import RunningRegistry
from tests.vulns.images import write_secdb
from tests.vulns.test_fix_age_policy import sync
from tests.vulns.test_vuln_api import add_image, rows

BUNDLE = {
    **bundle_doc([rule("vulnerabilities", "package", package_type="all", max_days_since_creation="30")]),
    "id": "detect-age",
    "name": "detect-age",
}
T0 = datetime(2026, 1, 1, tzinfo=UTC)


def row(vuln: str, name: str = "openssl", **extra: str) -> dict[str, str]:
    return {"vuln": vuln, "package_name": name, "package_version": "1", "package_type": "APKG",
            "package_path": "pkgdb", **extra}  # fmt: skip


def test_persisting_matches_keep_their_time_new_ones_are_now() -> None:
    previous = [
        row("CVE-A", detected_at="2025-06-01T00:00:00Z"),
        row("CVE-GONE", detected_at="2025-01-01T00:00:00Z"),
    ]
    stamped = carry_detections([row("CVE-A"), row("CVE-NEW"), row("CVE-A", name="musl")], previous, T0)
    assert [r["detected_at"] for r in stamped] == ["2025-06-01T00:00:00Z", iso_z(T0), iso_z(T0)]
    # CVE-GONE is dropped with its row: were it to come back, it would be a new detection.
    again = carry_detections([row("CVE-GONE")], stamped, T0 + timedelta(days=1))
    assert again[0]["detected_at"] == iso_z(T0 + timedelta(days=1))
    assert detection_times(stamped, T0)[("CVE-A", "openssl", "1", "APKG", "pkgdb")] == datetime(
        2025, 6, 1, tzinfo=UTC
    )


def test_reports_stored_before_detection_count_from_their_generation() -> None:
    made = T0 - timedelta(days=10)
    [carried, new] = carry_detections([row("CVE-A"), row("CVE-B")], [row("CVE-A")], T0, made)
    assert (carried["detected_at"], new["detected_at"]) == (iso_z(made), iso_z(T0))
    # Read before any recomputation (feeds unchanged since the upgrade), the same rule holds.
    assert detection_times([row("CVE-A")], made) == {("CVE-A", "openssl", "1", "APKG", "pkgdb"): made}


def ids_fired(api: TestClient, digest: str, tag: str) -> set[str]:
    r = api.get(f"/v1/images/{digest}/check", params={"tag": tag, "policyId": "detect-age"})
    assert r.status_code == 200, r.text
    result = r.json()[0][digest][tag][0]["detail"]["result"]
    return {line[2] for line in result["result"][result["image_id"]]["result"]["rows"]}


def age_detections(runtime: Runtime, digest: str, package: str, days: int) -> None:
    """Simulate ``days`` passing for the package's matches: their stored first detection moves back."""
    with runtime.db.session() as s:
        [report] = s.query(VulnerabilityReport).filter_by(image_digest=digest).all()
        back = iso_z(utcnow() - timedelta(days=days))
        report.rows = [{**r, "detected_at": back} if r["package_name"] == package else r for r in report.rows]
        s.commit()


def detected(api: TestClient, digest: str, package: str) -> dict[str, datetime]:
    return {
        r["vuln"]: datetime.fromisoformat(r["detected_at"])
        for r in rows(api, digest)
        if r["package_name"] == package
    }


def test_max_days_since_creation_across_feed_syncs(
    api: TestClient, vulns_runtime: Runtime, registry: RunningRegistry, tmp_path: Path
) -> None:
    ssl_only = write_secdb(tmp_path / "ssl", {"openssl"}).parent
    both = write_secdb(tmp_path / "both", {"openssl", "musl"}).parent
    sync(vulns_runtime, ssl_only)
    digest, tag = add_image(api, registry)
    assert api.post("/v1/policies", json=BUNDLE).status_code == 200

    started = utcnow() - timedelta(minutes=1)
    ssl = detected(api, digest, "openssl")
    assert ssl and all(at >= started for at in ssl.values()) and not detected(api, digest, "musl")
    assert ids_fired(api, digest, tag) == set()  # first detected just now

    # 40 days on, the feed re-sync adds musl's vulnerabilities: openssl's matches persist with
    # their time and fire, musl's are detected now and do not.
    age_detections(vulns_runtime, digest, "openssl", 40)
    sync(vulns_runtime, both)
    aged = detected(api, digest, "openssl")
    assert aged.keys() == ssl.keys() and all(at < utcnow() - timedelta(days=39) for at in aged.values())
    musl = detected(api, digest, "musl")
    assert musl and all(at >= started for at in musl.values())
    assert ids_fired(api, digest, tag) == {f"{vuln}+openssl" for vuln in ssl}

    # openssl's records leave the feed, then come back: a new detection, nothing fires.
    sync(vulns_runtime, write_secdb(tmp_path / "musl", {"musl"}).parent)
    assert not detected(api, digest, "openssl")
    sync(vulns_runtime, both, flush=True)
    back = detected(api, digest, "openssl")
    assert back.keys() == ssl.keys() and all(at >= started for at in back.values())
    assert ids_fired(api, digest, tag) == set()
