from __future__ import annotations

from pathlib import Path

import pytest

from drydock.feeds.drivers import get_driver
from drydock.feeds.records import FixState

from .conftest import FEEDS, FIXTURES
from .golden import compare_os, load_snapshots

ORACLE = FIXTURES / "oracle"


def _golden(name: str, inputs: list[Path] | Path, snapshots: Path, **kw) -> dict:
    driver = get_driver(name)
    got = {(v.namespace, v.id.lower()): v for v in driver.parse(inputs)}
    assert driver.stats.skipped_total == 0, driver.stats.warnings
    expected = load_snapshots(snapshots)
    for key, env in expected.items():
        compare_os(env, got[key], **kw)
    return got


def test_oracle_golden():
    """mock_data -> ol:5/ol:6 snapshots. vunnel's fixture test only snapshots mock_data."""
    got = _golden("oracle", ORACLE / "mock_data", ORACLE / "snapshots")
    assert set(got) == set(load_snapshots(ORACLE / "snapshots"))


def test_oracle_ksplice_and_per_arch():
    ksplice = list(get_driver("oracle").parse(ORACLE / "mock_ksplice_data"))
    assert all("ksplice" not in v for r in ksplice for a in r.affected for v in a.fixed_versions)
    per_arch = list(get_driver("oracle").parse(ORACLE / "mock_per_arch_data"))
    arches = {a.arch for v in per_arch for a in v.affected}
    assert {"x86_64", "aarch64"} <= arches


def test_sles_golden():
    """Exclusion: we keep the advisory issue/update dates (``Metadata.Issued/Updated``); vunnel's
    SLES output drops them."""
    got = _golden(
        "sles",
        FIXTURES / "sles" / "suse_truncated.xml",
        FIXTURES / "sles" / "snapshots",
        metadata_drop=("Issued", "Updated"),
    )
    assert set(got) == set(load_snapshots(FIXTURES / "sles" / "snapshots"))
    not_affected = got[("sles:15", "cve-2026-34073")].affected[0]
    assert not_affected.fixed_versions == ["0"] and not_affected.fix_state is FixState.FIXED


def test_mariner_golden():
    """Exclusion: vunnel's fixture snapshots only the 2.0 file; Azure Linux 3.0 is checked loosely."""
    got = _golden("mariner", FIXTURES / "mariner", FIXTURES / "mariner" / "snapshots")
    expected = set(load_snapshots(FIXTURES / "mariner" / "snapshots"))
    mariner = {k for k in got if k[0] == "mariner:2.0"}
    # One 2.0 definition (glibc CVE-2023-0687) is "Not Applicable" yet listed "<= 2.35-4": vunnel
    # drops it by its <patchable> flag, we keep the published range.
    assert mariner - expected == {("mariner:2.0", "cve-2023-0687")}
    assert {k[0] for k in got} == {"mariner:2.0", "azurelinux:3.0"}


@pytest.mark.parametrize("path", sorted((FEEDS / "raw" / "oracle-oval").iterdir()), ids=lambda p: p.name)
def test_real_elsa_files(path):
    driver = get_driver("oracle")
    records = list(driver.parse(path))
    assert records and driver.stats.skipped_total == 0
    assert all(v.id.startswith("ELSA-") and v.namespace.startswith("ol:") for v in records)
    assert all(a.fixed_versions for v in records for a in v.affected)


def test_malicious_xml_is_refused_not_expanded(tmp_path):
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
        "<oval_definitions><definitions><definition id='x'>&lol2;</definition></definitions></oval_definitions>"
    )
    (tmp_path / "bomb.xml").write_text(bomb)
    (tmp_path / "truncated.xml").write_bytes((ORACLE / "mock_data").read_bytes()[:5000])
    driver = get_driver("oracle")
    assert list(driver.parse(tmp_path)) == []
    assert driver.stats.skipped == {"bad-file": 2}
    assert any("EntitiesForbidden" in w for w in driver.stats.warnings)


def test_red_hat_oval_v2_streams():
    driver = get_driver("rhel-oval")
    records = {(v.namespace, v.id): v for v in driver.parse(FEEDS / "raw" / "redhat-oval-v2")}
    assert driver.stats.files == 3 and driver.stats.skipped_total == 0
    assert {ns for ns, _ in records} == {"rhel:6", "rhel:7", "rhel:8"}
    unpatched = records[("rhel:8", "CVE-2020-10744")]
    assert {(a.name, a.fix_state) for a in unpatched.affected} == {
        ("ansible", FixState.NOT_FIXED),
        ("ansible-test", FixState.NOT_FIXED),
    }
    assert unpatched.affected[0].vulnerable_ranges == [[]]  # every version
    patched = records[("rhel:8", "CVE-2019-14904")].affected[0]
    assert patched.fixed_versions == ["0:2.9.4-1.el8ae"] and patched.advisories[0].id == "RHSA-2020:0215"
