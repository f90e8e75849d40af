"""The pure report builders on hand-made matches: CVSS ratings, KEV/EPSS, severity ranks."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from rich.console import Console

from drydock.policy.matching.matcher import Match, MatchedPackage, MatchResult
from drydock.policy.vulndata import Vulnerabilities
from drydock.policy.vulnerabilities import scan_report
from drydock.policy.vulnerabilities.cyclonedx_vulns import with_vulnerabilities
from drydock.policy.vulnerabilities.sarif import render_sarif

CVSS = {
    "version": "3.1",
    "vector": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
    "base_score": 9.8,
    "source": "nvd@nist.gov",
}


def match(name: str, severity: str, **extra: Any) -> Match:
    fields: dict[str, Any] = {
        "vulnerability_id": f"CVE-2024-{len(name)}{name[0]}",
        "namespace": "nvd:cpe",
        "feed": "nvdv2",
        "group": "nvdv2:cves",
        "package": MatchedPackage(
            name, "1.0", "python", (f"/usr/lib/{name}/METADATA",), f"pkg:pypi/{name}@1.0"
        ),
        "matched_by": "language",
        "searched_name": name,
        "constraint": "< 2.0",
        "fix_versions": ["2.0"],
        "fix_state": "fixed",
        "will_not_fix": False,
        "severity": severity,
        "cvss": [],
        "link": None,
        "aliases": [],
    }
    fields.update(extra)
    return Match(**fields)


def test_severity_order_and_threshold() -> None:
    matches = [match("b", "Low"), match("a", "Critical"), match("c", "Unknown"), match("d", "Critical")]
    assert [m.package.name for m in scan_report.select(matches, only_fixed=False)] == ["a", "d", "b", "c"]
    assert scan_report.fails([match("c", "Unknown")], "negligible") is False
    assert scan_report.fails([match("b", "Low")], "low") and not scan_report.fails(
        [match("b", "Low")], "medium"
    )
    assert scan_report.fails([match("b", "Low")], None) is False
    with pytest.raises(ValueError, match="unknown severity"):
        scan_report.fails([], "urgent")


def test_only_fixed() -> None:
    unfixed = match("u", "High", fix_versions=[], fix_state="not-fixed")
    declined = match("w", "High", will_not_fix=True, fix_state="wont-fix")
    assert scan_report.select([unfixed, declined, match("f", "Low")], only_fixed=True) == [match("f", "Low")]


def test_json_carries_cvss_kev_epss() -> None:
    m = match("req", "Critical", cvss=[CVSS], kev={"dateAdded": "2024-01-01"}, epss={"epss": 0.9})
    row = scan_report.json_document([m], {"type": "dir"}, ["nvd:cpe"], [])["matches"][0]
    assert row["kev"] == {"dateAdded": "2024-01-01"} and row["epss"] == {"epss": 0.9}
    assert row["cvss"] == [CVSS] and row["nvd_data"][0]["cvss_v3"]["base_score"] == 9.8
    assert row["matched_by"] == "language" and row["constraint"] == "< 2.0"


def test_cyclonedx_ratings_and_unmatched_components() -> None:
    sbom = json.dumps(
        {
            "bomFormat": "CycloneDX",
            "specVersion": "1.6",
            "components": [
                {
                    "bom-ref": "pkg:pypi/req@1.0?package-id=1",
                    "name": "req",
                    "version": "1.0",
                    "properties": [{"name": "syft:package:type", "value": "python"}],
                }
            ],
        }
    )
    bom = with_vulnerabilities(sbom, [match("req", "Critical", cvss=[CVSS]), match("other", "Low")])
    req, other = bom["vulnerabilities"]
    assert req["affects"][0]["ref"] == "pkg:pypi/req@1.0?package-id=1"
    assert req["ratings"][1] == {
        "source": {"name": "nvd@nist.gov"},
        "method": "CVSSv31",
        "score": 9.8,
        "vector": CVSS["vector"],
    }
    assert other["affects"] == [] and other["recommendation"] == "Upgrade to other 2.0"


def test_sarif_security_severity_prefers_cvss() -> None:
    log = render_sarif([match("req", "Medium", cvss=[CVSS]), match("low", "Low")], "0")
    rules = {r["id"]: r for r in log["runs"][0]["tool"]["driver"]["rules"]}
    assert [r["properties"]["security-severity"] for r in rules.values()] == ["9.8", "3.0"]
    assert (
        log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        == "usr/lib/req/METADATA"
    )


def test_rich_table_on_a_terminal() -> None:
    from drydock.cli.scan import LocalScan, ReportTarget, write_reports

    scan = LocalScan(MatchResult(matches=[match("req", "High")]), Vulnerabilities(), indexed=1, package_feeds={})
    buf = io.StringIO()
    console = Console(file=buf, force_terminal=True, no_color=True, width=120)
    write_reports([ReportTarget("table", None)], None, scan.result.matches, scan, console)  # type: ignore[arg-type]
    assert buf.getvalue().startswith("┏") and "NAME" in buf.getvalue() and "│ req " in buf.getvalue()
