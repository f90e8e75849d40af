"""Benchmark the SimpleQueue: enqueue, then lease + ack throughput with 1, 2 and 4 concurrent
consumers, on a scratch PostgreSQL database and on SQLite.

Run: ``PYTHONPATH=src python bench/bench_queue.py [--messages N]``. PostgreSQL is reached at
``DRYDOCK_BENCH_PG_URL`` (default ``postgresql://postgres@127.0.0.1:5432/postgres``); a scratch
database is created there and dropped afterwards. Every enqueue, lease and ack is its own
transaction, as for real workers; consumers are threads of one process (database round trips
dominate; the GIL is not the limit at these rates).
"""

from __future__ import annotations

import argparse
import os
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg

from drydock.core import migrate
from drydock.core.db import Database
from drydock.queue import service as sq

PG_ADMIN_URL = os.environ.get("DRYDOCK_BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


@contextmanager
def scratch_database(backend: str) -> Iterator[str]:
    if backend == "sqlite":
        with tempfile.TemporaryDirectory() as tmp:
            yield f"sqlite:///{Path(tmp) / 'bench.db'}"
        return
    name = f"drydock_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def enqueue_rate(db: Database, queue: str, n: int) -> float:
    start = time.perf_counter()
    for i in range(n):
        with db.session() as s:
            sq.enqueue(s, queue, {"image": f"sha256:{i:064x}", "account": "admin"})
    return n / (time.perf_counter() - start)


def write_rate(db: Database, n: int) -> float:
    """Baseline: one-row write transactions per second (a singleton-lease acquire), i.e. what
    the disk's commit latency allows; every queue operation costs at least one of these."""
    start = time.perf_counter()
    for _ in range(n):
        with db.session() as s:
            sq.acquire_lease(s, "bench-baseline", "bench", 60)
    return n / (time.perf_counter() - start)


def consume_rate(db: Database, queue: str, consumers: int, batch: int) -> tuple[float, int]:
    """Messages leased and acknowledged per second; also how many were delivered twice
    (must be 0: leases are long enough never to expire during the run)."""
    seen: list[list[int]] = [[] for _ in range(consumers)]
    barrier = threading.Barrier(consumers + 1)

    def consumer(k: int) -> None:
        barrier.wait()
        while True:
            with db.session() as s:
                got = sq.lease(s, queue, f"bench-{k}", count=batch, visibility_timeout=600)
            if not got:
                return
            for m in got:
                with db.session() as s:
                    sq.ack(s, m.id, m.receipt or "")
                seen[k].append(m.id)

    threads = [threading.Thread(target=consumer, args=(k,)) for k in range(consumers)]
    for t in threads:
        t.start()
    barrier.wait()
    start = time.perf_counter()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - start
    ids = [i for part in seen for i in part]
    return len(ids) / elapsed, len(ids) - len(set(ids))


def run(
    backend: str, consumer_counts: list[int], n: int, *, hold_connection: bool = False
) -> list[tuple[str, int, float, float, float, float, int]]:
    """``hold_connection`` keeps one idle connection open for the run. On SQLite this matters:
    with ``NullPool`` the last connection to close checkpoints and deletes the WAL, so a lone
    worker pays a checkpoint per transaction; a busy server always has another connection."""
    rows = []
    label = backend + ("+held" if hold_connection else "")
    with scratch_database(backend) as url:
        migrate.upgrade(url)
        db = Database(url, pool_size=8, max_overflow=4)
        held = db.engine.connect() if hold_connection else None
        try:
            baseline = write_rate(db, n)
            for consumers in consumer_counts:
                queue = f"bench-{consumers}"
                enq = enqueue_rate(db, queue, n)
                single, dup1 = consume_rate(db, queue, consumers, batch=1)
                enqueue_rate(db, queue, n)
                batched, dup10 = consume_rate(db, queue, consumers, batch=10)
                rows.append((label, consumers, baseline, enq, single, batched, dup1 + dup10))
        finally:
            if held is not None:
                held.close()
            db.dispose()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=500, help="messages per run (default 500)")
    args = parser.parse_args()
    rows = [
        *run("postgresql", [1, 2, 4], args.messages),
        *run("sqlite", [1, 2, 4], args.messages),
        *run("sqlite", [1, 2, 4], args.messages, hold_connection=True),
    ]
    print(
        f"{'backend':<12} {'consumers':>9} {'1-row txn/s':>11} {'enqueue/s':>10} {'lease+ack/s':>12}"
        f" {'batch10/s':>10} {'dup':>4}"
    )
    for backend, consumers, baseline, enq, single, batched, dups in rows:
        print(
            f"{backend:<12} {consumers:>9} {baseline:>11.0f} {enq:>10.0f} {single:>12.0f} {batched:>10.0f} {dups:>4}"
        )


if __name__ == "__main__":
    main()
