"""Subscription routes."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Response
from pydantic import BaseModel, ConfigDict, Field

from drydock.api.deps import Authorized, RequestContext, SessionDep
from drydock.catalog import subscriptions
from drydock.rbac.permissions import Action

router = APIRouter(tags=["Subscriptions"])


class SubscriptionRequest(BaseModel):
    model_config = ConfigDict(extra="ignore")
    subscription_key: str = Field(min_length=1, max_length=512)
    subscription_type: str
    subscription_value: str | None = None
    active: bool = False


class SubscriptionUpdate(BaseModel):
    model_config = ConfigDict(extra="ignore")
    active: bool | None = None
    subscription_value: str | None = None


@router.get("/subscriptions")
def list_subscriptions(
    session: SessionDep,
    ctx: Annotated[RequestContext, Authorized(Action.LIST_SUBSCRIPTIONS)],
    subscription_key: str | None = None,
    subscription_type: str | None = None,
) -> list[dict[str, Any]]:
    rows = subscriptions.list_subscriptions(
        session, account=ctx.account, key=subscription_key, type=subscription_type
    )
    return [subscriptions.subscription_out(s) for s in rows]


@router.post("/subscriptions")
def add_subscription(
    body: SubscriptionRequest,
    session: SessionDep,
    ctx: Annotated[RequestContext, Authorized(Action.CREATE_SUBSCRIPTION)],
) -> list[dict[str, Any]]:
    sub = subscriptions.create_subscription(
        session,
        account=ctx.account,
        key=body.subscription_key,
        type=body.subscription_type,
        value=body.subscription_value,
        active=body.active,
    )
    return [subscriptions.subscription_out(sub)]


@router.get("/subscriptions/{subscription_id}")
def get_subscription(
    subscription_id: str,
    session: SessionDep,
    ctx: Annotated[RequestContext, Authorized(Action.GET_SUBSCRIPTION)],
) -> list[dict[str, Any]]:
    return [
        subscriptions.subscription_out(
            subscriptions.get_subscription(session, account=ctx.account, sid=subscription_id)
        )
    ]


@router.put("/subscriptions/{subscription_id}")
def update_subscription(
    subscription_id: str,
    body: SubscriptionUpdate,
    session: SessionDep,
    ctx: Annotated[RequestContext, Authorized(Action.UPDATE_SUBSCRIPTION)],
) -> list[dict[str, Any]]:
    sub = subscriptions.update_subscription(
        session, account=ctx.account, sid=subscription_id, active=body.active, value=body.subscription_value
    )
    return [subscriptions.subscription_out(sub)]


@router.delete("/subscriptions/{subscription_id}")
def delete_subscription(
    subscription_id: str,
    session: SessionDep,
    ctx: Annotated[RequestContext, Authorized(Action.DELETE_SUBSCRIPTION)],
) -> Response:
    subscriptions.delete_subscription(session, account=ctx.account, sid=subscription_id)
    return Response(status_code=200)
