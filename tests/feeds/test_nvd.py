from __future__ import annotations

import dataclasses
import json

import pytest

from drydock.feeds.drivers import get_driver
from drydock.feeds.drivers.nvd import cpe_affected, cpe_product
from drydock.feeds.records import Constraint, FixState

from .conftest import FEEDS, FIXTURES
from .golden import validate

NVD = FIXTURES / "nvd"


@pytest.mark.parametrize("case", ["full-page", "single-entry"])
def test_nvd_golden(case, tmp_path):
    """vunnel stores NVD items as-is plus anchore ``fix`` annotations on cpeMatch entries.

    Exclusion: those ``fix`` entries (first-observed dates) only exist in the snapshots, so
    ``fix_available`` is blanked before comparing. Everything else must be identical.
    """
    got = {v.id: v for v in get_driver("nvd").parse(NVD / f"{case}.json")}
    snapshots = sorted((NVD / "snapshots" / case).rglob("*.json"))
    assert len(snapshots) == len(got)
    for path in snapshots:
        item = json.loads(path.read_text())["item"]
        validate(item, "nvd", "1.0.1")
        (tmp_path / "item.json").write_text(json.dumps(item))
        (expected,) = get_driver("nvd").parse(tmp_path / "item.json")
        strip = lambda v: dataclasses.replace(
            v, affected=[dataclasses.replace(a, fix_available=None) for a in v.affected]
        )
        assert strip(got[expected.id]) == strip(expected)


def test_nvd_cvss_and_severity():
    (v,) = get_driver("nvd").parse(NVD / "single-entry.json")
    assert v.id == "CVE-2022-1576" and v.severity.value == "Medium"
    v31 = next(c for c in v.cvss if c.version == "3.1")
    assert (v31.base_score, v31.exploitability_score, v31.impact_score, v31.primary) == (6.5, 2.8, 3.6, True)
    assert {c.version for c in v.cvss} == {"2.0", "3.1"}
    (affected,) = v.affected
    assert affected.name == "themeisle:wp_maintenance_mode_\\&_coming_soon"
    assert affected.vulnerable_ranges == [[Constraint("<", "2.4.5")]] and affected.fixed_versions == ["2.4.5"]


def test_overrides_counts_and_bounds():
    driver = get_driver("nvd")
    records = list(driver.parse(FEEDS / "nvd" / "overrides"))
    assert len(records) == 1054 and driver.stats.skipped_total == 0
    crit = [c for v in records for a in v.affected for c in a.cpe_criteria]
    assert any(c.version_start_including and c.version_end_excluding for c in crit)


def test_cpe_bounds_and_exact_versions():
    a = cpe_affected({"criteria": "cpe:2.3:a:v:p:1.2:*:*:*:*:*:*:*", "vulnerable": True})
    assert a.vulnerable_ranges == [[Constraint("=", "1.2")]] and a.fix_state is FixState.UNKNOWN
    b = cpe_affected(
        {
            "criteria": "cpe:2.3:a:v:p:*:*:*:*:*:*:*:*",
            "versionStartExcluding": "1",
            "versionEndIncluding": "2",
        }
    )
    assert b.raw_range == ">1, <=2" and b.fixed_versions == []
    with pytest.raises(ValueError):
        cpe_product("cpe:/a:vendor:product:1.0")


def test_api_pages_and_empty_page():
    driver = get_driver("nvd")
    records = list(driver.parse(FEEDS / "raw" / "nvd-api-2.0"))
    assert driver.stats.files == 5 and driver.stats.skipped_total == 0
    assert {v.id for v in records} and all(v.namespace == "nvd" for v in records)


def test_bad_cpe_is_skipped_with_count(tmp_path):
    page = {
        "totalResults": 2,
        "vulnerabilities": [
            {"cve": {"id": "CVE-1", "configurations": [{"nodes": [{"cpeMatch": [{"criteria": "bogus"}]}]}]}},
            {"cve": {"id": "CVE-2", "descriptions": [{"lang": "en", "value": "ok"}]}},
        ],
    }
    (tmp_path / "p.json").write_text(json.dumps(page))
    driver = get_driver("nvd")
    assert [v.id for v in driver.parse(tmp_path)] == ["CVE-2"]
    assert driver.stats.skipped == {"bad-record": 1}


def test_cvss_v4_and_secondary_sources(tmp_path):
    v4 = "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"
    cve = {
        "id": "CVE-2024-0001",
        "metrics": {
            "cvssMetricV40": [{"source": "cna@example", "type": "Secondary",
                               "cvssData": {"version": "4.0", "vectorString": v4, "baseScore": 9.3, "baseSeverity": "CRITICAL"}}],
            "cvssMetricV31": [{"source": "nvd@nist.gov", "type": "Primary",
                               "cvssData": {"version": "3.1", "vectorString": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:L",
                                            "baseScore": 5.3, "baseSeverity": "MEDIUM"}}],
        },
    }  # fmt: skip
    (tmp_path / "item.json").write_text(json.dumps({"cve": cve}))
    (v,) = get_driver("nvd").parse(tmp_path / "item.json")
    by_version = {c.version: c for c in v.cvss}
    assert by_version["4.0"].base_score == 9.3 and not by_version["4.0"].primary
    assert v.severity.value == "Medium"  # the primary (NVD) assessment decides
