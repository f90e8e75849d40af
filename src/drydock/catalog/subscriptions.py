"""Subscriptions: which tags and repositories the watchers follow and which changes notify.

``subscription_id = md5(account + "+" + key + "+" + type)`` as in the reference, so clients
that compute ids themselves (anchore-cli does) find them.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from drydock.catalog.models import Subscription
from drydock.core.errors import BadRequest, NotFound
from drydock.core.timeutil import iso_z

TAG_TYPES = ("policy_eval", "tag_update", "vuln_update", "analysis_update")
SUBSCRIPTION_TYPES = (*TAG_TYPES, "repo_update")


def subscription_id(account: str, key: str, type: str) -> str:
    return hashlib.md5(f"{account}+{key}+{type}".encode(), usedforsecurity=False).hexdigest()


def _check_type(type: str) -> None:
    if type not in SUBSCRIPTION_TYPES:
        raise BadRequest(
            f"Invalid subscription type '{type}': must be one of {', '.join(SUBSCRIPTION_TYPES)}"
        )


def list_subscriptions(
    session: Session,
    *,
    account: str,
    key: str | None = None,
    type: str | None = None,
    active: bool | None = None,
) -> list[Subscription]:
    stmt = select(Subscription).where(Subscription.account == account)
    if type:
        _check_type(type)
        stmt = stmt.where(Subscription.subscription_type == type)
    if key:
        stmt = stmt.where(Subscription.subscription_key == key)
    if active is not None:
        stmt = stmt.where(Subscription.active == active)
    return list(session.scalars(stmt.order_by(Subscription.subscription_type, Subscription.subscription_key)))


def list_all_active(session: Session, type: str) -> list[Subscription]:
    """Active subscriptions of one type across all accounts (for the watchers)."""
    _check_type(type)
    return list(
        session.scalars(
            select(Subscription).where(Subscription.subscription_type == type, Subscription.active.is_(True))
        )
    )


def get_subscription(session: Session, *, account: str, sid: str) -> Subscription:
    sub = session.get(Subscription, sid)
    if sub is None or sub.account != account:
        raise NotFound(f"Subscription {sid} not found")
    return sub


def create_subscription(
    session: Session, *, account: str, key: str, type: str, value: str | None = None, active: bool = False
) -> Subscription:
    _check_type(type)
    if not key:
        raise BadRequest("subscription_key is required")
    sid = subscription_id(account, key, type)
    if session.get(Subscription, sid) is not None:
        raise BadRequest("subscription already exists in DB")
    sub = Subscription(
        subscription_id=sid,
        account=account,
        subscription_key=key,
        subscription_type=type,
        subscription_value=value,
        active=active,
    )
    session.add(sub)
    session.flush()
    return sub


def ensure_subscription(
    session: Session,
    *,
    account: str,
    key: str,
    type: str,
    active: bool | None = None,
    value: str | None = None,
) -> Subscription:
    """Create if missing; ``active`` (when given) is set either way."""
    sub = session.get(Subscription, subscription_id(account, key, type))
    if sub is None:
        return create_subscription(
            session, account=account, key=key, type=type, value=value, active=bool(active)
        )
    if active is not None:
        sub.active = active
    if value is not None:
        sub.subscription_value = value
    return sub


def update_subscription(
    session: Session, *, account: str, sid: str, active: bool | None, value: str | None
) -> Subscription:
    sub = get_subscription(session, account=account, sid=sid)
    if active is not None:
        sub.active = active
    if value is not None:
        sub.subscription_value = value
    return sub


def delete_subscription(session: Session, *, account: str, sid: str) -> None:
    session.delete(get_subscription(session, account=account, sid=sid))


def autosubscribe_tag(session: Session, *, account: str, fulltag: str, watch: bool) -> None:
    """On image add: every tag subscription exists; analysis_update is active, tag_update is
    active when the caller asked to watch the tag, the others keep their state (new: off)."""
    for type in TAG_TYPES:
        if type == "analysis_update" or type == "tag_update" and watch:
            ensure_subscription(session, account=account, key=fulltag, type=type, active=True)
        else:
            ensure_subscription(session, account=account, key=fulltag, type=type)


def repo_value(value: str | None) -> dict[str, Any]:
    try:
        data = json.loads(value) if value else {}
    except json.JSONDecodeError:
        data = {}
    return data if isinstance(data, dict) else {}


def delete_account_subscriptions(session: Session, account: str) -> None:
    session.execute(delete(Subscription).where(Subscription.account == account))


def subscription_out(s: Subscription) -> dict[str, Any]:
    return {
        "subscription_id": s.subscription_id,
        "userId": s.account,
        "subscription_key": s.subscription_key,
        "subscription_type": s.subscription_type,
        "subscription_value": s.subscription_value,
        "active": s.active,
        "created_at": iso_z(s.created_at),
        "last_updated": iso_z(s.last_updated),
    }
