"""SimpleQueue tables (engine schema): queued messages and singleton leases.

A message row lives from enqueue until it is acknowledged (then deleted) or dropped. Its
``state`` is only ``pending`` or ``dead``; whether a pending message is available, in flight
or delayed follows from ``visible_at`` and ``receipt`` at the time of asking, so no sweeper
has to move expired leases back: an expired lease simply makes the row visible again.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from drydock.core.db import Base, utcnow

PENDING = "pending"
DEAD = "dead"

ONLY_PENDING = text("state = 'pending'")


class QueueMessage(Base):
    """One message of a named queue."""

    __tablename__ = "queue_messages"

    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    )
    queue: Mapped[str] = mapped_column(String(128))
    state: Mapped[str] = mapped_column(String(16), default=PENDING)
    priority: Mapped[int] = mapped_column(Integer, default=0)
    payload: Mapped[dict[str, Any]] = mapped_column()
    dedupe_key: Mapped[str] = mapped_column(String(128))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    max_attempts: Mapped[int] = mapped_column(Integer)
    # Not delivered before this instant: the enqueue delay, the retry backoff or the lease expiry.
    visible_at: Mapped[datetime] = mapped_column()
    # Set while (or since) the message was leased; a new lease replaces it, a failure clears it.
    receipt: Mapped[str | None] = mapped_column(String(32), nullable=True)
    holder: Mapped[str | None] = mapped_column(String(128), nullable=True)
    leased_at: Mapped[datetime | None] = mapped_column(nullable=True)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (
        # The lease scan: one queue's pending rows in delivery order (priority DESC, id ASC),
        # so the next message is read off the index instead of sorting the whole queue.
        Index("ix_queue_messages_delivery", "queue", "state", text("priority DESC"), "id"),
        # Dedupe among pending messages only: a dead or acknowledged twin does not block.
        Index(
            "uq_queue_messages_pending_dedupe",
            "queue",
            "dedupe_key",
            unique=True,
            postgresql_where=ONLY_PENDING,
            sqlite_where=ONLY_PENDING,
        ),
    )


class SingletonLease(Base):
    """A named lease one holder at a time may own, so periodic work runs in one replica.

    ``epoch`` is a fencing token: it grows every time the lease changes hands, so work done
    under an older epoch can be recognised and refused by whoever receives its results.
    """

    __tablename__ = "queue_leases"

    id: Mapped[str] = mapped_column(String(128), primary_key=True)
    holder: Mapped[str | None] = mapped_column(String(128), nullable=True)
    epoch: Mapped[int] = mapped_column(BigInteger, default=0)
    expires_at: Mapped[datetime] = mapped_column()
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
