from __future__ import annotations

import dataclasses
import json

import pytest

from drydock.feeds.drivers import get_driver
from drydock.feeds.drivers.osv import events_to_ranges, render_ranges, resolve_ecosystem
from drydock.feeds.records import Constraint, FixState, VersionFormat, Vulnerability

from .conftest import FEEDS, FIXTURES
from .golden import validate


def _without_fix_dates(v: Vulnerability, *, drop_withdrawn: bool = False) -> Vulnerability:
    affected = [dataclasses.replace(a, fix_available=None) for a in v.affected]
    return dataclasses.replace(v, affected=affected, withdrawn=None if drop_withdrawn else v.withdrawn)


def _parse_snapshot(driver_name: str, tmp_path, item: dict) -> list[Vulnerability]:
    path = tmp_path / f"{item['id']}.json"
    path.write_text(json.dumps(item))
    return list(get_driver(driver_name).parse(path))


OSV_GOLDEN = [
    ("govulndb", FIXTURES / "govulndb" / "vulndb", FIXTURES / "govulndb" / "snapshots"),
    ("bitnami", FIXTURES / "bitnami" / "vulndb", FIXTURES / "bitnami" / "snapshots"),
    ("osv", FIXTURES / "chainguard" / "input" / "osv", FIXTURES / "chainguard" / "snapshots" / "osv"),
]


@pytest.mark.parametrize(("name", "inputs", "snapshots"), OSV_GOLDEN, ids=[c[0] for c in OSV_GOLDEN])
def test_osv_golden(name, inputs, snapshots, tmp_path):
    """vunnel passes OSV through; its snapshots add range-level fix dates (``anchore.fixes``).

    Exclusion: those fix dates (``fix_available``) exist only in the snapshot. Chainguard OSV
    documents also list ``Wolfi`` packages, which vunnel's chainguard provider drops; we keep them
    under ``wolfi:rolling`` and compare only the ``chainguard:rolling`` records.
    """
    got = {(v.namespace, v.id): v for v in get_driver(name).parse(inputs)}
    envelopes = [json.loads(p.read_text()) for p in sorted(snapshots.rglob("*.json"))]
    assert envelopes
    for env in envelopes:
        version = env["schema"].rsplit("schema-", 1)[1].removesuffix(".json")
        validate(env["item"], "osv", version)
        for expected in _parse_snapshot(name, tmp_path, env["item"]):
            assert expected.affected[0].fix_available is not None
            assert _without_fix_dates(got[(expected.namespace, expected.id)]) == _without_fix_dates(expected)
    assert {ns for ns, _ in got} - {"wolfi:rolling"} == {v.namespace for v in got.values()} - {
        "wolfi:rolling"
    }


def _ubuntu_namespace(snapshot_dir: str) -> str:
    # "ubuntu-pro-16.04-lts" -> "ubuntu:16.04+esm"; "ubuntu-22.04-lts" -> "ubuntu:22.04"
    parts = snapshot_dir.split("-")
    return f"ubuntu:{parts[-2]}+esm" if parts[1] == "pro" else f"ubuntu:{parts[1]}"


def test_ubuntu_osv_golden(tmp_path):
    """vunnel splits Canonical's OSV per release; we do the same through namespaces.

    Exclusion: vunnel sets ``withdrawn`` on records of releases it considers EOL-superseded
    (a vunnel policy, not upstream data), so ``withdrawn`` is not compared.
    """
    snapshots = FIXTURES / "ubuntu" / "snapshots"
    got = {(v.namespace, v.id): v for v in get_driver("ubuntu").parse(FIXTURES / "ubuntu" / "osv" / "cve")}
    seen = set()
    for path in sorted(snapshots.glob("ubuntu-*/*.json")):
        item = json.loads(path.read_text())["item"]
        namespace = _ubuntu_namespace(path.parent.name)
        parsed = _parse_snapshot("ubuntu", tmp_path, item)
        expected = next(v for v in parsed if v.namespace == namespace)
        actual = got[(namespace, expected.id)]
        actual, expected = (_without_fix_dates(v, drop_withdrawn=True) for v in (actual, expected))
        assert sorted(actual.affected, key=repr) == sorted(expected.affected, key=repr)
        assert dataclasses.replace(actual, affected=[]) == dataclasses.replace(expected, affected=[])
        seen.add((namespace, expected.id))
    assert seen == set(got)


def test_real_osv_sample_counts():
    counts = {}
    for sub in ("pypi", "go", "almalinux", "bitnami", "ghsa"):
        driver = get_driver("osv")
        records = list(driver.parse(FEEDS / "osv" / sub))
        counts[sub] = (driver.stats.files, sum(len(v.affected) for v in records), dict(driver.stats.skipped))
    assert counts["go"] == (4291, 6125, {})
    assert counts["bitnami"] == (1131, 1131, {})
    assert counts["pypi"] == (2661, 2660, {"no-version-range": 1})  # PYSEC-2022-15 lists no ranges
    assert counts["almalinux"][0] == 360 and counts["ghsa"] == (2, 4, {})


def test_pypi_withdrawn_and_explicit_versions_kept():
    records = list(get_driver("osv").parse(FEEDS / "osv" / "pypi"))
    # 10 withdrawn upstream; PYSEC-2022-15 (rejected CVE) has no ranges at all and is skipped.
    assert sum(1 for v in records if v.withdrawn) == 9
    assert sum(len(a.affected_versions) for v in records for a in v.affected) == 140847


def test_ghsa_osv_severity_and_cvss():
    records = {v.id: v for v in get_driver("osv").parse(FEEDS / "osv" / "ghsa")}
    v = records["GHSA-mh6f-8j2x-4483"]
    assert v.namespace == "github:npm" and v.severity.value == "Critical"
    assert v.cvss[0].base_score == 9.8
    by_name = {a.name: a for a in v.affected}
    assert by_name["event-stream"].raw_range == ">=3.3.6, <4.0.0"
    assert by_name["flatmap-stream"].fix_state is FixState.NOT_FIXED
    assert by_name["flatmap-stream"].vulnerable_ranges == [[]]


def test_events_to_ranges_with_last_affected_and_reintroduction():
    groups, fixed, closed = events_to_ranges(
        [
            {"introduced": "0"},
            {"fixed": "1.2"},
            {"introduced": "2.0"},
            {"last_affected": "2.3"},
            {"introduced": "3.0"},
        ]
    )
    assert groups == [
        [Constraint("<", "1.2")],
        [Constraint(">=", "2.0"), Constraint("<=", "2.3")],
        [Constraint(">=", "3.0")],
    ]
    assert fixed == ["1.2"] and closed
    assert render_ranges(groups) == "<1.2 || >=2.0, <=2.3 || >=3.0"
    with pytest.raises(ValueError):
        events_to_ranges([{"bogus": "1"}])


@pytest.mark.parametrize(
    ("ecosystem", "advisory", "namespace", "fmt"),
    [
        ("PyPI", "GHSA-x", "github:python", VersionFormat.PEP440),
        ("crates.io", "RUSTSEC-2019-1", "rustsec:rust", VersionFormat.CARGO),
        ("AlmaLinux:9", "ALSA-1", "almalinux:9", VersionFormat.RPM),
        ("Rocky Linux:8", "RLSA-1", "rocky:8", VersionFormat.RPM),
        ("Ubuntu:Pro:16.04:LTS", "UBUNTU-CVE-1", "ubuntu:16.04+esm", VersionFormat.DPKG),
        ("Alpine:v3.18", "ALPINE-1", "alpine:3.18", VersionFormat.APK),
    ],
)
def test_resolve_ecosystem(ecosystem, advisory, namespace, fmt):
    target = resolve_ecosystem(ecosystem, advisory)
    assert target is not None and (target.namespace, target.version_format) == (namespace, fmt)


def test_unknown_ecosystem_and_broken_documents_are_counted(tmp_path):
    (tmp_path / "a.json").write_text(
        json.dumps({"id": "X-1", "affected": [{"package": {"ecosystem": "Hackage", "name": "x"}}]})
    )
    (tmp_path / "b.json").write_text('{"id": "X-2", "affected": [')  # truncated download
    (tmp_path / "c.json").write_text(
        json.dumps(
            {
                "id": "X-3",
                "affected": [
                    {
                        "package": {"ecosystem": "npm", "name": "y"},
                        "ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}, {"fixed": "1"}]}],
                    }
                ],
            }
        )
    )
    (tmp_path / "d.json").write_text(
        json.dumps({"id": "X-4", "affected": [{"package": {"ecosystem": "npm"}, "ranges": []}]})
    )
    driver = get_driver("osv")
    records = list(driver.parse(tmp_path))
    assert [v.id for v in records] == ["X-3"]
    assert driver.stats.skipped == {"unknown-ecosystem": 1, "bad-file": 1, "bad-record": 1}
