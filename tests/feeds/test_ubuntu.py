from __future__ import annotations

from drydock.feeds.drivers import get_driver
from drydock.feeds.drivers.ubuntu import parse_uct_text, release_namespace
from drydock.feeds.records import FixState

from .conftest import FEEDS, FIXTURES
from .golden import compare_os, load_snapshots

UCT = FEEDS / "raw" / "ubuntu-cve-tracker"


def test_normalized_uct_golden():
    """Legacy releases come from UCT data; vunnel's normalised JSON -> os records.

    Exclusions: ``Available`` (vunnel fix-date database); ``Description`` (vunnel's UCT
    normaliser does not carry it, we do).
    """
    snapshots = FIXTURES / "ubuntu" / "snapshots"
    expected = {k: v for k, v in load_snapshots(snapshots).items() if k[0].startswith("ubuntu:")}
    driver = get_driver("ubuntu")
    got = {(v.namespace, v.id.lower()): v for v in driver.parse(FIXTURES / "ubuntu" / "normalized-cve-data")}
    # Exclusion: vunnel's fixture limits legacy output to releases up to 13.04; the same data
    # also fixes CVE-2013-6627 in saucy (13.10), which we keep.
    assert set(got) - set(expected) == {("ubuntu:13.10", "cve-2013-6627")}
    for key, env in expected.items():
        compare_os(env, got[key], vuln_drop=("Description",))
    assert driver.stats.skipped_total == 0


def test_uct_text_edge_cases():
    driver = get_driver("ubuntu")
    records = list(driver.parse(sorted(UCT.iterdir())))  # upstream names are CVE-*, these are renamed
    assert driver.stats.files == 10 and driver.stats.skipped_total == 0
    # notes_with_continuation_lines lists only an "upstream" status: no release is affected.
    assert len({v.id for v in records}) == 9

    pending = parse_uct_text((UCT / "include_pending").read_text())
    status = {(p.release, p.status, p.version) for p in pending.patches}
    assert ("eoan", "pending", "4.15.0-1087.97") in status
    nospace = parse_uct_text((UCT / "no_space_before_status").read_text())
    assert ("trusty/esm", "needed") in {(p.release, p.status) for p in nospace.patches}
    tags = parse_uct_text((UCT / "tags_field_parsing").read_text())
    upstream = next(p for p in tags.patches if p.release == "upstream")
    assert upstream.version == "5.3.18, 5.2.20"

    by_ns = {(v.namespace, v.id): v for v in get_driver("ubuntu").parse_file(UCT / "include_pending")}
    eoan = by_ns[("ubuntu:19.10", pending.cve)].affected[0]
    assert eoan.fix_state is FixState.NOT_FIXED and eoan.fixed_versions == []
    xenial = by_ns[("ubuntu:16.04", pending.cve)].affected[0]
    assert xenial.fix_state is FixState.WONT_FIX


def test_blank_lines_and_continuations_kept_in_description():
    record = parse_uct_text((UCT / "blank_lines_in_description").read_text())
    assert record.description and record.priority
    notes = parse_uct_text((UCT / "notes_with_continuation_lines").read_text())
    assert notes.cve.startswith("CVE-")


def test_release_namespaces():
    assert release_namespace("trusty") == "ubuntu:14.04"
    assert release_namespace("trusty/esm") == "ubuntu:14.04+esm"
    assert release_namespace("esm-infra/xenial") == "ubuntu:16.04+esm"
    assert release_namespace("devel") is None and release_namespace("upstream") is None


def test_uct_without_candidate_is_a_counted_bad_file(tmp_path):
    (tmp_path / "CVE-broken").write_text("PublicDate: yesterday\nxenial_foo: released (1.0)\n")
    driver = get_driver("ubuntu")
    assert list(driver.parse(tmp_path)) == []
    assert driver.stats.skipped == {"bad-file": 1}


def test_openvex_documents():
    driver = get_driver("ubuntu")
    records = {(v.namespace, v.id): v for v in driver.parse(FIXTURES / "ubuntu" / "vex")}
    assert driver.stats.skipped_total == 0
    jammy = records[("ubuntu:22.04", "CVE-2023-38545")].affected
    assert [(a.name, a.fixed_versions, a.fix_state) for a in jammy] == [
        ("curl", ["7.81.0-1ubuntu1.24"], FixState.FIXED)
    ]
    xenial = records[("ubuntu:16.04", "CVE-2023-38545")].affected[0]
    assert xenial.fix_state is FixState.NOT_FIXED and xenial.affected_versions == ["7.47.0-1ubuntu2.19"]
    esm = records[("ubuntu:16.04+esm", "CVE-2023-38545")].affected[0]
    assert esm.fixed_versions == ["0"]


def test_openvex_agrees_with_osv_for_the_same_cve():
    """CVE-2016-20013 is published both as OSV and OpenVEX: packages both list have one state.

    (The two exports were taken at different times, so each lists a few packages the other lacks.)
    """
    vex = {
        (v.namespace, v.id): v
        for v in get_driver("ubuntu").parse(FIXTURES / "ubuntu" / "vex" / "cve" / "2016")
    }
    osv = {
        (v.namespace, v.id.removeprefix("UBUNTU-")): v
        for v in get_driver("ubuntu").parse(FIXTURES / "ubuntu" / "osv" / "cve" / "2016")
    }
    common = set(vex) & set(osv)
    assert len(common) >= 5
    compared = 0
    for key in common:
        vex_state = {a.name: a.fix_state for a in vex[key].affected}
        osv_state = {a.name: a.fix_state for a in osv[key].affected if a.purl}  # OSV-listed, not Pro-derived
        for name in vex_state.keys() & osv_state.keys():
            assert vex_state[name] == osv_state[name], (key, name)
            compared += 1
    assert compared >= 10
