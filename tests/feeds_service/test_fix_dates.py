"""Fix dates in the store: the upstream's date when it gives one, else the first sync that saw
the fix, kept by every later sync (on both backends, from the real samples)."""

from __future__ import annotations

import shutil
import uuid
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select

from drydock.core.db import Database
from drydock.feeds import store
from drydock.feeds.drivers import get_driver
from drydock.feeds.models import AffectedPackageRow, FixObservationRow
from drydock.feeds.records import Vulnerability
from drydock.feeds.sync import import_paths
from drydock.policy.matching.index import build_index

from .conftest import FEEDS, FIXTURES

T1 = datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC)
T2 = datetime(2025, 6, 1, tzinfo=UTC)
T3 = datetime(2026, 1, 1, tzinfo=UTC)


def fix_dates(db: Database, group: str, vuln_id: str, name: str) -> list[dict[str, dict[str, str]] | None]:
    a = AffectedPackageRow
    with db.session() as s:
        stmt = select(a.fix_dates).where(a.group_name == group, a.vuln_id == vuln_id, a.name == name)
        return list(s.scalars(stmt))


def alpine_records(namespace: str) -> list[Vulnerability]:
    """The real Alpine 3.3 secdb (no dates anywhere) under a namespace of this test's own."""
    parsed = get_driver("alpine").parse(FEEDS / "alpine-secdb" / "v3.3")
    return [replace(r, namespace=namespace) for r in parsed if isinstance(r, Vulnerability)]


def sync(db: Database, records: list[Vulnerability], now: datetime, *, force: bool = False) -> bool:
    ns = records[0].namespace
    with db.session() as s:
        write = store.replace_group(
            s, store.GroupData("vulnerabilities", ns, "alpine", list(records)), force=force, now=now
        )
        s.commit()
    return write.written


def test_upstream_date_is_kept_as_published(db: Database) -> None:
    with db.session() as s:
        report = import_paths(s, [FIXTURES / "rhel"], driver="rhel")
    assert report.ok
    assert fix_dates(db, "rhel:9", "CVE-2024-8088", "python3.9") == [
        {
            "0:3.9.18-3.el9_4.5": {"date": "2024-09-03", "kind": "advisory"},
            "0:3.9.19-8.el9": {"date": "2024-11-12", "kind": "advisory"},
        }
    ]
    with db.session() as s:
        observed = s.scalars(select(FixObservationRow).where(FixObservationRow.namespace == "rhel:9")).all()
    assert observed == []  # dated fixes need no observation


def test_undated_fix_is_first_observed_and_kept_across_syncs(db: Database) -> None:
    ns = f"alpine:{uuid.uuid4().hex[:8]}"
    records = alpine_records(ns)
    first = {"2.4.26-r0": {"date": T1.isoformat(), "kind": "first-observed"}}
    assert sync(db, records, T1)
    assert fix_dates(db, ns, "CVE-2017-3167", "apache2") == [first]

    # A later sync with a new fix for one package: the old fixes keep T1, the new one is T2.
    apache = next(r for r in records if r.id == "CVE-2017-3167")
    grown = replace(apache, affected=[replace(apache.affected[0], fixed_versions=["2.4.26-r0", "2.4.27-r0"])])
    assert sync(db, [grown if r is apache else r for r in records], T2)
    second = {**first, "2.4.27-r0": {"date": T2.isoformat(), "kind": "first-observed"}}
    assert fix_dates(db, ns, "CVE-2017-3167", "apache2") == [second]
    other = next(r for r in records if r is not apache and r.affected[0].fixed_versions)
    (kept,) = fix_dates(db, ns, other.id, other.affected[0].name)
    assert kept and {d["date"] for d in kept.values()} == {T1.isoformat()}

    # The unchanged upstream again, even forced (--flush): nothing re-observed.
    assert sync(db, records, T3, force=True)
    assert fix_dates(db, ns, "CVE-2017-3167", "apache2") == [first]

    # The index built from the store carries the dates to the matcher.
    with db.session() as s:
        index = build_index(s)
    (candidate,) = [c for c in index.lookup(ns, "apache2") if c.vuln_id == "CVE-2017-3167"]
    assert candidate.fix_dates() == first


def test_resync_through_the_importer_keeps_the_first_date(db: Database, tmp_path: Path) -> None:
    source = tmp_path / "v3.3"
    shutil.copytree(FEEDS / "alpine-secdb" / "v3.3", source)
    with db.session() as s:
        assert import_paths(s, [source], driver="alpine").ok
    (before,) = fix_dates(db, "alpine:3.3", "CVE-2017-3167", "apache2")
    assert before and before["2.4.26-r0"]["kind"] == "first-observed"
    with db.session() as s:
        assert import_paths(s, [source], driver="alpine", flush=True).ok  # rewritten, forced
    assert fix_dates(db, "alpine:3.3", "CVE-2017-3167", "apache2") == [before]
