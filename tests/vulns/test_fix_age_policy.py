"""``vulnerabilities:package`` with ``max_days_since_fix`` on an analyzed image, end to end:
the Alpine secdb gives no dates, so the fixes are dated by the sync that first saw them; a
fresh fix does not fire, one observed 40 days ago does (real registry, analyzer, feeds, API)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import update

from drydock.core.db import utcnow
from drydock.feeds.models import FixObservationRow
from drydock.feeds.sync import import_paths
from drydock.runtime.context import Runtime
from tests.policy.factory import bundle_doc, rule
from tests.support.registry import RunningRegistry
from tests.vulns.images import write_secdb
from tests.vulns.test_vuln_api import add_image, rows

BUNDLE = {
    **bundle_doc(
        [
            rule(
                "vulnerabilities",
                "package",
                package_type="all",
                fix_available="true",
                max_days_since_fix="30",
            )
        ]
    ),
    "id": "fix-age",
    "name": "fix-age",
}


def fired(api: TestClient, digest: str, tag: str) -> tuple[str, set[str]]:
    r = api.get(f"/v1/images/{digest}/check", params={"tag": tag, "policyId": "fix-age"})
    assert r.status_code == 200, r.text
    evaluation = r.json()[0][digest][tag][0]
    result = evaluation["detail"]["result"]
    table = result["result"][result["image_id"]]["result"]
    return evaluation["status"], {row[2] for row in table["rows"]}


def sync(runtime: Runtime, path: Path, **kw: Any) -> None:
    with runtime.db.session() as s:
        assert import_paths(s, [path], driver="alpine", **kw).ok


def test_max_days_since_fix_on_an_analyzed_image(
    api: TestClient, vulns_runtime: Runtime, registry: RunningRegistry, tmp_path: Path
) -> None:
    secdb = write_secdb(tmp_path, {"openssl", "musl"}).parent
    sync(vulns_runtime, secdb)
    digest, tag = add_image(api, registry)
    assert api.post("/v1/policies", json=BUNDLE).status_code == 200

    ssl = [r for r in rows(api, digest) if r["package_name"] == "openssl"]
    assert ssl and all(r["fix_available"][0]["kind"] == "first-observed" for r in ssl)
    assert fired(api, digest, tag) == ("pass", set())  # every fix is days old at most

    # 40 days on for openssl's fixes: the next (forced) sync writes the aged observation.
    with vulns_runtime.db.session() as s:
        s.execute(
            update(FixObservationRow)
            .where(FixObservationRow.namespace == "alpine:3.10", FixObservationRow.package == "openssl")
            .values(first_observed_at=utcnow() - timedelta(days=40))
        )
        s.commit()
    sync(vulns_runtime, secdb, flush=True)
    status, ids = fired(api, digest, tag)
    assert status == "fail"
    assert ids and all(i.endswith("+openssl") for i in ids)
    assert ids == {f"{r['vuln']}+openssl" for r in ssl}
    aged = [r for r in rows(api, digest) if r["package_name"] == "openssl"]
    cutoff = (utcnow() - timedelta(days=39)).isoformat()
    assert aged and all("None" != r["fix_observed_at"] < cutoff for r in aged)
