from __future__ import annotations

import gzip
import json

from drydock.feeds.drivers import get_driver
from drydock.feeds.records import to_dict

from .conftest import FEEDS, FIXTURES
from .golden import validate


def _kev_item(entry) -> dict:
    d = to_dict(entry)
    keys = {
        "cve_id": "cveID",
        "vendor_project": "vendorProject",
        "vulnerability_name": "vulnerabilityName",
        "date_added": "dateAdded",
        "short_description": "shortDescription",
        "required_action": "requiredAction",
        "due_date": "dueDate",
        "known_ransomware_campaign_use": "knownRansomwareCampaignUse",
    }
    out = {keys.get(k, k): v for k, v in d.items()}
    out["cwes"] = list(out["cwes"])
    return out


def test_kev_golden():
    got = {e.cve_id.lower(): e for e in get_driver("kev").parse(FIXTURES / "kev" / "valid-catalog-1.json")}
    snapshots = sorted((FIXTURES / "kev" / "snapshots").rglob("*.json"))
    assert len(snapshots) == len(got) == 3
    for path in snapshots:
        env = json.loads(path.read_text())
        validate(env["item"], "known-exploited", "1.0.0")
        assert _kev_item(got[env["item"]["cveID"].lower()]) == env["item"]


def test_kev_full_catalog_and_single_entry():
    driver = get_driver("kev")
    entries = list(
        driver.parse(
            [FEEDS / "kev" / "known_exploited_vulnerabilities.json", FIXTURES / "kev" / "single-entry"]
        )
    )
    assert len(entries) == 1404 + 1 and driver.stats.skipped_total == 0
    assert len(list(get_driver("kev").parse(FEEDS / "raw" / "kev-small"))) == 2


def test_epss_golden():
    got = {s.cve.lower(): s for s in get_driver("epss").parse(FIXTURES / "epss" / "example-1.csv")}
    snapshots = sorted((FIXTURES / "epss" / "snapshots").rglob("*.json"))
    assert len(snapshots) == 5
    for path in snapshots:
        item = json.loads(path.read_text())["item"]
        validate(item, "epss", "1.0.0")
        s = got[item["cve"].lower()]
        assert {"cve": s.cve, "date": s.date, "epss": s.epss, "percentile": s.percentile} == item
        assert s.model_version == "v2023.03.01"


def test_epss_invalid_files_are_counted_and_gzip_is_read(tmp_path):
    driver = get_driver("epss")
    assert (
        list(driver.parse([FIXTURES / "epss" / "invalid-header.csv", FIXTURES / "epss" / "missing-date.csv"]))
        == []
    )
    assert driver.stats.skipped == {"bad-file": 2}
    data = (FIXTURES / "epss" / "example-1.csv").read_bytes() + b"CVE-bad,0.1,0.2\nCVE-2020-0001,7,0.5\n"
    (tmp_path / "scores.csv.gz").write_bytes(gzip.compress(data))
    driver = get_driver("epss")
    assert len(list(driver.parse(tmp_path))) == 5
    assert driver.stats.skipped == {"bad-record": 2}
