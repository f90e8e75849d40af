"""Service registry and process-shared state (engine tables)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from drydock.core.db import Base, utcnow


class ServiceRecord(Base):
    """One running service instance; ``heartbeat`` says whether it is still up."""

    __tablename__ = "services"

    hostid: Mapped[str] = mapped_column(String(255), primary_key=True)
    servicename: Mapped[str] = mapped_column(String(64), primary_key=True)
    base_url: Mapped[str] = mapped_column(String(512))
    version: Mapped[str] = mapped_column(String(64))
    status_message: Mapped[str] = mapped_column(String(32), default="available")
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)
    heartbeat: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)


class SystemValue(Base):
    """Small values every process must agree on (e.g. the token signing key)."""

    __tablename__ = "system_values"

    key: Mapped[str] = mapped_column(String(128), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
