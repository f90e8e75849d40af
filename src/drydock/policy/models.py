"""Policy tables: each account's bundles (one active) and its stored evaluations."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from drydock.core.db import Base, utcnow


class PolicyBundleRecord(Base):
    __tablename__ = "policy_bundles"

    account: Mapped[str] = mapped_column(String(128), primary_key=True)
    policy_id: Mapped[str] = mapped_column(String(255), primary_key=True)
    name: Mapped[str | None] = mapped_column(String(255), nullable=True)
    description: Mapped[str | None] = mapped_column(Text, nullable=True)
    active: Mapped[bool] = mapped_column(Boolean, default=False)
    policy_source: Mapped[str] = mapped_column(String(32), default="local")
    bundle: Mapped[dict[str, Any]] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_updated: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    __table_args__ = (Index("ix_policy_bundles_account_active", "account", "active"),)


class PolicyEvaluationRecord(Base):
    """One outcome of evaluating a tag: ``eval_id`` = md5(policy:account:digest:tag:ACTION),
    so re-evaluations with the same outcome update one row (``last_evaluation``) and the
    history lists distinct outcomes. ``feed_generation`` and ``bundle_digest`` say which data
    produced it, so the watcher re-evaluates only when either moved."""

    __tablename__ = "policy_evaluations"

    account: Mapped[str] = mapped_column(String(128), primary_key=True)
    eval_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    image_digest: Mapped[str] = mapped_column(String(80))
    tag: Mapped[str] = mapped_column(String(1024))
    policy_id: Mapped[str] = mapped_column(String(255))
    final_action: Mapped[str] = mapped_column(String(8))
    status: Mapped[str] = mapped_column(String(8))
    feed_generation: Mapped[int] = mapped_column(Integer, default=0)
    bundle_digest: Mapped[str] = mapped_column(String(64))
    result: Mapped[dict[str, Any]] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_evaluation: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (Index("ix_policy_evaluations_image", "account", "image_digest", "tag"),)
