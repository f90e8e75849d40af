"""Prometheus metrics of the queue.

Counters are recorded against the session and applied only when its transaction commits, so
a rolled-back lease or enqueue is never counted. Depth gauges are refreshed whenever queue
statistics are read (the API's list and show, the CLI, a dashboard poll).
"""

from __future__ import annotations

import threading
from collections.abc import Iterable

from prometheus_client import Counter, Gauge
from sqlalchemy import event
from sqlalchemy.orm import Session

from drydock.queue.policy import MessageState
from drydock.queue.schemas import QueueStats

ENQUEUED = Counter("drydock_queue_enqueued_total", "Messages enqueued (duplicates excluded)", ["queue"])
LEASED = Counter("drydock_queue_leased_total", "Message deliveries (leases granted)", ["queue"])
ACKED = Counter("drydock_queue_acked_total", "Messages acknowledged", ["queue"])
FAILED = Counter("drydock_queue_failed_total", "Deliveries reported failed by a worker", ["queue"])
DEAD = Counter("drydock_queue_dead_lettered_total", "Messages moved to the dead letters", ["queue"])
MESSAGES = Gauge(
    "drydock_queue_messages", "Messages per queue and state at the last stats read", ["queue", "state"]
)

_PENDING_KEY = "drydock.queue.metrics"
_known_queues: set[str] = set()
_known_lock = threading.Lock()


def record(session: Session, counter: Counter, queue: str, amount: int = 1) -> None:
    """Count ``amount`` on ``counter`` once ``session`` commits."""
    if amount:
        session.info.setdefault(_PENDING_KEY, []).append((counter, queue, amount))


@event.listens_for(Session, "after_commit")
def _apply(session: Session) -> None:
    for counter, queue, amount in session.info.pop(_PENDING_KEY, ()):
        counter.labels(queue).inc(amount)


@event.listens_for(Session, "after_rollback")
def _discard(session: Session) -> None:
    session.info.pop(_PENDING_KEY, None)


def publish_depths(stats: Iterable[QueueStats], *, complete: bool) -> None:
    """Set the depth gauges; with ``complete`` (every queue was read) queues that have
    emptied out are set to zero rather than left at their last value."""
    seen = {s.queue: s for s in stats}
    with _known_lock:
        stale = (_known_queues - seen.keys()) if complete else set()
        _known_queues.update(seen)
    for queue in stale:
        for state in MessageState:
            MESSAGES.labels(queue, state.value).set(0)
    for queue, s in seen.items():
        for state in MessageState:
            MESSAGES.labels(queue, state.value).set(getattr(s, state.value))
