"""Queue semantics on both backends, through the service functions."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest

from drydock.core.db import Database, utcnow
from drydock.queue import service as sq
from drydock.queue.errors import InvalidQueueRequest, MessageNotFound, NotDead, StaleReceipt
from drydock.queue.policy import BACKOFF_BASE_SECONDS


def enqueue(db: Database, queue: str, payload: dict, **kw: object) -> int:
    with db.session() as s:
        return sq.enqueue(s, queue, payload, **kw)  # type: ignore[arg-type]


def lease(db: Database, queue: str, holder: str = "w1", **kw: object) -> list[sq.Message]:
    with db.session() as s:
        return sq.lease(s, queue, holder, **kw)  # type: ignore[arg-type]


def stats(db: Database, queue: str) -> sq.QueueStats:
    with db.session() as s:
        return sq.stats(s, queue)[0]


def test_priority_then_fifo(db: Database, queue: str) -> None:
    low1 = enqueue(db, queue, {"n": 1})
    high = enqueue(db, queue, {"n": 2}, priority=5)
    low2 = enqueue(db, queue, {"n": 3})
    neg = enqueue(db, queue, {"n": 4}, priority=-1)
    got = lease(db, queue, count=10)
    assert [m.id for m in got] == [high, low1, low2, neg]
    assert [m.payload["n"] for m in got] == [2, 1, 3, 4]
    assert all(m.state == "inflight" and m.attempts == 1 and m.receipt for m in got)
    assert len({m.receipt for m in got}) == 4


def test_dedupe_pending_only(db: Database, queue: str) -> None:
    first = enqueue(db, queue, {"a": 1, "b": [1, 2]})
    assert enqueue(db, queue, {"b": [1, 2], "a": 1}) == first  # same canonical JSON
    assert enqueue(db, queue, {"a": 2}) != first
    keyed = enqueue(db, queue, {"x": 1}, dedupe_key="image:sha256:abc")
    assert enqueue(db, queue, {"x": 2}, dedupe_key="image:sha256:abc") == keyed
    long_key = "account-" + "a" * 128 + "/sha256:" + "f" * 64
    long_id = enqueue(db, queue, {"x": 3}, dedupe_key=long_key)
    assert enqueue(db, queue, {"x": 4}, dedupe_key=long_key) == long_id
    assert enqueue(db, queue, {"x": 5}, dedupe_key=long_key[:-1] + "e") != long_id
    # An in-flight message is still pending: no twin.
    [m] = [m for m in lease(db, queue, count=10) if m.id == first]
    assert enqueue(db, queue, {"a": 1, "b": [1, 2]}) == first
    with db.session() as s:
        sq.ack(s, m.id, m.receipt)  # type: ignore[arg-type]
    assert enqueue(db, queue, {"a": 1, "b": [1, 2]}) != first  # acknowledged: enqueue again
    # Another queue never dedupes against this one.
    assert enqueue(db, queue + "-other", {"a": 2}) != first


def test_leased_message_invisible_until_expiry_then_redelivered(db: Database, queue: str) -> None:
    mid = enqueue(db, queue, {"job": 1})
    [m] = lease(db, queue, "w1", visibility_timeout=0.4)
    assert m.id == mid and m.holder == "w1"
    assert lease(db, queue, "w2") == []
    assert stats(db, queue).inflight == 1
    time.sleep(0.5)
    assert stats(db, queue).available == 1
    [again] = lease(db, queue, "w2", visibility_timeout=30)
    assert again.id == mid and again.attempts == 2 and again.receipt != m.receipt
    with db.session() as s, pytest.raises(StaleReceipt):
        sq.ack(s, mid, m.receipt)  # type: ignore[arg-type]
    with db.session() as s:
        sq.ack(s, mid, again.receipt)  # type: ignore[arg-type]
    with db.session() as s, pytest.raises(MessageNotFound):
        sq.ack(s, mid, again.receipt)  # type: ignore[arg-type]


def test_expired_but_not_retaken_receipt_still_acks(db: Database, queue: str) -> None:
    enqueue(db, queue, {"job": 1})
    [m] = lease(db, queue, visibility_timeout=0.05)
    time.sleep(0.1)
    with db.session() as s:
        sq.ack(s, m.id, m.receipt)  # type: ignore[arg-type]
    assert stats(db, queue) == sq.QueueStats(queue=queue)


def test_extend_keeps_message_hidden(db: Database, queue: str) -> None:
    enqueue(db, queue, {"job": 1})
    [m] = lease(db, queue, "w1", visibility_timeout=0.3)
    with db.session() as s:
        ext = sq.extend(s, m.id, "w1", m.receipt, 30)  # type: ignore[arg-type]
    assert ext.visible_at > utcnow() + timedelta(seconds=25) and ext.receipt == m.receipt
    time.sleep(0.4)
    assert lease(db, queue, "w2") == []
    with db.session() as s, pytest.raises(StaleReceipt, match="leased by 'w1'"):
        sq.extend(s, m.id, "w2", m.receipt, 30)  # type: ignore[arg-type]
    with db.session() as s, pytest.raises(StaleReceipt):
        sq.extend(s, m.id, "w1", "0" * 32, 30)
    with db.session() as s, pytest.raises(MessageNotFound):
        sq.extend(s, m.id, "w1", m.receipt, 30, queue=queue + "x")  # type: ignore[arg-type]


def test_fail_backs_off_then_dead_letters_keeping_error(db: Database, queue: str) -> None:
    mid = enqueue(db, queue, {"job": "flaky"}, max_attempts=3)
    [m] = lease(db, queue)
    before = utcnow()
    with db.session() as s:
        failed = sq.fail(s, m.id, m.receipt, "boom 1")  # type: ignore[arg-type]
    assert failed.state == "delayed" and failed.last_error == "boom 1" and failed.receipt is None
    delay = (failed.visible_at - before).total_seconds()
    assert BACKOFF_BASE_SECONDS - 1 < delay <= BACKOFF_BASE_SECONDS + 1
    assert lease(db, queue) == []
    assert stats(db, queue).delayed == 1
    with db.session() as s, pytest.raises(StaleReceipt):
        sq.fail(s, m.id, m.receipt, "again")  # type: ignore[arg-type]
    # Second attempt: doubled backoff unless the worker asks for a specific delay.
    with db.session() as s:
        s.get(sq.QueueMessage, mid).visible_at = utcnow()  # type: ignore[union-attr]
    [m2] = lease(db, queue)
    with db.session() as s:
        second = sq.fail(s, m2.id, m2.receipt, "boom 2")  # type: ignore[arg-type]
    assert (second.visible_at - utcnow()).total_seconds() > 2 * BACKOFF_BASE_SECONDS - 2
    with db.session() as s:
        s.get(sq.QueueMessage, mid).visible_at = utcnow()  # type: ignore[union-attr]
    [m3] = lease(db, queue)
    assert m3.attempts == 3
    with db.session() as s:
        dead = sq.fail(s, m3.id, m3.receipt, "boom 3" + "x" * 10000)  # type: ignore[arg-type]
    assert dead.state == "dead" and dead.attempts == 3 and dead.last_error.startswith("boom 3")  # type: ignore[union-attr]
    assert len(dead.last_error) == 4000  # type: ignore[arg-type]
    assert stats(db, queue).dead == 1 and lease(db, queue) == []
    with db.session() as s:
        [listed] = sq.list_messages(s, queue, "dead")
    assert listed.id == mid and listed.attempts == 3 and listed.last_error == dead.last_error


def test_retry_after_zero_redelivers_at_once(db: Database, queue: str) -> None:
    enqueue(db, queue, {"job": 1})
    [m] = lease(db, queue)
    with db.session() as s:
        sq.fail(s, m.id, m.receipt, "transient", retry_after=0)  # type: ignore[arg-type]
    [again] = lease(db, queue)
    assert again.id == m.id and again.last_error == "transient"


def test_expired_leases_exhaust_attempts_into_dead_letters(db: Database, queue: str) -> None:
    mid = enqueue(db, queue, {"job": "crashy"}, max_attempts=2)
    for _ in range(2):
        assert [m.id for m in lease(db, queue, visibility_timeout=0.05)] == [mid]
        time.sleep(0.1)
    assert lease(db, queue) == []
    with db.session() as s:
        [dead] = sq.list_messages(s, queue, "dead")
    assert "without acknowledgement after 2 attempts" in (dead.last_error or "")


def test_retry_dead_and_drop(db: Database, queue: str) -> None:
    ids = [enqueue(db, queue, {"n": n}, max_attempts=1) for n in range(3)]
    for m in lease(db, queue, count=3):
        with db.session() as s:
            sq.fail(s, m.id, m.receipt, f"bad {m.payload['n']}")  # type: ignore[arg-type]
    assert stats(db, queue).dead == 3
    with db.session() as s:
        assert sq.retry_dead(s, queue, ids[0]) == 1
    with db.session() as s, pytest.raises(NotDead):
        sq.retry_dead(s, queue, ids[0])
    [revived] = lease(db, queue)
    assert revived.id == ids[0] and revived.attempts == 1 and revived.last_error == "bad 0"
    # A dead message whose twin is pending again is removed, not revived beside it.
    twin = enqueue(db, queue, {"n": 1})
    with db.session() as s:
        assert sq.retry_dead(s, queue) == 1
    with db.session() as s:
        pending = sq.list_messages(s, queue, "available")
    assert sorted(m.id for m in pending) == sorted([twin, ids[2]])
    with db.session() as s:
        sq.drop(s, queue, twin)
    with db.session() as s, pytest.raises(MessageNotFound):
        sq.drop(s, queue, twin)
    with db.session() as s, pytest.raises(MessageNotFound):
        sq.retry_dead(s, queue, 10**12)


def test_stats_and_purge(db: Database, queue: str) -> None:
    enqueue(db, queue, {"n": 1})
    enqueue(db, queue, {"n": 2})
    enqueue(db, queue, {"n": 3}, not_before=utcnow() + timedelta(hours=1))
    enqueue(db, queue, {"n": 4}, max_attempts=1)
    [m] = lease(db, queue)
    assert stats(db, queue) == sq.QueueStats(queue=queue, available=2, inflight=1, delayed=1, dead=0)
    with db.session() as s:
        all_stats = {st.queue: st for st in sq.stats(s)}
    assert all_stats[queue].available == 2
    with db.session() as s:
        assert sq.stats(s, "never-used-queue") == [sq.QueueStats(queue="never-used-queue")]
        assert sq.purge(s, queue, "delayed") == 1
        assert sq.purge(s, queue, "available") == 2
    assert stats(db, queue) == sq.QueueStats(queue=queue, inflight=1)
    with db.session() as s:
        assert sq.purge(s, queue) == 1
    with db.session() as s, pytest.raises(MessageNotFound):
        sq.ack(s, m.id, m.receipt, queue=queue)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"queue": "bad name!"}, "invalid queue name"),
        ({"queue": ""}, "invalid queue name"),
        ({"payload": ["not", "an", "object"]}, "JSON object"),
        ({"payload": {"x": float("nan")}}, "not JSON-serialisable"),
        ({"payload": {"x": object()}}, "not JSON-serialisable"),
        ({"payload": {"x": "y" * (1 << 20)}}, "larger than"),
        ({"priority": 10**6}, "priority"),
        ({"max_attempts": 0}, "max_attempts"),
        ({"dedupe_key": ""}, "dedupe_key"),
        ({"dedupe_key": "k" * 4097}, "dedupe_key"),
        ({"not_before": utcnow().replace(tzinfo=None)}, "timezone"),
    ],
)
def test_enqueue_rejects_bad_input(db: Database, queue: str, kwargs: dict, message: str) -> None:
    args = {"queue": queue, "payload": {"ok": True}} | kwargs
    with db.session() as s, pytest.raises(InvalidQueueRequest, match=message):
        sq.enqueue(s, args.pop("queue"), args.pop("payload"), **args)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [({"count": 0}, "count"), ({"count": 101}, "count"), ({"visibility_timeout": -1}, "visibility_timeout")],
)
def test_lease_rejects_bad_input(db: Database, queue: str, kwargs: dict, message: str) -> None:
    with db.session() as s, pytest.raises(InvalidQueueRequest, match=message):
        sq.lease(s, queue, "w", **kwargs)


def test_list_rejects_unknown_state(db: Database, queue: str) -> None:
    with db.session() as s, pytest.raises(InvalidQueueRequest, match="unknown message state"):
        sq.list_messages(s, queue, "sleeping")


def test_rolled_back_enqueue_leaves_nothing(db: Database, queue: str) -> None:
    with pytest.raises(RuntimeError), db.session() as s:
        sq.enqueue(s, queue, {"n": 1})
        raise RuntimeError("worker crashed before commit")
    assert stats(db, queue) == sq.QueueStats(queue=queue)


def test_zero_visibility_timeout_never_delivers_twice_in_one_call(db: Database, queue: str) -> None:
    ids = [enqueue(db, queue, {"n": n}) for n in range(2)]
    got = lease(db, queue, count=5, visibility_timeout=0)
    assert [m.id for m in got] == ids and all(m.attempts == 1 for m in got)


def test_exhausted_message_does_not_take_a_place_in_the_batch(db: Database, queue: str) -> None:
    crashy = enqueue(db, queue, {"n": "crashy"}, max_attempts=1, priority=9)
    [m] = lease(db, queue, visibility_timeout=0.05)
    assert m.id == crashy
    others = [enqueue(db, queue, {"n": n}) for n in range(2)]
    time.sleep(0.1)
    assert [m.id for m in lease(db, queue, count=2)] == others
    assert stats(db, queue).dead == 1


def test_one_session_across_commits_sees_other_sessions_changes(db: Database, queue: str) -> None:
    """Sessions keep objects after commit (expire_on_commit=False); a long-lived worker
    session must still lease from the rows as they are now, not as it last saw them."""
    mid = enqueue(db, queue, {"n": 1})
    with db.session() as worker:
        [m] = sq.lease(worker, queue, "w1", visibility_timeout=0.05)
        pinned = worker.get(sq.QueueMessage, mid)  # the caller holds the row: it stays in the identity map
        worker.commit()
        time.sleep(0.1)
        [other] = lease(db, queue, "w2", visibility_timeout=0.05)  # another session re-leases
        time.sleep(0.1)
        [again] = sq.lease(worker, queue, "w1")
        assert again.id == mid and again.attempts == 3 and again.receipt not in (m.receipt, other.receipt)
        assert pinned is not None and pinned.holder == "w1"
