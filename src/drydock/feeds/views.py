"""``/system/feeds``: Anchore's feed listing, sync, enable/disable and delete."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response
from sqlalchemy.orm import Session

from drydock.api.deps import Authorized, RequestContext, RuntimeDep, SessionDep
from drydock.core.errors import NotFound
from drydock.feeds import store
from drydock.feeds.models import FeedGroupRow
from drydock.feeds.service import sync_configured
from drydock.rbac.permissions import Action

router = APIRouter(tags=["System"])
ListFeeds = Annotated[RequestContext, Authorized(Action.LIST_FEEDS)]
UpdateFeeds = Annotated[RequestContext, Authorized(Action.UPDATE_FEEDS)]


def _ts(value: datetime | None) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value else None


def _group_out(g: FeedGroupRow) -> dict[str, Any]:
    return {
        "name": g.name,
        "created_at": _ts(g.created_at),
        "updated_at": _ts(g.updated_at),
        "last_sync": _ts(g.last_sync),
        "record_count": g.record_count,
        "enabled": g.enabled,
    }


def feed_metadata(view: store.FeedView) -> dict[str, Any]:
    f = view.feed
    return {
        "name": f.name,
        "created_at": _ts(f.created_at),
        "updated_at": _ts(f.updated_at),
        "last_full_sync": _ts(f.last_full_sync),
        "enabled": f.enabled,
        "groups": [_group_out(g) for g in view.groups],
    }


def _metadata_of(session: Session, feed: str) -> dict[str, Any]:
    view = next((v for v in store.list_feeds(session) if v.feed.name == feed), None)
    if view is None:
        raise NotFound(f"feed {feed} not found")
    return feed_metadata(view)


def _lookup(fn: Any, *args: Any) -> Any:
    try:
        return fn(*args)
    except store.UnknownFeed as exc:
        raise NotFound(str(exc)) from None


@router.get("/system/feeds")
def list_feeds(session: SessionDep, ctx: ListFeeds) -> list[dict[str, Any]]:
    return [feed_metadata(v) for v in store.list_feeds(session)]


@router.post("/system/feeds")
def sync_feeds(
    session: SessionDep, runtime: RuntimeDep, ctx: UpdateFeeds, flush: bool = Query(False)
) -> list[dict[str, Any]]:
    """Synchronous sync from the configured sources (local directory/bundle, online drivers)."""
    return sync_configured(session, runtime.settings, flush=flush).feed_results()


@router.put("/system/feeds/{feed}")
def toggle_feed(feed: str, session: SessionDep, ctx: UpdateFeeds, enabled: bool = Query(...)) -> dict[str, Any]:
    _lookup(store.set_feed_enabled, session, feed, enabled)
    return _metadata_of(session, feed)


@router.put("/system/feeds/{feed}/{group}")
def toggle_group(
    feed: str, group: str, session: SessionDep, ctx: UpdateFeeds, enabled: bool = Query(...)
) -> dict[str, Any]:
    """Returns the group's metadata (anchore-cli prints it as a one-row group table)."""
    return _group_out(_lookup(store.set_group_enabled, session, feed, group, enabled))


@router.delete("/system/feeds/{feed}")
def delete_feed(feed: str, session: SessionDep, ctx: UpdateFeeds) -> Response:
    _lookup(store.delete_feed, session, feed)
    return Response(status_code=200)


@router.delete("/system/feeds/{feed}/{group}")
def delete_group(feed: str, group: str, session: SessionDep, ctx: UpdateFeeds) -> Response:
    _lookup(store.delete_group, session, feed, group)
    return Response(status_code=200)
