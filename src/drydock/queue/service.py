"""SimpleQueue on the database: named queues with at-least-once leases, retries with backoff
and dead letters, plus singleton leases with fencing epochs for cluster-wide watchers.

Every function works inside the caller's transaction (``session``); nothing commits here, so
a worker may enqueue follow-up messages and acknowledge its own in one atomic commit.

Concurrency: on PostgreSQL the lease scan is ``SELECT ... FOR UPDATE SKIP LOCKED``, so
concurrent workers take disjoint messages without waiting for each other; single-message
operations lock their row. On SQLite every write transaction starts with ``BEGIN IMMEDIATE``
(see ``drydock.core.db``), which serialises writers of one database file.

Times are the application's clock (UTC); replicas are expected to run NTP-synchronised, and
visibility timeouts should be far larger than any clock skew.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, delete, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from drydock.core.db import utcnow
from drydock.core.errors import Conflict
from drydock.queue import metrics
from drydock.queue.errors import InvalidQueueRequest, LeaseLost, MessageNotFound, NotDead, StaleReceipt
from drydock.queue.models import DEAD, ONLY_PENDING, PENDING, QueueMessage, SingletonLease
from drydock.queue.policy import (
    DEFAULT_MAX_ATTEMPTS,
    DEFAULT_VISIBILITY_TIMEOUT,
    HOLDER_MAX,
    MAX_ATTEMPTS_RANGE,
    MAX_ERROR_CHARS,
    MAX_LEASE_COUNT,
    MAX_TIMEOUT_SECONDS,
    PRIORITY_RANGE,
    MessageState,
    backoff_seconds,
    canonical_json,
    check_name,
    check_queue_name,
    check_range,
    check_text,
    derive_state,
    parse_state,
    stored_dedupe_key,
)
from drydock.queue.schemas import LeaseGrant, Message, QueueStats

LIST_LIMIT_MAX = 1000


# --- messages ------------------------------------------------------------------------------


def enqueue(
    session: Session,
    queue: str,
    payload: dict[str, Any],
    *,
    priority: int = 0,
    dedupe_key: str | None = None,
    max_attempts: int = DEFAULT_MAX_ATTEMPTS,
    not_before: datetime | None = None,
) -> int:
    """Add a message and return its id; if a pending message of ``queue`` already has the
    same dedupe key (default: SHA-256 of the payload's canonical JSON), return that one's id
    instead. Concurrent identical enqueues resolve to one row through the partial unique
    index, not through a read-then-insert race."""
    check_queue_name(queue)
    canonical = canonical_json(payload)
    key = stored_dedupe_key(canonical, dedupe_key)
    check_range("priority", priority, *PRIORITY_RANGE)
    check_range("max_attempts", max_attempts, *MAX_ATTEMPTS_RANGE)
    if not_before is not None and not_before.tzinfo is None:
        raise InvalidQueueRequest("not_before must carry a timezone")
    now = utcnow()
    row = {
        "queue": queue,
        "state": PENDING,
        "priority": int(priority),
        "payload": payload,
        "dedupe_key": key,
        "attempts": 0,
        "max_attempts": int(max_attempts),
        "visible_at": max(now, not_before) if not_before else now,
        "created_at": now,
        "updated_at": now,
    }
    for _ in range(3):  # the twin we collided with may be acknowledged in between: insert again
        stmt = (
            _insert(session, QueueMessage)
            .values(**row)
            .on_conflict_do_nothing(index_elements=["queue", "dedupe_key"], index_where=ONLY_PENDING)
            .returning(QueueMessage.id)
        )
        new_id = session.execute(stmt).scalar_one_or_none()
        if new_id is not None:
            metrics.record(session, metrics.ENQUEUED, queue)
            return int(new_id)
        existing = session.scalar(
            select(QueueMessage.id).where(
                QueueMessage.queue == queue, QueueMessage.dedupe_key == key, QueueMessage.state == PENDING
            )
        )
        if existing is not None:
            return int(existing)
    raise Conflict(f"could not enqueue into {queue}: its pending duplicate kept changing")


def lease(
    session: Session,
    queue: str,
    holder: str,
    *,
    count: int = 1,
    visibility_timeout: float = DEFAULT_VISIBILITY_TIMEOUT,
) -> list[Message]:
    """Deliver up to ``count`` available messages (priority first, then FIFO) to ``holder``,
    hidden from everyone else for ``visibility_timeout`` seconds; each carries a fresh
    receipt for extend/ack/fail. A message found with no attempts left (its previous leases
    all expired unacknowledged) goes to the dead letters instead of being delivered again."""
    check_queue_name(queue)
    check_text("holder", holder, HOLDER_MAX)
    check_range("count", count, 1, MAX_LEASE_COUNT)
    check_range("visibility_timeout", visibility_timeout, 0, MAX_TIMEOUT_SECONDS)
    now = utcnow()
    delivered: list[Message] = []
    buried = True  # scan again only while exhausted messages took places in the batch
    while buried and len(delivered) < count:
        stmt = select(QueueMessage).where(
            QueueMessage.queue == queue, QueueMessage.state == PENDING, QueueMessage.visible_at <= now
        )
        if delivered:  # with a zero visibility timeout they would qualify again
            stmt = stmt.where(QueueMessage.id.not_in([m.id for m in delivered]))
        rows = session.scalars(
            stmt.order_by(QueueMessage.priority.desc(), QueueMessage.id)
            .limit(count - len(delivered))
            .with_for_update(skip_locked=True)
            .execution_options(populate_existing=True)
        ).all()
        buried = False
        for row in rows:
            if row.attempts >= row.max_attempts:
                _bury(
                    session, row, now, f"lease expired without acknowledgement after {row.attempts} attempts"
                )
                buried = True
                continue
            row.attempts += 1
            row.receipt = uuid.uuid4().hex
            row.holder = holder
            row.leased_at = now
            row.visible_at = now + timedelta(seconds=visibility_timeout)
            row.updated_at = now
            delivered.append(_message(row, now))
        session.flush()
    metrics.record(session, metrics.LEASED, queue, len(delivered))
    return delivered


def extend(
    session: Session,
    msg_id: int,
    holder: str,
    receipt: str,
    visibility_timeout: float,
    *,
    queue: str | None = None,
) -> Message:
    """Keep a leased message hidden for ``visibility_timeout`` more seconds from now. Allowed
    while the receipt is current, even just after expiry if nobody has re-leased it."""
    check_range("visibility_timeout", visibility_timeout, 0, MAX_TIMEOUT_SECONDS)
    row = _current(session, msg_id, receipt, queue)
    if row.holder != holder:
        raise StaleReceipt(f"message {msg_id} is leased by {row.holder!r}, not {holder!r}")
    now = utcnow()
    row.visible_at = now + timedelta(seconds=visibility_timeout)
    row.updated_at = now
    session.flush()
    return _message(row, now)


def ack(session: Session, msg_id: int, receipt: str, *, queue: str | None = None) -> None:
    """Done: the message is deleted. A stale receipt is refused (``StaleReceipt``)."""
    row = _current(session, msg_id, receipt, queue)
    session.delete(row)
    session.flush()
    metrics.record(session, metrics.ACKED, row.queue)


def fail(
    session: Session,
    msg_id: int,
    receipt: str,
    error: str,
    *,
    retry_after: float | None = None,
    queue: str | None = None,
) -> Message:
    """The delivery failed: keep ``error`` and deliver again after an exponential backoff
    (or ``retry_after`` seconds), or move the message to the dead letters when it has no
    attempts left."""
    if retry_after is not None:
        check_range("retry_after", retry_after, 0, MAX_TIMEOUT_SECONDS)
    row = _current(session, msg_id, receipt, queue)
    now = utcnow()
    metrics.record(session, metrics.FAILED, row.queue)
    error = error[:MAX_ERROR_CHARS] or "failed"
    if row.attempts >= row.max_attempts:
        _bury(session, row, now, error)
    else:
        delay = backoff_seconds(row.attempts) if retry_after is None else retry_after
        row.last_error = error
        row.receipt = row.holder = None
        row.visible_at = now + timedelta(seconds=delay)
        row.updated_at = now
    session.flush()
    return _message(row, now)


# --- administration ------------------------------------------------------------------------


def retry_dead(session: Session, queue: str, msg_id: int | None = None) -> int:
    """Give dead messages (one, or all of ``queue``) a fresh set of attempts, available now;
    the last error is kept for reference. A dead message whose payload is pending again
    under the same dedupe key is removed instead, since its twin will do the work. Returns
    how many messages were revived."""
    check_queue_name(queue)
    where = [QueueMessage.queue == queue, QueueMessage.state == DEAD]
    if msg_id is not None:
        row = _get(session, msg_id, queue)
        if row.state != DEAD:
            raise NotDead(f"message {msg_id} is not a dead letter")
        where.append(QueueMessage.id == msg_id)
    rows = session.scalars(
        select(QueueMessage)
        .where(*where)
        .order_by(QueueMessage.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).all()
    pending_keys = set(
        session.scalars(
            select(QueueMessage.dedupe_key).where(
                QueueMessage.queue == queue,
                QueueMessage.state == PENDING,
                QueueMessage.dedupe_key.in_({r.dedupe_key for r in rows}),
            )
        )
    )
    now = utcnow()
    revived = 0
    for row in rows:
        if row.dedupe_key in pending_keys:
            session.delete(row)
            continue
        pending_keys.add(row.dedupe_key)
        row.state = PENDING
        row.attempts = 0
        row.receipt = row.holder = None
        row.visible_at = now
        row.updated_at = now
        revived += 1
    session.flush()
    return revived


def drop(session: Session, queue: str, msg_id: int) -> None:
    """Delete a message whatever its state (an in-flight worker's ack will then fail)."""
    session.delete(_get(session, msg_id, queue))
    session.flush()


def purge(session: Session, queue: str, state: str | None = None) -> int:
    """Delete the messages of ``queue`` in ``state`` (all of them when None/``all``)."""
    check_queue_name(queue)
    parsed = parse_state(state)
    where = [QueueMessage.queue == queue]
    if parsed is not None:
        where.append(_state_filter(parsed, utcnow()))
    result = session.execute(delete(QueueMessage).where(*where).execution_options(synchronize_session=False))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def list_messages(session: Session, queue: str, state: str | None = None, limit: int = 100) -> list[Message]:
    """Messages in delivery order (priority, then age), optionally of one state."""
    check_queue_name(queue)
    check_range("limit", limit, 1, LIST_LIMIT_MAX)
    parsed = parse_state(state)
    now = utcnow()
    stmt = select(QueueMessage).where(QueueMessage.queue == queue)
    if parsed is not None:
        stmt = stmt.where(_state_filter(parsed, now))
    rows = session.scalars(
        stmt.order_by(QueueMessage.priority.desc(), QueueMessage.id).limit(int(limit))
    ).all()
    return [_message(r, now) for r in rows]


def stats(session: Session, queue: str | None = None) -> list[QueueStats]:
    """Per queue: available (depth), in flight, delayed and dead counts. A named queue with
    no messages reports zeros. Refreshes the depth gauges."""
    if queue is not None:
        check_queue_name(queue)
    now = utcnow()
    counts = [func.count().filter(_state_filter(s, now)).label(s.value) for s in MessageState]
    stmt = select(QueueMessage.queue, *counts).group_by(QueueMessage.queue).order_by(QueueMessage.queue)
    if queue is not None:
        stmt = stmt.where(QueueMessage.queue == queue)
    out = [
        QueueStats(queue=r.queue, **{s.value: int(r._mapping[s.value]) for s in MessageState})
        for r in session.execute(stmt)
    ]
    if queue is not None and not out:
        out = [QueueStats(queue=queue)]
    metrics.publish_depths(out, complete=queue is None)
    return out


# --- singleton leases ----------------------------------------------------------------------


def acquire_lease(session: Session, lease_id: str, holder: str, ttl: float) -> LeaseGrant | None:
    """Take (or keep) the named lease for ``ttl`` seconds; None while another holder owns it.
    The epoch grows each time the lease changes hands (including a re-take after it lapsed)."""
    check_name("lease id", lease_id)
    check_text("holder", holder, HOLDER_MAX)
    check_range("ttl", ttl, 0.001, MAX_TIMEOUT_SECONDS)
    now = utcnow()
    row = session.get(SingletonLease, lease_id, with_for_update=True, populate_existing=True)
    if row is None:
        session.execute(
            _insert(session, SingletonLease)
            .values(id=lease_id, holder=None, epoch=0, expires_at=now, updated_at=now)
            .on_conflict_do_nothing(index_elements=["id"])
        )
        row = session.get(SingletonLease, lease_id, with_for_update=True, populate_existing=True)
        assert row is not None
    held = row.holder is not None and row.expires_at > now
    if held and row.holder != holder:
        return None
    if not held:
        row.holder = holder
        row.epoch += 1
    row.expires_at = now + timedelta(seconds=ttl)
    row.updated_at = now
    session.flush()
    return _grant(row)


def renew_lease(session: Session, lease_id: str, holder: str, epoch: int, ttl: float) -> LeaseGrant:
    """Extend the lease ``ttl`` seconds from now; ``LeaseLost`` if it changed hands (a lapsed
    lease nobody took since may still be renewed: its epoch is unchanged)."""
    check_range("ttl", ttl, 0.001, MAX_TIMEOUT_SECONDS)
    row = _owned_lease(session, lease_id, holder, epoch)
    now = utcnow()
    row.expires_at = now + timedelta(seconds=ttl)
    row.updated_at = now
    session.flush()
    return _grant(row)


def release_lease(session: Session, lease_id: str, holder: str, epoch: int) -> None:
    """Give the lease up now so another replica need not wait for it to expire."""
    row = _owned_lease(session, lease_id, holder, epoch)
    now = utcnow()
    row.holder = None
    row.expires_at = now
    row.updated_at = now
    session.flush()


def get_lease(session: Session, lease_id: str) -> LeaseGrant | None:
    """The current owner, or None when the lease is free (never taken, released or lapsed)."""
    row = session.get(SingletonLease, lease_id)
    if row is None or row.holder is None or row.expires_at <= utcnow():
        return None
    return _grant(row)


# --- helpers -------------------------------------------------------------------------------


def _insert(session: Session, entity: type[Any]) -> Any:
    """INSERT with ON CONFLICT for the session's backend (both spell it the same way)."""
    module = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    return module.insert(entity)


def _get(session: Session, msg_id: int, queue: str | None) -> QueueMessage:
    row = session.get(QueueMessage, msg_id, with_for_update=True, populate_existing=True)
    if row is None or (queue is not None and row.queue != queue):
        where = f" in queue {queue}" if queue is not None else ""
        raise MessageNotFound(f"message {msg_id} not found{where} (acknowledged, dropped or never queued)")
    return row


def _current(session: Session, msg_id: int, receipt: str, queue: str | None) -> QueueMessage:
    """The message, provided ``receipt`` is still its lease's receipt."""
    row = _get(session, msg_id, queue)
    if row.state != PENDING or row.receipt is None or row.receipt != receipt:
        raise StaleReceipt(
            f"receipt for message {msg_id} is stale: its lease expired and it was delivered "
            "again, failed or dead-lettered since"
        )
    return row


def _bury(session: Session, row: QueueMessage, now: datetime, error: str) -> None:
    row.state = DEAD
    row.last_error = error
    row.receipt = row.holder = None
    row.updated_at = now
    metrics.record(session, metrics.DEAD, row.queue)


def _owned_lease(session: Session, lease_id: str, holder: str, epoch: int) -> SingletonLease:
    row = session.get(SingletonLease, lease_id, with_for_update=True, populate_existing=True)
    if row is None or row.holder != holder or row.epoch != epoch:
        owner = "nobody" if row is None or row.holder is None else f"{row.holder} (epoch {row.epoch})"
        raise LeaseLost(f"lease {lease_id} is not held by {holder} at epoch {epoch}; owner: {owner}")
    return row


def _state_filter(state: MessageState, now: datetime) -> ColumnElement[bool]:
    """SQL for :func:`drydock.queue.policy.derive_state` (the two must agree)."""
    pending, visible = QueueMessage.state == PENDING, QueueMessage.visible_at <= now
    match state:
        case MessageState.DEAD:
            return QueueMessage.state == DEAD
        case MessageState.AVAILABLE:
            return and_(pending, visible)
        case MessageState.INFLIGHT:
            return and_(pending, ~visible, QueueMessage.receipt.is_not(None))
        case MessageState.DELAYED:
            return and_(pending, ~visible, QueueMessage.receipt.is_(None))


def _message(row: QueueMessage, now: datetime) -> Message:
    return Message(
        id=row.id,
        queue=row.queue,
        state=derive_state(row.state == DEAD, row.visible_at, row.receipt, now).value,
        priority=row.priority,
        payload=row.payload,
        dedupe_key=row.dedupe_key,
        attempts=row.attempts,
        max_attempts=row.max_attempts,
        visible_at=row.visible_at,
        receipt=row.receipt,
        holder=row.holder,
        last_error=row.last_error,
        created_at=row.created_at,
    )


def _grant(row: SingletonLease) -> LeaseGrant:
    assert row.holder is not None
    return LeaseGrant(lease_id=row.id, holder=row.holder, epoch=row.epoch, expires_at=row.expires_at)
