"""Store round trip, generation, enable/delete, on both backends."""

from __future__ import annotations

import uuid

import pytest

from drydock.core.db import Database
from drydock.feeds import store
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


def namespace() -> str:
    return f"testos:{uuid.uuid4().hex[:8]}"


def vuln(ns: str, vid: str = "CVE-2024-0001", fix: str = "1.2-3") -> Vulnerability:
    return Vulnerability(
        id=vid,
        namespace=ns,
        severity=Severity.HIGH,
        description="a bug",
        link="https://example/CVE",
        cvss=[Cvss("3.1", "CVSS:3.1/AV:N", 7.5, source="nvd")],
        aliases=["GHSA-xxxx"],
        references=["https://ref"],
        published="2024-01-01T00:00:00Z",
        affected=[
            AffectedPackage("openssl", VersionFormat.DPKG, [fix], fix_state=FixState.FIXED, is_source=True, module=None),
            AffectedPackage("libfoo", VersionFormat.DPKG, vulnerable_ranges=[[Constraint(">=", "1.0"), Constraint("<", "2.0")]]),
            AffectedPackage("wnf", VersionFormat.DPKG, fix_state=FixState.WONT_FIX, no_advisory=True),
            AffectedPackage("x:y", VersionFormat.CPE, cpe_criteria=[CpeCriteria("cpe:2.3:a:x:y:*:*:*:*:*:*:*:*")]),
        ],
        metadata={"vendor_status": "released"},
    )


def test_round_trip(db: Database) -> None:
    ns = namespace()
    record = vuln(ns)
    with db.session() as s:
        write = store.replace_group(s, store.GroupData("vulnerabilities", ns, "test", [record]))
    assert write.written and write.records == 1
    with db.session() as s:
        (data,) = list(store.group_records(s, ns))
        assert data == store.plain(record)
        rows = s.query(store.AffectedPackageRow).filter_by(group_name=ns).order_by(store.AffectedPackageRow.name).all()
        assert [(r.name, r.constraint, r.fix_state, r.is_source, r.no_advisory) for r in rows] == [
            ("libfoo", ">= 1.0, < 2.0", "unknown", False, False),
            ("openssl", "< 1.2-3", "fixed", True, False),
            ("wnf", None, "wont-fix", False, True),
            ("x:y", None, "unknown", False, False),
        ]
        group = store.get_group(s, "vulnerabilities", ns)
        assert group.record_count == 1 and group.last_sync is not None and group.driver == "test"


def test_generation_moves_only_on_change(db: Database) -> None:
    ns = namespace()
    with db.session() as s:
        before = store.generation(s)
        store.replace_group(s, store.GroupData("vulnerabilities", ns, "test", [vuln(ns)]))
    with db.session() as s:
        after_write = store.generation(s)
        assert after_write > before
        unchanged = store.replace_group(s, store.GroupData("vulnerabilities", ns, "test", [vuln(ns)]))
    assert not unchanged.written
    with db.session() as s:
        assert store.generation(s) == after_write
        store.replace_group(s, store.GroupData("vulnerabilities", ns, "test", [vuln(ns, fix="1.2-4")]))
    with db.session() as s:
        assert store.generation(s) > after_write
        assert [r["affected"][0]["fixed_versions"] for r in store.group_records(s, ns)] == [["1.2-4"]]


def test_replace_drops_old_records(db: Database) -> None:
    ns = namespace()
    with db.session() as s:
        store.replace_group(s, store.GroupData("vulnerabilities", ns, "t", [vuln(ns, "CVE-1"), vuln(ns, "CVE-2")]))
    with db.session() as s:
        store.replace_group(s, store.GroupData("vulnerabilities", ns, "t", [vuln(ns, "CVE-3")]))
    with db.session() as s:
        assert [r["id"] for r in store.group_records(s, ns)] == ["CVE-3"]
        assert store.count_records(s, ns) == 1


def test_enable_disable_delete(db: Database) -> None:
    ns = namespace()
    with db.session() as s:
        store.replace_group(s, store.GroupData("vulnerabilities", ns, "t", [vuln(ns)]))
    with db.session() as s:
        gen = store.generation(s)
        assert not store.set_group_enabled(s, "vulnerabilities", ns, False).enabled
    with db.session() as s:
        assert store.generation(s) > gen
        assert not store.get_group(s, "vulnerabilities", ns).enabled
        store.set_group_enabled(s, "vulnerabilities", ns, True)
    with db.session() as s:
        store.delete_group(s, "vulnerabilities", ns)
    with db.session() as s:
        assert store.count_records(s, ns) == 0
        with pytest.raises(store.UnknownFeed):
            store.get_group(s, "vulnerabilities", ns)
        with pytest.raises(store.UnknownFeed):
            store.set_feed_enabled(s, "no-such-feed", True)


def test_enrichment_groups(db: Database) -> None:
    kev = KevEntry("CVE-2021-44228", "Apache", "Log4j", "Log4Shell", "2021-12-10", "rce", "patch", "2021-12-24", "Known", cwes=("CWE-20",))
    epss = [EpssScore("CVE-2021-44228", 0.97, 0.99, "2024-01-01"), EpssScore("CVE-2021-44228", 0.96, 0.99, "2024-01-02")]
    groups = store.partition([kev, *epss], "test")
    assert set(groups) == {store.KEV_GROUP, store.EPSS_GROUP}
    assert len(groups[store.EPSS_GROUP].records) == 1  # one score per CVE, the last one read
    with db.session() as s:
        for data in groups.values():
            store.replace_group(s, data, force=True)
    with db.session() as s:
        (k,) = [r for r in store.group_records(s, store.KEV_GROUP) if r["cve_id"] == "CVE-2021-44228"]
        assert k["cwes"] == ["CWE-20"] and k["known_ransomware_campaign_use"] == "Known"
        assert [r["epss"] for r in store.group_records(s, store.EPSS_GROUP) if r["cve"] == "CVE-2021-44228"] == [0.96]


def test_placement_and_merge() -> None:
    assert store.placement(vuln("nvd")) == ("nvdv2", "nvdv2:cves")
    assert store.placement(vuln("debian:12")) == ("vulnerabilities", "debian:12")
    a = Vulnerability("CVE-1", "rhel:8", affected=[AffectedPackage("ruby", VersionFormat.RPM, ["0:2.7-1"], module="ruby:2.7")])
    b = Vulnerability("CVE-1", "rhel:8", affected=[AffectedPackage("ruby", VersionFormat.RPM, ["0:3.1-1"], module="ruby:3.1")])
    c = Vulnerability("CVE-1", "rhel:8", affected=[AffectedPackage("ruby", VersionFormat.RPM, ["0:2.7-2"], module="ruby:2.7")])
    (merged,) = store.partition([a, b, c], "t")["rhel:8"].records
    assert isinstance(merged, Vulnerability)
    assert [(x.module, x.fixed_versions) for x in merged.affected] == [("ruby:2.7", ["0:2.7-1", "0:2.7-2"]), ("ruby:3.1", ["0:3.1-1"])]
    assert store.constraint_text(merged.affected[0]) == "< 0:2.7-1, < 0:2.7-2"
