"""Fix observations travel in feed bundles: the Alpine secdb dates no fix, so the exporting
install's first-observed dates are all an air-gapped importer can know. Round trip keeps them,
the earlier of a local and a bundled date wins, and a tampered observation member is refused
like any other (real secdb v3.7, both database backends)."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import delete, select, update

from drydock.core.db import Database
from drydock.feeds import store
from drydock.feeds.bundle import OBSERVATIONS, BundleError, Manifest, export_bundle, verify_bundle
from drydock.feeds.models import AffectedPackageRow, FixObservationRow
from drydock.feeds.sync import import_paths

from .conftest import FEEDS
from .test_bundle import _rewrite

GROUP = "alpine:3.7"
EXPORTED = datetime(2020, 1, 2, tzinfo=UTC)
o = FixObservationRow


def observations(db: Database) -> dict[tuple[str, str, str], datetime]:
    with db.session() as s:
        stmt = select(o.vuln_id, o.package, o.version, o.first_observed_at).where(o.namespace == GROUP)
        return {(v, p, ver): at for v, p, ver, at in s.execute(stmt)}


def row_dates(db: Database) -> dict[tuple[str, str, str], str]:
    """Fix dates as the affected-package rows (what matching reads) carry them."""
    with db.session() as s:
        stmt = select(
            AffectedPackageRow.vuln_id, AffectedPackageRow.name, AffectedPackageRow.fix_dates
        ).where(AffectedPackageRow.group_name == GROUP)
        return {(v, n, ver): d["date"] for v, n, dates in s.execute(stmt) for ver, d in (dates or {}).items()}


@pytest.fixture(scope="module")
def bundle(db: Database, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A bundle exported by an install that first saw every v3.7 fix on 2020-01-02."""
    with db.session() as s:
        assert import_paths(s, [FEEDS / "alpine-secdb" / "v3.7"], driver="alpine", flush=True).ok
        s.execute(update(o).where(o.namespace == GROUP).values(first_observed_at=EXPORTED))
        s.commit()
    out = tmp_path_factory.mktemp("obs") / "feeds.tar.zst"
    with db.session() as s:
        manifest = export_bundle(s, out, groups=[GROUP])
    [records] = manifest.groups
    [member] = [f for f in manifest.files if f.kind == OBSERVATIONS]
    assert (member.path, member.group) == (f"observations/vulnerabilities/{GROUP}.jsonl", GROUP)
    assert records.records > 100 and member.records == len(observations(db)) > 100
    return out


def forget_group(db: Database) -> None:
    """What an install that never synced the group has: no records, no observations."""
    with db.session() as s:
        store.delete_group(s, "vulnerabilities", GROUP)
        s.execute(delete(o).where(o.namespace == GROUP))
        s.commit()


def test_round_trip_keeps_the_dates(db: Database, bundle: Path) -> None:
    exported = observations(db)
    forget_group(db)
    with db.session() as s:
        assert import_paths(s, [bundle]).ok
    assert observations(db) == exported and set(exported.values()) == {EXPORTED}
    dates = row_dates(db)
    assert dates.keys() == exported.keys() and set(dates.values()) == {EXPORTED.isoformat()}


def test_the_earlier_date_wins(db: Database, bundle: Path, tmp_path: Path) -> None:
    forget_group(db)
    with db.session() as s:  # this install synced the secdb itself, on its own dates
        assert import_paths(s, [FEEDS / "alpine-secdb" / "v3.7"], driver="alpine", flush=True).ok
    local = sorted(observations(db))
    earlier, later = local[0], local[1]
    with db.session() as s:
        s.execute(
            update(o).where(o.namespace == GROUP).values(first_observed_at=datetime(2025, 5, 5, tzinfo=UTC))
        )
        s.execute(
            update(o)
            .where(
                o.namespace == GROUP,
                o.vuln_id == earlier[0],
                o.package == earlier[1],
                o.version == earlier[2],
            )
            .values(first_observed_at=datetime(2019, 3, 3, tzinfo=UTC))
        )
        s.commit()
    copy = tmp_path / "copy.tar.zst"  # another path: not skipped as an already imported source
    shutil.copy(bundle, copy)
    with db.session() as s:
        gen = store.generation(s)
        report = import_paths(s, [copy])
        assert report.ok and store.generation(s) == gen + 1  # same records, older dates: rewritten
    after = observations(db)
    assert after[earlier] == datetime(2019, 3, 3, tzinfo=UTC) and after[later] == EXPORTED
    assert set(after.values()) == {EXPORTED, datetime(2019, 3, 3, tzinfo=UTC)}
    dates = row_dates(db)
    assert dates[earlier] == "2019-03-03T00:00:00+00:00" and dates[later] == EXPORTED.isoformat()


def test_tampered_observations_are_refused(db: Database, bundle: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.tar.gz"

    def backdate(name: str, data: bytes) -> bytes:
        return data.replace(b"2020-01-02", b"2010-01-02", 1) if name.startswith("observations/") else data

    _rewrite(bundle, bad, backdate)
    with pytest.raises(BundleError, match="checksum mismatch"):
        verify_bundle(bad)
    before = observations(db)
    with db.session() as s:
        gen = store.generation(s)
        report = import_paths(s, [bad])
        assert not report.ok and "checksum mismatch" in (report.sources[0].error or "")
        assert store.generation(s) == gen
    assert observations(db) == before


def test_version_1_manifests_still_read() -> None:
    entry = {
        "path": "records/v/g.jsonl",
        "feed": "v",
        "group": "g",
        "driver": "d",
        "records": 1,
        "sha256": "0",
        "size": 1,
    }
    manifest = Manifest.from_json(
        json.dumps({"format": "drydock-feed-bundle", "version": 1, "files": [entry]}).encode()
    )
    assert [f.kind for f in manifest.groups] == ["records"]
    with pytest.raises(BundleError, match="unknown member kind"):
        Manifest.from_json(
            json.dumps(
                {"format": "drydock-feed-bundle", "version": 2, "files": [{**entry, "kind": "x"}]}
            ).encode()
        )
