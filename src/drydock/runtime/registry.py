"""Register, heartbeat and list services, and the shared values they agree on."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from drydock.core.db import utcnow
from drydock.core.errors import NotFound
from drydock.runtime.models import ServiceRecord, SystemValue

# Drydock service key -> the name Anchore clients know it by (anchore-cli `system wait`
# looks for apiext, catalog, policy_engine, simplequeue and analyzer).
SERVICE_NAMES: dict[str, str] = {
    "api": "apiext",
    "rbac": "rbac_manager",
    "catalog": "catalog",
    "policy": "policy_engine",
    "queue": "simplequeue",
    "feeds": "feeds",
    "analyzer": "analyzer",
    "notifications": "notifications",
    "ui": "ui",
}


@dataclass(frozen=True, slots=True)
class ServiceState:
    record: ServiceRecord
    up: bool

    @property
    def status_message(self) -> str:
        return self.record.status_message if self.up else "unavailable"


def register(
    session: Session, *, hostid: str, servicename: str, base_url: str, version: str, detail: dict[str, Any]
) -> None:
    now = utcnow()
    record = session.get(ServiceRecord, (hostid, servicename))
    if record is None:
        session.add(
            ServiceRecord(
                hostid=hostid,
                servicename=servicename,
                base_url=base_url,
                version=version,
                status_message="available",
                detail=detail,
                heartbeat=now,
                started_at=now,
            )
        )
    else:
        record.base_url, record.version, record.detail = base_url, version, detail
        record.status_message, record.heartbeat, record.started_at = "available", now, now


def heartbeat(session: Session, *, hostid: str, servicenames: list[str], detail: dict[str, Any]) -> None:
    now = utcnow()
    for record in session.scalars(
        select(ServiceRecord).where(
            ServiceRecord.hostid == hostid, ServiceRecord.servicename.in_(servicenames)
        )
    ):
        record.heartbeat, record.detail, record.status_message = now, detail, "available"


def mark_stopped(session: Session, *, hostid: str, servicenames: list[str]) -> None:
    for record in session.scalars(
        select(ServiceRecord).where(
            ServiceRecord.hostid == hostid, ServiceRecord.servicename.in_(servicenames)
        )
    ):
        record.status_message = "unavailable"
        record.heartbeat = utcnow() - timedelta(days=1)


def list_services(
    session: Session, *, stale_after: timedelta, servicename: str | None = None, hostid: str | None = None
) -> list[ServiceState]:
    stmt = select(ServiceRecord).order_by(ServiceRecord.servicename, ServiceRecord.hostid)
    if servicename:
        stmt = stmt.where(ServiceRecord.servicename == servicename)
    if hostid:
        stmt = stmt.where(ServiceRecord.hostid == hostid)
    now = utcnow()
    return [
        ServiceState(record=r, up=r.status_message == "available" and now - r.heartbeat <= stale_after)
        for r in session.scalars(stmt)
    ]


def delete_service(session: Session, *, servicename: str, hostid: str) -> None:
    result = session.execute(
        delete(ServiceRecord).where(ServiceRecord.servicename == servicename, ServiceRecord.hostid == hostid)
    )
    if result.rowcount == 0:
        raise NotFound(f"Service {servicename} on host {hostid} not found")


def shared_secret(session: Session, key: str) -> str:
    """A random value created once and shared by every process using this database."""
    row = session.get(SystemValue, key)
    if row is not None:
        return row.value
    value = secrets.token_urlsafe(48)
    try:
        with session.begin_nested():
            session.add(SystemValue(key=key, value=value))
    except IntegrityError:  # another process won the race; use its value
        row = session.get(SystemValue, key)
        assert row is not None
        return row.value
    return value
