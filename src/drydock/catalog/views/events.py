"""Event log routes."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response

from drydock.api.deps import Authorized, RequestContext, SessionDep
from drydock.catalog import events
from drydock.rbac.permissions import Action

router = APIRouter(tags=["Events"])


@router.get("/events")
def list_events(
    session: SessionDep,
    ctx: Annotated[RequestContext, Authorized(Action.LIST_EVENTS)],
    source_servicename: str | None = None,
    source_hostid: str | None = None,
    event_type: str | None = None,
    resource_type: str | None = None,
    resource_id: str | None = None,
    level: str | None = None,
    since: datetime | None = None,
    before: datetime | None = None,
    page: Annotated[int, Query(ge=1)] = 1,
    limit: Annotated[int, Query(ge=1, le=events.MAX_PAGE_SIZE)] = 100,
) -> dict[str, Any]:
    rows, next_page, total = events.list_events(
        session,
        account=ctx.account,
        page=page,
        limit=limit,
        source_servicename=source_servicename,
        source_hostid=source_hostid,
        event_type=event_type,
        resource_type=resource_type,
        resource_id=resource_id,
        level=level,
        since=since,
        before=before,
    )
    return {
        "results": [events.event_out(e) for e in rows],
        "next_page": next_page,
        "item_count": total,
        "page": page,
    }


@router.delete("/events")
def delete_events(
    session: SessionDep,
    ctx: Annotated[RequestContext, Authorized(Action.DELETE_EVENTS)],
    before: datetime | None = None,
    since: datetime | None = None,
    level: str | None = None,
) -> list[str]:
    return events.delete_events(session, account=ctx.account, before=before, since=since, level=level)


@router.get("/events/{event_id}")
def get_event(
    event_id: str, session: SessionDep, ctx: Annotated[RequestContext, Authorized(Action.GET_EVENT)]
) -> dict[str, Any]:
    return events.event_out(events.get_event(session, account=ctx.account, event_id=event_id))


@router.delete("/events/{event_id}")
def delete_event(
    event_id: str, session: SessionDep, ctx: Annotated[RequestContext, Authorized(Action.DELETE_EVENTS)]
) -> Response:
    events.delete_event(session, account=ctx.account, event_id=event_id)
    return Response(status_code=200)


@router.get("/event_types")
def event_types(ctx: Annotated[RequestContext, Authorized(Action.LIST_EVENTS)]) -> list[dict[str, Any]]:
    return events.event_types_tree()
