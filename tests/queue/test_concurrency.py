"""Concurrent consumers, concurrent enqueues and singleton-lease contention: threads on both
backends; SKIP LOCKED and separate OS processes on PostgreSQL."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from drydock.core.db import Database
from drydock.queue import service as sq
from drydock.queue.errors import LeaseLost
from tests.support.naming import unique
from tests.support.paths import REPO


@pytest.fixture
def pg(db: Database, backend: str) -> Database:
    if backend != "postgresql":
        pytest.skip("row locks and SKIP LOCKED are PostgreSQL matters; SQLite serialises writers")
    return db


def fill(db: Database, queue: str, n: int) -> set[int]:
    with db.session() as s:
        return {sq.enqueue(s, queue, {"n": i}) for i in range(n)}


def run_threads(n: int, target: Callable[[int], object]) -> list[object]:
    barrier = threading.Barrier(n)

    def start(i: int) -> object:
        barrier.wait()
        return target(i)

    with ThreadPoolExecutor(n) as pool:
        return list(pool.map(start, range(n)))


def test_threads_get_each_message_exactly_once(db: Database, queue: str) -> None:
    # SQLite too: BEGIN IMMEDIATE serialises the threads' lease transactions.
    ids = fill(db, queue, 150)

    def consume(i: int) -> list[int]:
        mine: list[int] = []
        while True:
            with db.session() as s:
                got = sq.lease(s, queue, f"t{i}", count=3, visibility_timeout=120)
            if not got:
                return mine
            for m in got:
                mine.append(m.id)
                with db.session() as s:
                    sq.ack(s, m.id, m.receipt or "")

    per_thread = run_threads(8, consume)
    delivered = Counter(mid for ids_ in per_thread for mid in ids_)  # type: ignore[attr-defined]
    assert set(delivered) == ids
    assert max(delivered.values()) == 1
    assert sum(1 for got in per_thread if got) > 1  # the work was actually shared
    with db.session() as s:
        assert sq.stats(s, queue) == [sq.QueueStats(queue=queue)]


def test_skip_locked_does_not_wait_for_an_open_lease(pg: Database, queue: str) -> None:
    ids = fill(pg, queue, 2)
    with pg.session() as first:
        [a] = sq.lease(first, queue, "slow")  # row locked, transaction still open
        started = time.monotonic()
        with pg.session() as second:
            [b] = sq.lease(second, queue, "fast")
        assert time.monotonic() - started < 2
    assert {a.id, b.id} == ids


def test_two_processes_share_a_queue_without_duplicates(
    pg: Database, queue: str, database_url: str, tmp_path: Path
) -> None:
    ids = fill(pg, queue, 120)
    start_file = tmp_path / "go"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO / "src"), os.environ.get("PYTHONPATH", "")])}
    worker = Path(__file__).with_name("lease_worker.py")
    procs = [
        subprocess.Popen(
            [sys.executable, str(worker), database_url, queue, str(start_file)],
            env=env,
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    time.sleep(0.5)
    start_file.touch()
    results = []
    for p in procs:
        out, _ = p.communicate(timeout=60)
        assert p.returncode == 0
        results.append(json.loads(out))
    delivered = Counter(mid for r in results for mid in r)
    assert set(delivered) == ids and max(delivered.values()) == 1
    assert all(results), "both processes should have consumed messages"


def test_concurrent_identical_enqueues_make_one_message(db: Database, queue: str) -> None:
    def put(i: int) -> int:
        with db.session() as s:
            return sq.enqueue(s, queue, {"image": "sha256:abc"})

    assert len(set(run_threads(8, put))) == 1
    with db.session() as s:
        assert sq.stats(s, queue)[0].available == 1


def test_singleton_contention_one_winner(db: Database) -> None:
    lease_id = unique("watcher-")

    def grab(i: int) -> sq.LeaseGrant | None:
        with db.session() as s:
            return sq.acquire_lease(s, lease_id, f"replica-{i}", 30)

    grants = [g for g in run_threads(8, grab) if g is not None]
    assert len(grants) == 1 and grants[0].epoch == 1  # type: ignore[union-attr]


def test_singleton_lease_life_cycle(db: Database) -> None:
    lease_id = unique("image_watcher-")
    with db.session() as s:
        a = sq.acquire_lease(s, lease_id, "A", 0.3)
        assert a is not None and a.epoch == 1 and a.holder == "A"
        assert sq.acquire_lease(s, lease_id, "B", 30) is None
        assert sq.get_lease(s, lease_id) == a
    with db.session() as s:
        again = sq.acquire_lease(s, lease_id, "A", 0.3)  # the holder re-acquiring keeps its epoch
        assert again is not None and again.epoch == 1
        assert sq.renew_lease(s, lease_id, "A", 1, 0.3).expires_at >= again.expires_at
    time.sleep(0.4)
    with db.session() as s:
        assert sq.get_lease(s, lease_id) is None  # lapsed
        b = sq.acquire_lease(s, lease_id, "B", 30)
        assert b is not None and b.epoch == 2
    with db.session() as s, pytest.raises(LeaseLost, match="owner: B"):
        sq.renew_lease(s, lease_id, "A", 1, 30)  # the fenced-off former holder
    with db.session() as s, pytest.raises(LeaseLost):
        sq.release_lease(s, lease_id, "B", 1)  # right holder, wrong epoch
    with db.session() as s:
        sq.release_lease(s, lease_id, "B", 2)
        assert sq.get_lease(s, lease_id) is None
    with db.session() as s, pytest.raises(LeaseLost, match="owner: nobody"):
        sq.renew_lease(s, lease_id, "B", 2, 30)
    with db.session() as s:
        c = sq.acquire_lease(s, lease_id, "A", 30)
        assert c is not None and c.epoch == 3
    with db.session() as s, pytest.raises(LeaseLost):
        sq.release_lease(s, unique("never-"), "A", 1)
