"""Pure conversion of matches into Anchore rows, the os/non-os/vendor_only views and diffs."""

from __future__ import annotations

import pytest

from drydock.analyzer.model import Location, Package, PackageType
from drydock.policy.matching.matcher import Match, MatchedPackage
from drydock.policy.vulnerabilities.report import (
    diff_reports,
    is_empty,
    report_rows,
    select_rows,
    vulnerability_row,
)


def make_match(**kw: object) -> Match:
    fields: dict = {
        "vulnerability_id": "CVE-2024-0001",
        "namespace": "debian:12",
        "feed": "vulnerabilities",
        "group": "debian:12",
        "package": MatchedPackage("libc6", "2.36-9", "deb", ("/var/lib/dpkg/status",), None),
        "matched_by": "distro-source",
        "searched_name": "glibc",
        "constraint": "< 2.36-9+deb12u1",
        "fix_versions": ["2.36-9+deb12u1"],
        "fix_state": "fixed",
        "will_not_fix": False,
        "severity": "High",
        "cvss": [
            {
                "version": "3.1",
                "vector": "AV:N",
                "base_score": 7.5,
                "exploitability_score": 3.9,
                "impact_score": 3.6,
                "source": "nvd@nist.gov",
            },
        ],
        "link": "https://security-tracker.debian.org/tracker/CVE-2024-0001",
        "aliases": [],
    }
    fields.update(kw)
    return Match(**fields)


def test_row_shape_for_os_package() -> None:
    row = vulnerability_row(make_match())
    assert (
        row["package"] == "libc6-2.36-9" and row["package_type"] == "dpkg" and row["package_path"] == "pkgdb"
    )
    assert row["fix"] == "2.36-9+deb12u1" and row["feed_group"] == "debian:12"
    assert row["package_cpe"] == "None" and row["package_cpe23"] == "None"
    nvd = row["nvd_data"][0]
    assert nvd["id"] == "CVE-2024-0001" and nvd["cvss_v3"]["base_score"] == 7.5
    assert nvd["cvss_v2"] == {"base_score": -1.0, "exploitability_score": -1.0, "impact_score": -1.0}
    assert row["vendor_data"] == []
    assert row["matched_by"] == "distro-source" and row["constraint"] == "< 2.36-9+deb12u1"
    assert "kev" not in row and "epss" not in row


def test_missing_values_and_language_package() -> None:
    pkg = MatchedPackage(
        "lodash", "4.17.20", "npm", ("/app/node_modules/lodash/package.json",), "pkg:npm/lodash@4.17.20"
    )
    m = make_match(
        vulnerability_id="GHSA-xxxx", package=pkg, fix_versions=["4.17.21", "5.0.0"], link=None, severity="",
        cvss=[{"version": "3.1", "base_score": "bad", "source": "github"}], aliases=["CVE-2021-23337"],
        kev={"dateAdded": "2024-01-01"}, epss={"epss": 0.5},
    )  # fmt: skip
    package = Package(
        name="lodash", version="4.17.20", type=PackageType.NPM, found_by="x",
        locations=[Location("/app/node_modules/lodash/package.json")],
        cpes=["cpe:2.3:a:lodash:lodash:4.17.20:*:*:*:*:*:*:*"],
    )  # fmt: skip
    row = report_rows([m], [package])[0]
    assert row["url"] == "None" and row["severity"] == "Unknown" and row["fix"] == "4.17.21,5.0.0"
    assert row["package_path"] == "/app/node_modules/lodash/package.json"
    assert (
        row["package_cpe23"].startswith("cpe:2.3:a:lodash")
        and row["package_cpe"] == "cpe:/a:lodash:lodash:4.17.20"
    )
    assert row["nvd_data"] == [] and row["vendor_data"][0]["cvss_v3"]["base_score"] == -1.0
    assert row["kev"] == {"dateAdded": "2024-01-01"} and row["epss"] == {"epss": 0.5}


def test_views_split_and_vendor_only() -> None:
    rows = report_rows(
        [
            make_match(),
            make_match(vulnerability_id="CVE-2024-0002", will_not_fix=True),
            make_match(package=MatchedPackage("flask", "1.0", "python", ("/site/flask",), None)),
        ],
        [],
    )
    assert [r["vuln"] for r in select_rows(rows, "os", True)] == ["CVE-2024-0001"]
    assert len(select_rows(rows, "os", False)) == 2
    assert [r["package_name"] for r in select_rows(rows, "non-os", True)] == ["flask"]
    assert len(select_rows(rows, "all", False)) == 3
    with pytest.raises(ValueError):
        select_rows(rows, "bogus", True)


def test_diff_added_removed_updated() -> None:
    old = report_rows([make_match(), make_match(vulnerability_id="CVE-2024-0002")], [])
    new = report_rows([make_match(severity="Critical"), make_match(vulnerability_id="CVE-2024-0003")], [])
    diff = diff_reports(old, new)
    assert [i["CVE_ID"] for i in diff["added"]] == ["CVE-2024-0003"]
    assert [i["CVE_ID"] for i in diff["removed"]] == ["CVE-2024-0002"]
    assert [(i["CVE_ID"], i["Severity"]) for i in diff["updated"]] == [("CVE-2024-0001", "Critical")]
    assert set(diff["added"][0]) == {
        "CVE_ID", "Severity", "Vulnerable_Package", "Fix_Available", "URL", "Package_Name",
        "Package_Version", "Package_Type", "Feed", "Feed_Group", "Package_Path",
    }  # fmt: skip
    assert is_empty(diff_reports(old, old)) and not is_empty(diff)
