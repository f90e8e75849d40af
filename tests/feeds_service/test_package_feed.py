"""The ``packages`` feed (npm group) from real npm registry documents: driver forms, detection,
the store's group, its read for the policy engine, and the bundle round trip."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from drydock.core import migrate
from drydock.core.db import Database
from drydock.feeds import store
from drydock.feeds.bundle import export_bundle, read_bundle
from drydock.feeds.detect import detect
from drydock.feeds.drivers import get_driver
from drydock.feeds.records import PackageVersions
from drydock.feeds.sync import import_paths

from .conftest import REPO

PACKUMENTS = REPO / "tests" / "feeds" / "data" / "npm-registry"


def documents() -> list[dict]:
    return [json.loads(p.read_text()) for p in sorted(PACKUMENTS.glob("*.json"))]


@pytest.fixture
def db(fresh_database: str) -> Iterator[Database]:
    migrate.upgrade(fresh_database)
    database = Database(fresh_database)
    yield database
    database.dispose()


def test_driver_reads_packuments_lists_and_all_docs_pages(tmp_path: Path) -> None:
    driver = get_driver("npm")
    single = {r.name: r for r in driver.parse(PACKUMENTS)}
    assert set(single) == {"event-stream", "left-pad", "minimist"}
    stream = single["event-stream"]
    assert isinstance(stream, PackageVersions) and stream.ecosystem == "npm"
    assert stream.latest == "4.0.1" and "3.3.5" in stream.versions and "3.3.6" not in stream.versions
    assert len(stream.versions) == 44

    (tmp_path / "list.json").write_text(json.dumps(documents()))
    page = {
        "total_rows": 4,
        "rows": [{"id": d["name"], "doc": d} for d in documents()] + [{"id": "x", "doc": {}}],
    }
    (tmp_path / "all_docs.json").write_text(json.dumps(page))
    for name in ("list.json", "all_docs.json"):
        parsed = list(driver.parse(tmp_path / name))
        assert sorted(r.name for r in parsed) == sorted(single)  # type: ignore[union-attr]
    assert driver.stats.skipped == {"bad-record": 1}  # the empty document of the page


def test_detect_recognises_packuments() -> None:
    [source] = detect(PACKUMENTS)
    assert source.driver == "npm"


def test_import_and_read_back(db: Database) -> None:
    with db.session() as s:
        report = import_paths(s, [PACKUMENTS])
    assert report.ok and report.records_written == 3
    with db.session() as s:
        group = store.get_group(s, store.PACKAGES_FEED, "npm")
        assert group.record_count == 3 and group.driver == "npm"
        known = store.package_versions(s, "npm", ["left-pad", "event-stream", "not-a-package"])
        assert known is not None and set(known) == {"left-pad", "event-stream"}
        assert known["left-pad"].latest == "1.3.0" and "1.1.3" in known["left-pad"].versions
        assert store.package_versions(s, "gem", ["rails"]) is None  # never synced
        store.set_group_enabled(s, store.PACKAGES_FEED, "npm", False)
    with db.session() as s:
        assert store.package_versions(s, "npm", ["left-pad"]) is None  # disabled = unavailable


def test_bundle_round_trip(db: Database, tmp_path: Path) -> None:
    with db.session() as s:
        import_paths(s, [PACKUMENTS])
        before = list(store.group_records(s, "npm"))
        export_bundle(s, tmp_path / "feeds.tar.zst", groups=["npm"])
        store.delete_group(s, store.PACKAGES_FEED, "npm")
    [group] = read_bundle(tmp_path / "feeds.tar.zst").groups
    assert (group.feed, group.group, len(group.records)) == ("packages", "npm", 3)
    with db.session() as s:
        assert import_paths(s, [tmp_path / "feeds.tar.zst"]).ok
    with db.session() as s:
        assert list(store.group_records(s, "npm")) == before
