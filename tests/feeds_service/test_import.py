"""Import of the real sample sets (driver detection, counts), incremental re-import, bad input,
failing groups keeping their data, events and progress — on both backends."""

from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.exc import OperationalError

from drydock.core.db import Database
from drydock.feeds import store
from drydock.feeds.detect import detect
from drydock.feeds.sync import EVENT_COMPLETED, EVENT_FAILED, EVENT_STARTED, Progress, import_paths

from .conftest import FEEDS, FIXTURES

REAL_SETS = [FEEDS / "alpine-secdb" / "v3.10", FEEDS / "alpine-secdb" / "v3.11", FEEDS / "osv" / "go", FEEDS / "kev", FEEDS / "nvd", FEEDS / "osv" / "ghsa", FEEDS / "raw" / "suse-cvrf", FIXTURES / "debian" / "input"]
EXPECTED = {
    "alpine:3.10": 1736, "alpine:3.11": 1917,
    "govulndb:go": 4291, "kev:catalog": 1404, "nvdv2:cves": 1054, "github:java": 1, "github:npm": 1,
    "opensuse:13.2": 32, "sles:11.4": 3, "opensuse:13.1": 1, "opensuse-leap:15.0": 1,
    "debian:7": 17, "debian:unstable": 6, "debian:12": 2,
}  # fmt: skip


@pytest.fixture(scope="module")
def imported(db: Database) -> Any:
    events: list[tuple[str, dict[str, Any]]] = []
    progress: list[Progress] = []
    with db.session() as s:
        report = import_paths(s, REAL_SETS, flush=True, on_event=lambda n, p: events.append((n, p)), progress=progress.append)
    return report, events, progress


def test_detection_of_the_real_sets() -> None:
    assert [(s.driver, s.path.name) for p in REAL_SETS for s in detect(p)] == [
        ("alpine", "v3.10"), ("alpine", "v3.11"), ("osv", "go"), ("kev", "kev"), ("nvd", "nvd"), ("github", "ghsa"),
        ("suse-cvrf", "suse-cvrf"), ("debian", "input"),
    ]  # fmt: skip
    mixed = {(s.driver, s.path.name) for s in detect(FEEDS / "raw")}
    assert {("amazon", "amazon-updateinfo"), ("oracle", "oracle-oval"), ("rhel", "redhat-securitydata-api")} <= mixed


def test_a_mirror_is_split_even_when_its_first_folder_is_large(tmp_path: Path) -> None:
    """60 Go advisories come before the NVD folder: a sample of the first files alone would
    hand the whole mirror to the OSV driver and skip every NVD page."""
    mirror = tmp_path / "mirror"
    for name, source, count in (("a-go", FEEDS / "osv" / "go", 60), ("b-nvd", FEEDS / "nvd", 5)):
        (mirror / name).mkdir(parents=True)
        for path in sorted(p for p in source.rglob("*.json") if p.is_file())[:count]:
            shutil.copy(path, mirror / name / path.name)
    assert sorted((s.driver, s.path.name) for s in detect(mirror)) == [("nvd", "b-nvd"), ("osv", "a-go")]


def test_real_sets_record_counts(db: Database, imported: Any) -> None:
    report, events, progress = imported
    assert report.ok, [(s.path, s.error) for s in report.sources]
    with db.session() as s:
        groups = {g.name: g for v in store.list_feeds(s) for g in v.groups}
        for group, count in EXPECTED.items():
            assert groups[group].record_count == count, group
            assert store.count_records(s, group) == count, group
        feeds = {v.feed.name: v.feed for v in store.list_feeds(s)}
        assert {"vulnerabilities", "nvdv2", "kev"} <= set(feeds)
        assert all(feeds[f].last_full_sync is not None for f in ("vulnerabilities", "nvdv2", "kev"))
    # bad ids in secdb, the Latin-1 CVRF document repaired (counted as a warning)
    assert report.skipped_records >= 2
    assert any("Latin-1" in w for src in report.sources for w in src.warnings)
    assert [n for n, _ in events] == [EVENT_STARTED, EVENT_COMPLETED]
    assert {p.stage for p in progress} == {"parse", "write"} and progress[-1].done == progress[-1].total


def test_unchanged_sources_are_skipped(db: Database, imported: Any) -> None:
    with db.session() as s:
        gen = store.generation(s)
        report = import_paths(s, [FEEDS / "osv" / "go", FEEDS / "kev"])
    assert [src.status for src in report.sources] == ["unchanged", "unchanged"]
    with db.session() as s:
        assert store.generation(s) == gen


def test_forced_driver_and_unknown_files(db: Database, tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("hello")
    with db.session() as s:
        report = import_paths(s, [tmp_path / "notes.txt", tmp_path / "missing"])
    warnings = [w for src in report.sources for w in src.warnings]
    assert any("no feed driver" in w for w in warnings) and any("not found" in w for w in warnings)
    with db.session() as s:
        forced = import_paths(s, [FEEDS / "osv" / "ghsa"], driver="osv", flush=True)
    assert forced.sources[0].driver == "osv" and forced.records_written == 2


def test_bad_files_are_skipped_and_counted(db: Database, tmp_path: Path) -> None:
    good = sorted((FEEDS / "osv" / "go").glob("GO-2024-*.json"))[:3]
    for p in good:
        shutil.copy(p, tmp_path / p.name)
    (tmp_path / "GO-9999-0001.json").write_text('{"id": "GO-9999-0001", "affected": [')  # truncated
    (tmp_path / "GO-9999-0002.json").write_bytes(b'{"id": "GO-9999-0002", "modified": "\xff\xfe", "affected": 5}')
    with db.session() as s:
        report = import_paths(s, [tmp_path], driver="osv", flush=True)
    (src,) = report.sources
    assert src.status == "success" and src.skipped_records == 2
    assert report.records_written == 3


def test_failing_group_keeps_previous_data(db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with db.session() as s:
        import_paths(s, [FEEDS / "alpine-secdb" / "v3.3", FEEDS / "alpine-secdb" / "v3.4"], driver="alpine", flush=True)
    real = store._insert_group_records

    def broken(session: Any, data: store.GroupData, now: datetime) -> int:
        if data.group == "alpine:3.4":
            real(session, data, now)  # half-written when the failure hits
            raise OperationalError("INSERT", {}, Exception("disk full"))
        return real(session, data, now)

    monkeypatch.setattr(store, "_insert_group_records", broken)
    events: list[str] = []
    with db.session() as s:
        report = import_paths(s, [FEEDS / "alpine-secdb" / "v3.3", FEEDS / "alpine-secdb" / "v3.4"], driver="alpine", flush=True, on_event=lambda n, p: events.append(n))
    statuses = {g.group: g.status for g in report.groups}
    assert statuses == {"alpine:3.3": "success", "alpine:3.4": "failure"} and not report.ok
    assert events[-1] == EVENT_FAILED
    (feed,) = report.feed_results()
    assert feed["status"] == "failure"
    with db.session() as s:
        assert store.count_records(s, "alpine:3.4") == 681
        assert store.get_group(s, "vulnerabilities", "alpine:3.4").record_count == 681


def test_disabled_group_is_not_written(db: Database) -> None:
    with db.session() as s:
        import_paths(s, [FEEDS / "osv" / "ghsa"], driver="github", flush=True)
        store.set_group_enabled(s, "vulnerabilities", "github:npm", False)
        s.commit()
        report = import_paths(s, [FEEDS / "osv" / "ghsa"], driver="github", flush=True)
        store.set_group_enabled(s, "vulnerabilities", "github:npm", True)
    assert {g.group: g.status for g in report.groups} == {"github:java": "success", "github:npm": "disabled"}


def test_secureos_versions_that_are_not_apk_versions_still_store(db: Database) -> None:
    """SecureOS's secdb publishes fixes such as ``2.39-209`` (no ``-rN``): the group stores with
    the plain "below each fix" ranges instead of failing the import."""
    with db.session() as s:
        report = import_paths(s, [FIXTURES / "secureos" / "input" / "secdb"], driver="secureos", flush=True)
    assert report.ok, report
    with db.session() as s:
        [group] = [g for g in store.list_feeds(s) for g in g.groups if g.name.startswith("secureos")]
        assert group.record_count > 0
        glibc = [r for r in store.group_records(s, group.name) if r["id"] == "CVE-2025-5702"]
    assert glibc and any("2.39-209" in a["fixed_versions"] for a in glibc[0]["affected"])

