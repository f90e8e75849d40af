"""The event log: every state change a user may care about, in Anchore's event shape.
The notifications service delivers from here; users list, read and delete events."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from drydock.catalog.models import Event
from drydock.core.db import utcnow
from drydock.core.errors import BadRequest, NotFound
from drydock.core.logging import request_id_var
from drydock.core.timeutil import iso_z

# fq type → (level, resource type, description). The tree of /event_types is built from this.
EVENT_TYPES: dict[str, tuple[str, str, str]] = {
    "user.image.analysis.completed": ("INFO", "image_digest", "Image analysis completed"),
    "user.image.analysis.failed": ("ERROR", "image_digest", "Image analysis failed"),
    "user.image.analysis.processing": ("INFO", "image_digest", "Image analysis started"),
    "user.image.tag.updated": ("INFO", "image_tag", "A tag now points to a new image digest"),
    "user.image.added": ("INFO", "image_digest", "An image was added to the catalog"),
    "user.image.deleted": ("INFO", "image_digest", "An image was deleted from the catalog"),
    "user.checks.tag.policy_evaluation.update": ("INFO", "image_tag", "Policy evaluation result changed"),
    "user.checks.tag.vulnerabilities.update": ("INFO", "image_tag", "Vulnerabilities of an image changed"),
    "user.policy.active.updated": ("INFO", "policy_bundle", "The active policy bundle changed"),
    "system.image_analysis.registry_lookup_failed": ("ERROR", "image_reference", "Registry lookup failed"),
    "system.repository.list_tags_fail": ("ERROR", "repository", "Listing the tags of a repository failed"),
    "user.repository.tags.added": ("INFO", "repository", "New tags found in a watched repository"),
    "system.feeds.sync.started": ("INFO", "feeds", "Feed sync started"),
    "system.feeds.sync.completed": ("INFO", "feeds", "Feed sync completed"),
    "system.feeds.sync.failed": ("ERROR", "feeds", "Feed sync failed"),
    "system.service.state_transition.down": ("ERROR", "service", "A service stopped heartbeating"),
}

MAX_PAGE_SIZE = 1000


def add_event(
    session: Session,
    *,
    account: str,
    type: str,
    resource_id: str,
    message: str | None = None,
    details: dict[str, Any] | None = None,
    source: str = "catalog",
    hostid: str = "",
    base_url: str | None = None,
) -> Event:
    if type not in EVENT_TYPES:
        raise ValueError(f"unknown event type {type}")
    level, resource_type, description = EVENT_TYPES[type]
    event = Event(
        generated_uuid=str(uuid.uuid4()),
        account=account,
        type=type,
        level=level,
        message=message or description,
        details=details or {},
        resource_type=resource_type,
        resource_id=resource_id,
        source_servicename=source,
        source_hostid=hostid,
        source_base_url=base_url,
        request_id=request_id_var.get(),
        timestamp=utcnow(),
    )
    session.add(event)
    return event


def _filtered(stmt: Any, **filters: Any) -> Any:
    columns = {
        "source_servicename": Event.source_servicename,
        "source_hostid": Event.source_hostid,
        "event_type": Event.type,
        "resource_type": Event.resource_type,
        "resource_id": Event.resource_id,
        "level": Event.level,
    }
    for name, column in columns.items():
        value = filters.get(name)
        if value:
            if name == "event_type" and value.endswith("*"):
                stmt = stmt.where(column.like(value[:-1].replace("%", r"\%") + "%"))
            elif name == "level":
                stmt = stmt.where(func.upper(column) == value.upper())
            else:
                stmt = stmt.where(column == value)
    if filters.get("since") is not None:
        stmt = stmt.where(Event.timestamp >= filters["since"])
    if filters.get("before") is not None:
        stmt = stmt.where(Event.timestamp < filters["before"])
    return stmt


def list_events(
    session: Session, *, account: str, page: int = 1, limit: int = 100, **filters: Any
) -> tuple[list[Event], bool, int]:
    """A page of the account's events, newest first: (events, next_page, total)."""
    if page < 1 or not 1 <= limit <= MAX_PAGE_SIZE:
        raise BadRequest(f"page must be >= 1 and limit between 1 and {MAX_PAGE_SIZE}")
    base = _filtered(select(Event).where(Event.account == account), **filters)
    total = session.scalar(select(func.count()).select_from(base.subquery())) or 0
    rows = list(
        session.scalars(
            base.order_by(Event.timestamp.desc(), Event.generated_uuid)
            .offset((page - 1) * limit)
            .limit(limit)
        )
    )
    return rows, page * limit < total, total


def get_event(session: Session, *, account: str, event_id: str) -> Event:
    event = session.get(Event, event_id)
    if event is None or event.account != account:
        raise NotFound(f"Event {event_id} not found")
    return event


def delete_event(session: Session, *, account: str, event_id: str) -> None:
    session.delete(get_event(session, account=account, event_id=event_id))


def delete_events(
    session: Session, *, account: str, before: datetime | None, since: datetime | None, level: str | None
) -> list[str]:
    stmt = _filtered(
        select(Event.generated_uuid).where(Event.account == account), before=before, since=since, level=level
    )
    ids = list(session.scalars(stmt))
    if ids:
        session.execute(delete(Event).where(Event.generated_uuid.in_(ids)))
    return ids


def delete_account_events(session: Session, account: str) -> None:
    session.execute(delete(Event).where(Event.account == account))


def event_out(e: Event) -> dict[str, Any]:
    return {
        "generated_uuid": e.generated_uuid,
        "created_at": iso_z(e.created_at),
        "event": {
            "type": e.type,
            "level": e.level,
            "message": e.message,
            "details": e.details,
            "timestamp": iso_z(e.timestamp),
            "resource": {"user_id": e.account, "id": e.resource_id, "type": e.resource_type},
            "source": {
                "servicename": e.source_servicename,
                "hostid": e.source_hostid,
                "base_url": e.source_base_url,
                "request_id": e.request_id,
            },
        },
    }


def event_types_tree() -> list[dict[str, Any]]:
    """``/event_types``: categories → subcategories → events, as Anchore lists them."""
    tree: dict[str, dict[str, list[dict[str, str]]]] = {}
    for fq, (level, resource_type, description) in sorted(EVENT_TYPES.items()):
        category, sub, _ = fq.split(".", 2) if fq.count(".") >= 2 else (fq, "", "")
        tree.setdefault(category, {}).setdefault(f"{category}.{sub}", []).append(
            {"name": fq, "type": fq, "level": level, "resource_type": resource_type, "message": description}
        )
    return [
        {
            "name": category,
            "description": f"{category} events",
            "subcategories": [
                {"name": sub, "description": f"{sub} events", "events": events}
                for sub, events in sorted(subs.items())
            ],
        }
        for category, subs in sorted(tree.items())
    ]
