"""A group swap is atomic: a concurrent reader sees the old records or the new ones, never a
mix (on PostgreSQL readers do not block; on SQLite the write lock serializes them)."""

from __future__ import annotations

import threading
import uuid

from sqlalchemy import text

from drydock.core.db import Database, schema_translate_map
from drydock.feeds import store
from drydock.feeds.records import AffectedPackage, FixState, VersionFormat, Vulnerability

ROUNDS = 6


def records(ns: str, n: int, tag: str) -> list[Vulnerability]:
    return [
        Vulnerability(f"CVE-{tag}-{i}", ns, affected=[AffectedPackage(f"p{i}", VersionFormat.DPKG, ["1.0"], fix_state=FixState.FIXED)])
        for i in range(n)
    ]


def test_concurrent_reader_never_sees_a_half_written_group(db: Database) -> None:
    ns = f"atomic:{uuid.uuid4().hex[:8]}"
    schema = "" if schema_translate_map(db.url) else "drydock_enterprise."
    snapshot = text(
        f"SELECT (SELECT count(*) FROM {schema}feed_vulnerabilities WHERE group_name = :g),"
        f" (SELECT count(*) FROM {schema}feed_affected_packages WHERE group_name = :g),"
        f" (SELECT record_count FROM {schema}feed_groups WHERE name = :g)"
    )
    with db.session() as s:
        store.replace_group(s, store.GroupData("vulnerabilities", ns, "t", records(ns, 1000, "a")))
    seen: set[tuple[int, int, int]] = set()
    stop = threading.Event()

    def reader() -> None:
        while not stop.is_set():
            with db.session() as s:
                seen.add(tuple(s.execute(snapshot, {"g": ns}).one()))  # type: ignore[arg-type]

    thread = threading.Thread(target=reader)
    thread.start()
    try:
        for round_ in range(ROUNDS):
            size = 2000 if round_ % 2 == 0 else 1000
            with db.session() as s:
                store.replace_group(s, store.GroupData("vulnerabilities", ns, "t", records(ns, size, f"r{round_}")))
    finally:
        stop.set()
        thread.join()
    assert seen <= {(1000, 1000, 1000), (2000, 2000, 2000)}, seen
    assert len(seen) >= 1
