"""The adapter from the matcher's output to what the vulnerability gates read, on real Debian
feed records and on a match carrying NVD and vendor CVSS scores."""

from __future__ import annotations

from datetime import timedelta

from drydock.analyzer.model import Distro, ImageAnalysis, Location, Package, PackageType
from drydock.feeds.drivers import get_driver
from drydock.policy.evaluate import evaluate
from drydock.policy.matching.index import index_from_records
from drydock.policy.matching.matcher import Match, MatchedPackage, match_packages
from drydock.policy.runner import vulnerabilities_for
from drydock.policy.validation import compile_bundle
from drydock.policy.vulndata import CvssScores, Detections, view_from_matches
from tests.policy.factory import DEBIAN_FEED, NOW, bundle_doc, context, fire, rows, rule


def test_real_matches_drive_the_package_trigger() -> None:
    index = index_from_records(get_driver("debian").parse(DEBIAN_FEED))
    chromium = Package(
        "chromium", "97.0.4692.99-1", PackageType.DEB, "test", locations=[Location("/var/lib/dpkg/status")]
    )
    analysis = ImageAnalysis(source={}, distro=Distro("debian", "12"), packages=[chromium])
    view = vulnerabilities_for(
        analysis, match_packages(index, analysis.distro, analysis.packages), NOW, Detections(NOW)
    )
    assert view.data_available and any(m.vulnerability_id == "CVE-2022-0456" for m in view.matches)
    ctx = context(analysis, view)
    fired = fire("vulnerabilities", "package", ctx, package_type="os", fix_available="true")
    assert any(
        m.endswith(
            "(fixed in: 98.0.4758.80-1)(CVE-2022-0456 - https://security-tracker.debian.org/tracker/CVE-2022-0456)"
        )
        for m in fired
    ), fired
    assert not fire("vulnerabilities", "vulnerability_data_unavailable", ctx)
    plan9 = ImageAnalysis(source={}, distro=Distro("plan9", "4"), packages=[chromium])
    unknown_distro = vulnerabilities_for(
        plan9, match_packages(index, plan9.distro, plan9.packages), None, Detections(None)
    )
    assert not unknown_distro.data_available
    assert fire("vulnerabilities", "vulnerability_data_unavailable", context(analysis, unknown_distro))


def test_adapter_splits_nvd_and_vendor_scores() -> None:
    match = Match(
        vulnerability_id="GHSA-xxxx",
        namespace="github:java",
        feed="github",
        group="github:java",
        package=MatchedPackage(
            "log4j-core", "2.14.1", "java-archive", ("/app/lib/log4j-core-2.14.1.jar",), None
        ),
        matched_by="ecosystem",
        searched_name="org.apache.logging.log4j:log4j-core",
        constraint="< 2.15.0",
        fix_versions=["2.15.0"],
        fix_state="fixed",
        will_not_fix=False,
        severity="Critical",
        cvss=[
            {
                "version": "3.1",
                "vector": "AV:N",
                "base_score": 10.0,
                "exploitability_score": 3.9,
                "impact_score": 6.0,
                "source": "nvd@nist.gov",
            },
            {
                "version": "3.1",
                "vector": "AV:N",
                "base_score": 9.0,
                "exploitability_score": "bad",
                "source": "security-advisories@github.com",
            },
            {"version": "2.0", "vector": "AV:N", "base_score": 9.3, "source": "nvd@nist.gov"},
        ],
        link="https://github.com/advisories/GHSA-xxxx",
        aliases=["CVE-2021-44228"],
        fix_observed_at=NOW - timedelta(days=3),
    )
    [v] = view_from_matches([match], data_available=True, last_sync=NOW, detected=Detections(NOW)).matches
    assert v.fix_observed_at == NOW - timedelta(days=3) and v.detected_at == NOW
    assert v.nvd_cvss_v3 == (CvssScores(10.0, 3.9, 6.0),) and v.vendor_cvss_v3 == (
        CvssScores(9.0, -1.0, -1.0),
    )
    assert (
        not v.is_os and v.package_path == "/app/lib/log4j-core-2.14.1.jar" and v.fix_versions == ("2.15.0",)
    )
    ctx = context(
        ImageAnalysis(source={}),
        view_from_matches([match], data_available=True, last_sync=NOW, detected=Detections(NOW)),
    )
    result = evaluate(
        compile_bundle(
            bundle_doc([rule("vulnerabilities", "package", package_type="non-os", cvss_v3_base_score="9.5")])
        ),
        ctx,
    )
    assert [r[2] for r in rows(result)] == ["GHSA-xxxx+log4j-core-2.14.1.jar"]


def test_detection_times_are_the_recorded_ones() -> None:
    """A match the image's history saw 60 days ago is that old; one it never saw is detected
    now, so ``max_days_since_creation=30`` fires on the first only."""
    package = MatchedPackage("openssl", "1.0", "deb", (), None)

    def match(vid: str) -> Match:
        return Match(vid, "debian:12", "vulnerabilities", "debian:12", package, "distro-binary", "openssl",
                     None, [], "not-fixed", False, "High", [], None, [])  # fmt: skip

    old = NOW - timedelta(days=60)
    first = {("CVE-OLD", "openssl", "1.0", "dpkg", "pkgdb"): old}
    view = view_from_matches(
        [match("CVE-OLD"), match("CVE-NEW")],
        data_available=True,
        last_sync=NOW,
        detected=Detections(NOW, first),
    )
    assert [m.detected_at for m in view.matches] == [old, NOW]
    ctx = context(ImageAnalysis(source={}, distro=Distro("debian", "12")), view)
    fired = fire("vulnerabilities", "package", ctx, package_type="all", max_days_since_creation="30")
    assert [m.split("(")[-1].split(" ")[0] for m in fired] == ["CVE-OLD"]
