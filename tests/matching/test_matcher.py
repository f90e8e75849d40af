"""Matcher against the real sample sets: just below, at and above fixed versions per distro and
ecosystem, unfixed/will-not-fix records, source packages, fallbacks, CPE policy, dedupe."""

from __future__ import annotations

import pytest

from drydock.analyzer.model import Distro, Location, PackageType
from drydock.feeds.records import (
    AffectedPackage,
    Constraint,
    CpeCriteria,
    Cvss,
    EpssScore,
    FixState,
    KevEntry,
    Severity,
    VersionFormat,
    Vulnerability,
)
from drydock.policy.matching.index import VulnerabilityIndex, index_from_records
from drydock.policy.matching.matcher import MatcherConfig, match_packages

from .conftest import pkg

T = PackageType

# (distro, package type, name, version just below fix, fix, above fix, vulnerability id, extra metadata)
FIX_CASES = [
    (Distro("alpine", "3.11.6"), T.APK, "binutils-avr", "2.31-r9", "2.32-r0", "2.32-r1", "CVE-2018-19931", {}),
    (Distro("debian", "11"), T.DEB, "chromium", "98.0.4758.80-1~deb11u0", "98.0.4758.80-1~deb11u1", "98.0.4758.80-1", "CVE-2022-0456", {}),
    (Distro("rhel", "9.4"), T.RPM, "python3.9", "3.9.18-3.el9_4.4", "3.9.18-3.el9_4.5", "3.9.18-3.el9_4.6", "CVE-2024-8088", {}),
    (Distro("amzn", "2022"), T.RPM, "vim-X11-debuginfo", "8.2.3511-1.amzn2022", "8.2.3512-1.amzn2022", "8.2.3512-2.amzn2022", "ALAS-2021-001", {}),
    (Distro("ol", "5"), T.RPM, "bind-devel", "30:9.3.3-7.el5", "30:9.3.3-8.el5", "30:9.3.4-1.el5", "ELSA-2007-0057", {}),
    (Distro("sles", "15"), T.RPM, "kernel-default", "4.12.14-150.72.0", "4.12.14-150.72.1", "4.12.14-150.73.1", "CVE-2021-29154", {}),
    (Distro("almalinux", "10.0"), T.RPM, "vim-data", "2:9.1.083-6.el10_1", "2:9.1.083-6.el10_1.1", "2:9.1.084-1.el10", "ALSA-2026:4715", {}),
    (Distro("wolfi", "20230201"), T.APK, "binutils", "2.39-r0", "2.39-r1", "2.40-r0", "CVE-2022-38126", {}),
    (Distro("ubuntu", "12.04"), T.DEB, "chromium-browser", "3.0.1271.97-0ubuntu0.12.04.0", "3.0.1271.97-0ubuntu0.12.04.1", "4.0-1", "CVE-2012-5124", {}),
    (Distro("mariner", "2.0"), T.RPM, "golang", "1.20.6-1.cm2", "1.20.7-1.cm2", "1.20.8-1.cm2", "CVE-2023-29404", {}),
    (Distro("azurelinux", "3.0"), T.RPM, "freeglut", "3.3.0-1.azl3", "3.4.0-1.azl3", "3.4.1-1.azl3", "CVE-2024-24258", {}),
    (None, T.PYTHON, "notebook", "5.4.1rc1", "5.4.1", "5.4.2", "GHSA-6cwv-x26c-w2q4", {}),
    (None, T.PYTHON, "AccessControl", "4.3.dev0", "4.3", "4.4", "PYSEC-2021-335", {}),
    (None, T.GO_MODULE, "github.com/gin-gonic/gin", "v1.6.0-rc.1", "v1.6.0", "v1.6.1", "GO-2020-0001", {}),
    (None, T.RUST_CRATE, "tar", "0.4.15", "0.4.16", "0.4.17", "RUSTSEC-2018-0002", {}),
    (None, T.NPM, "event-stream", "3.3.6", "4.0.0", "4.0.1", "GHSA-mh6f-8j2x-4483", {}),
    (None, T.NPM, "electron", "0.33.4", "0.33.5", "1.0.0", "GHSA-gvcj-pfq2-wxj7", {}),
    (None, T.GEM, "safemode", "1.3.1", "1.3.2", "1.3.3", "GHSA-5vx5-9q73-wgp4", {}),
    (None, T.PHP_COMPOSER, "league/commonmark", "0.18.2", "0.18.3", "0.19.0", "GHSA-3v43-877x-qgmq", {}),
    (None, T.DOTNET, "YamlDotNet", "4.3.2", "5.0.0", "5.0.1", "GHSA-rpch-cqj9-h65r", {}),
    (None, T.JAVA_ARCHIVE, "vertx-core", "4.5.1", "4.5.2", "4.5.3", "GHSA-5667-3wch-7q7w",
     {"PomProperties": {"groupId": "io.vertx", "artifactId": "vertx-core"}}),
]


def _ids(index: VulnerabilityIndex, distro: Distro | None, *packages) -> set[str]:  # type: ignore[no-untyped-def]
    return {m.vulnerability_id for m in match_packages(index, distro, list(packages)).matches}


@pytest.mark.parametrize(("distro", "type_", "name", "below", "fix", "above", "vuln", "meta"), FIX_CASES, ids=[c[6] + ":" + c[2] for c in FIX_CASES])
def test_below_at_above_fix(real_index: VulnerabilityIndex, distro, type_, name, below, fix, above, vuln, meta) -> None:  # type: ignore[no-untyped-def]
    assert vuln in _ids(real_index, distro, pkg(name, below, type_, **meta)), f"{name} {below} should be vulnerable"
    assert vuln not in _ids(real_index, distro, pkg(name, fix, type_, **meta)), f"{name} {fix} is the fix"
    assert vuln not in _ids(real_index, distro, pkg(name, above, type_, **meta)), f"{name} {above} is past the fix"


def test_match_fields(real_index: VulnerabilityIndex) -> None:
    (m,) = [x for x in match_packages(real_index, Distro("alpine", "3.11.6"), [pkg("binutils-avr", "2.31-r9", T.APK)]).matches if x.vulnerability_id == "CVE-2018-19931"]
    assert (m.namespace, m.feed, m.group, m.matched_by) == ("alpine:3.11", "vulnerabilities", "alpine:3.11", "distro-binary")
    assert m.fix_versions == ["2.32-r0"] and m.constraint == "< 2.32-r0" and not m.will_not_fix
    assert m.package.name == "binutils-avr" and m.package.locations == ("/test/binutils-avr",)


def test_rpm_epoch_rules(real_index: VulnerabilityIndex) -> None:
    ol = Distro("ol", "5")
    # No epoch on the package: it takes the record's (30), so 9.3.3-7 is below 30:9.3.3-8.
    assert "ELSA-2007-0057" in _ids(real_index, ol, pkg("bind-devel", "9.3.3-7.el5", T.RPM))
    assert "ELSA-2007-0057" not in _ids(real_index, ol, pkg("bind-devel", "9.3.3-8.el5", T.RPM))
    # An explicit lower epoch loses whatever the version says.
    assert "ELSA-2007-0057" in _ids(real_index, ol, pkg("bind-devel", "29:10.0-1.el5", T.RPM))


def test_module_streams(real_index: VulnerabilityIndex) -> None:
    rhel8 = Distro("rhel", "8.8")
    # Fixed in the ruby:2.5 stream, but below the ruby:2.7 stream's fix (2.7.8-139).
    v25 = "2.5.9-111.module+el8.9.0+19193+435404ae"
    assert "CVE-2021-33621" not in _ids(real_index, rhel8, pkg("ruby", v25, T.RPM, ModularityLabel="ruby:2.5:8090020230000:abc"))
    assert "CVE-2021-33621" in _ids(real_index, rhel8, pkg("ruby", v25, T.RPM, ModularityLabel="ruby:2.7:8090020230000:abc"))
    # Only one side has a label: the version decides (below every stream's fix here).
    assert "CVE-2021-33621" in _ids(real_index, rhel8, pkg("ruby", v25, T.RPM))


def test_fix_zero_means_not_affected(real_index: VulnerabilityIndex) -> None:
    assert "CVE-2019-25059" not in _ids(real_index, Distro("rhel", "6"), pkg("ghostscript", "8.70-1.el6", T.RPM))


def test_unfixed_and_will_not_fix(real_index: VulnerabilityIndex) -> None:
    matches = match_packages(real_index, Distro("debian", "10"), [pkg("chromium", "90.0-1", T.DEB)]).matches
    (wnf,) = [m for m in matches if m.vulnerability_id == "CVE-2022-0456"]
    assert wnf.will_not_fix and wnf.fix_versions == [] and wnf.constraint is None
    (unfixed,) = [m for m in match_packages(real_index, None, [pkg("markdown2", "2.3.5", T.PYTHON)]).matches if m.vulnerability_id == "GHSA-p6h9-gw49-rqm4"]
    assert unfixed.fix_state == "not-fixed" and not unfixed.will_not_fix
    assert "GHSA-p6h9-gw49-rqm4" not in _ids(real_index, None, pkg("markdown2", "2.3.6", T.PYTHON))
    no_advisory = match_packages(real_index, Distro("rhel", "5"), [pkg("openssl", "0.9.8e-1", T.RPM)]).matches
    assert any(m.vulnerability_id == "CVE-2016-2179" and m.will_not_fix for m in no_advisory)


def test_unfixed_all_versions(real_index: VulnerabilityIndex) -> None:
    assert "PYSEC-2022-43059" in _ids(real_index, None, pkg("aiohttp", "99.0", T.PYTHON))


def test_source_package_matching(real_index: VulnerabilityIndex) -> None:
    distro = Distro("debian", "9")
    binary = pkg("libjs-prototype", "1.6.0.2-0", T.DEB, Source="prototypejs")
    (m,) = [x for x in match_packages(real_index, distro, [binary]).matches if x.vulnerability_id == "CVE-2008-7220"]
    assert m.matched_by == "distro-source" and m.searched_name == "prototypejs"
    assert "CVE-2008-7220" not in _ids(real_index, distro, pkg("libjs-prototype", "1.6.0.2-1", T.DEB, Source="prototypejs"))
    # dpkg "Source: name (version)": the source version is the one the tracker speaks of.
    rebuilt = pkg("libjs-prototype", "1.6.0.2-1+b1", T.DEB, Source="prototypejs (1.6.0.2-0)", SourceVersion="1.6.0.2-0")
    assert "CVE-2008-7220" in _ids(real_index, distro, rebuilt)


def test_rpm_and_apk_source_names() -> None:
    vuln = Vulnerability("CVE-1", "rhel:9", affected=[AffectedPackage("openssl", VersionFormat.RPM, ["1:3.0.7-2.el9"])])
    apk = Vulnerability("CVE-2", "alpine:3.18", affected=[AffectedPackage("openssl", VersionFormat.APK, ["3.1.4-r0"])])
    index = index_from_records([vuln, apk])
    libs = pkg("openssl-libs", "1:3.0.7-1.el9", T.RPM, SourceRpm="openssl-3.0.7-1.el9.src.rpm")
    assert [(m.vulnerability_id, m.matched_by) for m in match_packages(index, Distro("rocky", "9.3"), [libs]).matches] == [("CVE-1", "distro-source")]
    libcrypto = pkg("libcrypto3", "3.1.3-r0", T.APK, OriginPackage="openssl")
    assert [m.matched_by for m in match_packages(index, Distro("alpine", "3.18.4"), [libcrypto]).matches] == ["distro-source"]


def test_namespace_fallback_and_missing_data(real_index: VulnerabilityIndex) -> None:
    result = match_packages(real_index, Distro("centos", "9"), [pkg("python3.9", "3.9.18-3.el9_4.4", T.RPM)])
    assert result.namespaces == ["rhel:9"] and any(m.vulnerability_id == "CVE-2024-8088" for m in result.matches)
    missing = match_packages(real_index, Distro("debian", "99"), [pkg("bash", "5.0-1", T.DEB)])
    assert missing.matches == [] and "no vulnerability data" in missing.problems[0]


def test_unparseable_version_is_counted_not_matched(real_index: VulnerabilityIndex) -> None:
    result = match_packages(real_index, Distro("alpine", "3.11"), [pkg("binutils-avr", "not a version!", T.APK)])
    assert result.matches == [] and result.unparseable_versions >= 1


def _nvd_and_ghsa() -> VulnerabilityIndex:
    nvd = Vulnerability(
        "CVE-2023-32681", "nvd", Severity.MEDIUM, cvss=[Cvss("3.1", "AV:N", 6.1)],
        affected=[
            AffectedPackage(
                "python:requests", VersionFormat.CPE, vulnerable_ranges=[[Constraint("<", "2.31.0")]],
                cpe_criteria=[CpeCriteria("cpe:2.3:a:python:requests:*:*:*:*:*:*:*:*", version_end_excluding="2.31.0")],
            )
        ],
    )
    ghsa = Vulnerability(
        "GHSA-j8r2-6x86-q33q", "github:python", Severity.MEDIUM, aliases=["CVE-2023-32681"],
        affected=[AffectedPackage("requests", VersionFormat.PEP440, ["2.31.0"], fix_state=FixState.FIXED)],
    )
    kev = KevEntry("CVE-2023-32681", "Python", "requests", "leak", "2023-06-01", "d", "patch", "2023-07-01")
    epss = EpssScore("CVE-2023-32681", 0.5, 0.9, "2024-01-01")
    return index_from_records([nvd, ghsa, kev, epss])


def test_cpe_off_by_default_when_an_ecosystem_exists() -> None:
    index = _nvd_and_ghsa()
    requests = pkg("requests", "2.30.0", T.PYTHON, cpes=["cpe:2.3:a:python:requests:2.30.0:*:*:*:*:*:*:*"])
    (m,) = match_packages(index, None, [requests]).matches
    assert m.matched_by == "ecosystem" and m.related == []
    assert m.kev is not None and m.kev["cve_id"] == "CVE-2023-32681" and m.epss == {"epss": 0.5, "percentile": 0.9, "date": "2024-01-01"}
    assert [x.matched_by for x in match_packages(index, None, [requests], MatcherConfig(cpe="off")).matches] == ["ecosystem"]


def test_cpe_for_binaries_and_dedupe_when_enabled() -> None:
    index = _nvd_and_ghsa()
    binary = pkg("requests", "2.30.0", T.BINARY, cpes=["cpe:2.3:a:python:requests:2.30.0:*:*:*:*:*:*:*"])
    (m,) = match_packages(index, None, [binary]).matches
    assert (m.vulnerability_id, m.matched_by, m.namespace, m.feed, m.group) == ("CVE-2023-32681", "cpe", "nvd", "nvdv2", "nvdv2:cves")
    assert match_packages(index, None, [binary], MatcherConfig(cpe="off")).matches == []
    fixed = pkg("requests", "2.31.0", T.BINARY, cpes=["cpe:2.3:a:python:requests:2.31.0:*:*:*:*:*:*:*"])
    assert match_packages(index, None, [fixed]).matches == []
    wrong_vendor = pkg("requests", "2.30.0", T.BINARY, cpes=["cpe:2.3:a:other:requests:2.30.0:*:*:*:*:*:*:*"])
    assert match_packages(index, None, [wrong_vendor]).matches == []
    python = pkg("requests", "2.30.0", T.PYTHON, cpes=["cpe:2.3:a:python:requests:2.30.0:*:*:*:*:*:*:*"])
    (both,) = match_packages(index, None, [python], MatcherConfig(cpe="all")).matches
    assert both.matched_by == "ecosystem" and [(r.vulnerability_id, r.matched_by) for r in both.related] == [("CVE-2023-32681", "cpe")]


def test_real_nvd_cpe_match(real_index: VulnerabilityIndex) -> None:
    gitlab = pkg("gitlab", "15.5.6", T.BINARY, cpes=["cpe:2.3:a:gitlab:gitlab:15.5.6:*:*:*:*:*:*:*"])
    assert "CVE-2023-0042" in _ids(real_index, None, gitlab)
    patched = pkg("gitlab", "15.5.7", T.BINARY, cpes=["cpe:2.3:a:gitlab:gitlab:15.5.7:*:*:*:*:*:*:*"])
    assert "CVE-2023-0042" not in _ids(real_index, None, patched)


def test_maven_name_from_purl(real_index: VulnerabilityIndex) -> None:
    jar = pkg("vertx-core", "4.5.1", T.JAVA_ARCHIVE, purl="pkg:maven/io.vertx/vertx-core@4.5.1")
    assert "GHSA-5667-3wch-7q7w" in _ids(real_index, None, jar)
    assert "GHSA-5667-3wch-7q7w" not in _ids(real_index, None, pkg("vertx-core", "4.5.1", T.JAVA_ARCHIVE))


def test_nested_archive_is_reported_by_its_access_path(real_index: VulnerabilityIndex) -> None:
    jar = pkg("vertx-core", "4.5.1", T.JAVA_ARCHIVE, purl="pkg:maven/io.vertx/vertx-core@4.5.1")
    jar.locations = [Location("/srv/app.war", access_path="/srv/app.war:WEB-INF/lib/vertx-core-4.5.1.jar")]
    matches = match_packages(real_index, None, [jar]).matches
    [match] = [m for m in matches if m.vulnerability_id == "GHSA-5667-3wch-7q7w"]
    assert match.package.locations == ("/srv/app.war:WEB-INF/lib/vertx-core-4.5.1.jar",)


def test_python_name_normalisation(real_index: VulnerabilityIndex) -> None:
    assert "PYSEC-2021-335" in _ids(real_index, None, pkg("accesscontrol", "4.2", T.PYTHON))
    assert "PYSEC-2019-152" in _ids(real_index, None, pkg("Ironic_Inspector", "5.0.1", T.PYTHON))
    assert "PYSEC-2019-152" not in _ids(real_index, None, pkg("Ironic_Inspector", "5.0.2", T.PYTHON))


def test_unparseable_record_is_counted_not_matched() -> None:
    bad = Vulnerability("CVE-3", "debian:12", affected=[AffectedPackage("bind9", VersionFormat.DPKG, ["9.10.4_p5-2"])])
    good = Vulnerability("CVE-4", "debian:12", affected=[AffectedPackage("bind9", VersionFormat.DPKG, ["9.18.1-1"])])
    index = index_from_records([bad, good])
    for _ in range(2):  # the parse failure is remembered, and still only counted
        result = match_packages(index, Distro("debian", "12"), [pkg("bind9", "9.10.1-1", T.DEB)])
        assert [m.vulnerability_id for m in result.matches] == ["CVE-4"] and result.invalid_constraints == 1


def test_ecosystem_from_purl_when_type_says_nothing(real_index: VulnerabilityIndex) -> None:
    crate = pkg("tar", "0.4.15", T.UNKNOWN, purl="pkg:cargo/tar@0.4.15")
    (m,) = [x for x in match_packages(real_index, None, [crate]).matches if x.vulnerability_id == "RUSTSEC-2018-0002"]
    assert (m.matched_by, m.namespace) == ("ecosystem", "rustsec:rust")


def test_alpine_fixes_on_several_branches() -> None:
    """secdb lists one fix per release branch: each branch is fixed from its own fix on."""
    from drydock.feeds.records import AffectedPackage, VersionFormat
    from drydock.feeds.store import constraint_text
    from drydock.policy.matching.index import parse_constraint
    from drydock.versions import get_scheme

    affected = AffectedPackage(name="busybox", version_format=VersionFormat.APK, fixed_versions=["1.30.1-r2", "1.29.3-r10"])
    constraint = parse_constraint(constraint_text(affected) or "", "apk")
    apk = get_scheme("apk")
    vulnerable = {v: constraint.satisfied_by(apk.parse(v)) for v in ("1.29.3-r9", "1.29.3-r12", "1.30.1-r1", "1.30.1-r2", "1.31.0-r0")}
    assert vulnerable == {"1.29.3-r9": True, "1.29.3-r12": False, "1.30.1-r1": True, "1.30.1-r2": False, "1.31.0-r0": False}


def test_fix_dates_from_the_upstream(real_index: VulnerabilityIndex) -> None:
    """Red Hat dates each stream's fix by its advisory; the match's date is the earliest fix
    above the package's version (here the EUS one), and a record without dates gives none."""
    from datetime import UTC, datetime

    from drydock.policy.matching.matcher import FixDate

    rhel = match_packages(real_index, Distro("rhel", "9.4"), [pkg("python3.9", "3.9.18-3.el9_4.4", T.RPM)]).matches
    (m,) = [x for x in rhel if x.vulnerability_id == "CVE-2024-8088"]
    assert m.fix_available == [
        FixDate("0:3.9.18-3.el9_4.5", "2024-09-03", "advisory"),
        FixDate("0:3.9.19-8.el9", "2024-11-12", "advisory"),
    ]
    assert m.fix_observed_at == datetime(2024, 9, 3, tzinfo=UTC)
    alpine = match_packages(real_index, Distro("alpine", "3.11.6"), [pkg("binutils-avr", "2.31-r9", T.APK)]).matches
    assert all(x.fix_available == [] and x.fix_observed_at is None for x in alpine)


def test_fix_date_is_the_next_fix_on_the_package_branch() -> None:
    """Two secdb branch fixes dated apart: 1.30.1-r1 is fixed by 1.30.1-r2 (its branch), so
    the older 1.29 backport's date says nothing about it."""
    from datetime import UTC, datetime

    from drydock.feeds.records import FixAvailability

    def record(fix: str, date: str) -> Vulnerability:
        affected = AffectedPackage("busybox", VersionFormat.APK, [fix], fix_state=FixState.FIXED, fix_available=FixAvailability(date, "advisory"))
        return Vulnerability("CVE-2019-5747", "alpine:3.10", affected=[affected])

    index = index_from_records([record("1.29.3-r10", "2019-01-10"), record("1.30.1-r2", "2020-06-01")])
    alpine = Distro("alpine", "3.10.2")
    (on_130,) = match_packages(index, alpine, [pkg("busybox", "1.30.1-r1", T.APK)]).matches
    assert on_130.fix_observed_at == datetime(2020, 6, 1, tzinfo=UTC) and len(on_130.fix_available) == 2
    (on_129,) = match_packages(index, alpine, [pkg("busybox", "1.29.3-r9", T.APK)]).matches
    assert on_129.fix_observed_at == datetime(2019, 1, 10, tzinfo=UTC)
