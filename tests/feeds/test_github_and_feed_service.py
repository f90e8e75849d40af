from __future__ import annotations

import json

from drydock.feeds.drivers import get_driver
from drydock.feeds.records import FixState
from drydock.feeds.vunnel_format import (
    GITHUB_SCHEMA,
    OS_SCHEMA,
    envelope,
    from_vunnel_github,
    to_vunnel_github,
    to_vunnel_os_record,
)

from .conftest import FEEDS, FIXTURES
from .golden import validate

SERVICE = FEEDS / "anchore-feed-service"


def test_github_snapshots_round_trip_and_validate():
    """GHSA envelopes -> records -> GHSA envelopes is lossless for every field vunnel emits."""
    paths = sorted((FIXTURES / "github" / "snapshots").rglob("*.json"))
    assert len(paths) == 2
    for path in paths:
        item = json.loads(path.read_text())["item"]
        validate(item, "github-security-advisory", "1.0.3")
        rendered = to_vunnel_github(from_vunnel_github(item))
        validate(rendered, "github-security-advisory", "1.0.3")
        assert rendered == item


def test_ghsa_osv_form_agrees_with_vunnel_github_output():
    """Same advisory from two upstream forms (OSV database vs GraphQL-derived snapshot).

    Compared where both carry the data: severity, CVSS vectors, package names, fixed versions.
    Excluded: range text (OSV events vs GraphQL strings) and the snapshot's fix dates.
    """
    osv = {(v.namespace, v.id): v for v in get_driver("github").parse(FEEDS / "osv" / "ghsa")}
    snap = {
        (v.namespace, v.id): v
        for v in get_driver("github").parse(FIXTURES / "github" / "snapshots" / "github:npm")
    }
    key = ("github:npm", "GHSA-mh6f-8j2x-4483")
    a, b = osv[key], snap[key]
    assert a.severity == b.severity
    assert {c.vector for c in a.cvss} <= {c.vector for c in b.cvss}
    assert {(p.name, tuple(p.fixed_versions), p.fix_state) for p in a.affected} == {
        (p.name, tuple(p.fixed_versions), p.fix_state) for p in b.affected
    }


def test_feed_service_pages_all_shapes():
    driver = get_driver("anchore-feed")
    records = list(driver.parse(SERVICE / "data"))
    assert len(records) == 540 and driver.stats.skipped_total == 0
    namespaces = {v.namespace for v in records}
    assert {"nvd", "amzn:2", "github:python", "rhel:7", "debian:unstable"} <= namespaces
    nvd = [v for v in records if v.namespace == "nvd"]
    assert len(nvd) == 10 and all(v.affected and v.cvss for v in nvd)
    amzn = next(v for v in records if v.namespace == "amzn:2")
    assert amzn.aliases and amzn.aliases[0].startswith("CVE-")  # legacy bare-string Metadata.CVE


def test_feed_service_os_records_round_trip_through_vunnel_shape():
    page = json.loads(
        (SERVICE / "data" / "v1" / "service" / "feeds" / "vulnerabilities" / "rhel:7.json").read_text()
    )
    records = list(
        get_driver("anchore-feed").parse(
            SERVICE / "data" / "v1" / "service" / "feeds" / "vulnerabilities" / "rhel:7.json"
        )
    )
    for item, v in zip(page["data"], records, strict=True):
        rendered = to_vunnel_os_record(v)["Vulnerability"]
        original = item["Vulnerability"]
        assert (rendered["Name"], rendered["Severity"], rendered["Description"]) == (
            original["Name"],
            original["Severity"],
            original["Description"],
        )
        assert [f["Version"] for f in rendered["FixedIn"]] == [f["Version"] for f in original["FixedIn"]]


def test_local_feed_repo_counts():
    driver = get_driver("anchore-feed")
    records = list(driver.parse(SERVICE / "local-feeds-repo"))
    counts = {ns: sum(1 for v in records if v.namespace == ns) for ns in ("alpine:3.7", "alpine:3.8")}
    assert counts == {"alpine:3.7": 1395, "alpine:3.8": 1486}


def test_github_feed_service_ranges_are_structured():
    records = list(get_driver("github").parse(SERVICE / "data" / "v1" / "service" / "feeds" / "github"))
    assert len(records) == 60
    electron = next(v for v in records if v.id == "GHSA-gvcj-pfq2-wxj7")
    (pkg,) = electron.affected
    assert pkg.raw_range == "< 0.33.5" and pkg.vulnerable_ranges[0][0].op == "<"
    assert pkg.fix_state is FixState.FIXED and pkg.fixed_versions == ["0.33.5"]


def test_vunnel_workspace_results_import():
    driver = get_driver("anchore-feed")
    records = list(driver.parse(FIXTURES / "_cli-workspace-data-1" / "wolfi" / "results"))
    assert len(records) == 56 and {v.namespace for v in records} == {"wolfi:rolling"}


def test_unknown_item_shape_is_counted(tmp_path):
    (tmp_path / "page.json").write_text(
        json.dumps({"data": [{"Foo": 1}, {"Vulnerability": {"Name": "X"}}], "next_token": ""})
    )
    driver = get_driver("anchore-feed")
    assert list(driver.parse(tmp_path)) == []
    assert driver.stats.skipped == {"bad-record": 2}


def test_export_as_vunnel_results_and_reimport(tmp_path):
    """Export -> import -> export is stable (air-gapped import path).

    The vunnel shapes are lossier than our records (no source flag, one fix state for all
    unfixed cases), so the comparison is on the rendered shape, not the dataclasses.
    """
    originals = list(get_driver("debian").parse(FIXTURES / "debian" / "input"))
    originals += list(get_driver("github").parse(FIXTURES / "github" / "snapshots"))
    for n, v in enumerate(originals):
        if v.namespace.startswith("github:"):
            env = envelope(f"{v.namespace}/{v.id}", to_vunnel_github(v), GITHUB_SCHEMA)
        else:
            env = envelope(f"{v.namespace}/{v.id}", to_vunnel_os_record(v), OS_SCHEMA)
        (tmp_path / f"{n}.json").write_text(json.dumps(env))
    reread = {(v.namespace, v.id): v for v in get_driver("anchore-feed").parse(tmp_path)}
    assert len(reread) == len(originals)
    for v in originals:
        render = to_vunnel_github if v.namespace.startswith("github:") else to_vunnel_os_record
        assert render(reread[(v.namespace, v.id)]) == render(v)
