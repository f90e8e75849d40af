"""RBAC Manager API: roles, role members, my roles, API keys, and the audit log."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from drydock.api.deps import Authorized, RequestContext, RuntimeDep, SessionDep
from drydock.core.timeutil import iso_z
from drydock.rbac import service
from drydock.rbac.models import ApiKey, AuditEvent, RoleMember
from drydock.rbac.permissions import Action
from drydock.rbac.roles import ROLES, Role
from drydock.runtime.context import Runtime

router = APIRouter(tags=["RBAC"])


class RoleMemberRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    username: str = Field(min_length=1, max_length=128)
    for_account: str | None = Field(default=None, max_length=128)


class ApiKeyRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=128)
    expires_at: datetime | None = None


def role_out(role: Role) -> dict[str, Any]:
    actions = ["*"] if role.all_actions else sorted(a.value for a in role.actions)
    return {
        "name": role.name,
        "description": role.description,
        "permissions": [{"action": a, "target": "*"} for a in actions],
    }


def member_out(m: RoleMember) -> dict[str, Any]:
    return {
        "role": m.role,
        "username": m.username,
        "for_account": m.for_account,
        "created_at": iso_z(m.created_at),
    }


def key_out(k: ApiKey) -> dict[str, Any]:
    return {
        "key_id": k.key_id,
        "name": k.name,
        "username": k.username,
        "created_at": iso_z(k.created_at),
        "expires_at": iso_z(k.expires_at),
        "revoked": k.revoked,
        "last_used_at": iso_z(k.last_used_at),
    }


def audit_out(e: AuditEvent) -> dict[str, Any]:
    return {
        "id": e.id,
        "timestamp": iso_z(e.timestamp),
        "username": e.username,
        "account": e.account,
        "action": e.action,
        "allowed": e.allowed,
        "reason": e.reason,
        "request_id": e.request_id,
        "method": e.method,
        "path": e.path,
    }


@router.get("/roles")
def list_roles(ctx: Annotated[RequestContext, Authorized(Action.LIST_ROLES)]) -> list[dict[str, Any]]:
    return [role_out(r) for r in ROLES.values()]


@router.get("/roles/{role}")
def get_role(role: str, ctx: Annotated[RequestContext, Authorized(Action.GET_ROLE)]) -> dict[str, Any]:
    return role_out(service.require_role(role))


@router.get("/roles/{role}/members")
def list_role_members(
    role: str, session: SessionDep, ctx: Annotated[RequestContext, Authorized(Action.LIST_ROLE_MEMBERS)]
) -> list[dict[str, Any]]:
    return [member_out(m) for m in service.list_members(session, role=role, for_account=ctx.account)]


@router.post("/roles/{role}/members")
def add_role_member(
    role: str,
    body: RoleMemberRequest,
    session: SessionDep,
    runtime: RuntimeDep,
    ctx: Annotated[RequestContext, Authorized(Action.CREATE_ROLE_MEMBER)],
) -> dict[str, Any]:
    account = _member_account(session, body.for_account, ctx, runtime)
    member = service.add_member(session, role=role, username=body.username, for_account=account)
    session.commit()
    runtime.authorizer.invalidate()
    return member_out(member)


@router.delete("/roles/{role}/members")
def delete_role_member(
    role: str,
    session: SessionDep,
    runtime: RuntimeDep,
    ctx: Annotated[RequestContext, Authorized(Action.DELETE_ROLE_MEMBER)],
    username: Annotated[str, Query()],
    for_account: Annotated[str | None, Query()] = None,
) -> Response:
    account = _member_account(session, for_account, ctx, runtime)
    service.remove_member(session, role=role, username=username, for_account=account)
    session.commit()
    runtime.authorizer.invalidate()
    return Response(status_code=204)


def _member_account(session: Session, for_account: str | None, ctx: RequestContext, runtime: Runtime) -> str:
    """Membership changes act in ``for_account`` (default: the request's account), and the
    caller needs the permission there too."""
    account = for_account or ctx.account
    if account != ctx.account:
        runtime.authorizer.authorize(session, ctx.principal, ctx.action, account)
    return account


@router.get("/my_roles")
def my_roles(
    session: SessionDep, ctx: Annotated[RequestContext, Authorized(Action.AUTHENTICATED)]
) -> list[dict[str, Any]]:
    return [member_out(m) for m in service.user_roles(session, username=ctx.principal.username)]


@router.get("/users/{username}/roles")
def user_roles(
    username: str, session: SessionDep, ctx: Annotated[RequestContext, Authorized(Action.LIST_ROLE_MEMBERS)]
) -> list[dict[str, Any]]:
    # Non-admins see the user's memberships in the request's account only.
    members = service.user_roles(session, username=username)
    if not ctx.principal.is_admin:
        members = [m for m in members if m.for_account == ctx.account]
    return [member_out(m) for m in members]


@router.get("/user/api_keys")
def list_my_api_keys(
    session: SessionDep, ctx: Annotated[RequestContext, Authorized(Action.AUTHENTICATED)]
) -> list[dict[str, Any]]:
    return [key_out(k) for k in service.list_api_keys(session, username=ctx.principal.username)]


@router.post("/user/api_keys")
def create_my_api_key(
    body: ApiKeyRequest, session: SessionDep, ctx: Annotated[RequestContext, Authorized(Action.AUTHENTICATED)]
) -> dict[str, Any]:
    key, secret = service.create_api_key(
        session, username=ctx.principal.username, name=body.name, expires_at=body.expires_at
    )
    return {**key_out(key), "key": secret}


@router.delete("/user/api_keys/{key_id}")
def revoke_my_api_key(
    key_id: str, session: SessionDep, ctx: Annotated[RequestContext, Authorized(Action.AUTHENTICATED)]
) -> dict[str, Any]:
    return key_out(service.revoke_api_key(session, username=ctx.principal.username, key_id=key_id))


@router.get("/system/audit")
def list_audit_events(
    session: SessionDep,
    runtime: RuntimeDep,
    ctx: Annotated[RequestContext, Authorized(Action.LIST_AUDIT_EVENTS)],
    username: str | None = None,
    account: str | None = None,
    action: str | None = None,
    allowed: bool | None = None,
    since: datetime | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> list[dict[str, Any]]:
    runtime.authorizer.flush_audit(session)
    events = service.query_audit(
        session, username=username, account=account, action=action, allowed=allowed, since=since, limit=limit
    )
    return [audit_out(e) for e in events]
