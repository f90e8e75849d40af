"""Policy routes: bundles (``/policies``), image checks (``/images/{digest}/check``) and the
gate/trigger specification (``/system/policy_spec``)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body

from drydock.api.deps import Authorized, RequestContext, RuntimeDep, SessionDep
from drydock.catalog import images
from drydock.core.errors import BadRequest, NotFound
from drydock.policy import runner, service
from drydock.policy.spec import policy_spec
from drydock.rbac.permissions import Action

router = APIRouter(tags=["Policies"])


@router.post("/policies")
def add_policy(
    session: SessionDep,
    ctx: Annotated[RequestContext, Authorized(Action.CREATE_POLICY)],
    body: Annotated[Any, Body()],
    detail: bool = False,
) -> dict[str, Any]:
    return service.bundle_out(service.add_bundle(session, ctx.account, body), detail)


@router.get("/policies")
def list_policies(
    session: SessionDep,
    ctx: Annotated[RequestContext, Authorized(Action.LIST_POLICIES)],
    detail: bool = False,
) -> list[dict[str, Any]]:
    return [service.bundle_out(r, detail) for r in service.list_bundles(session, ctx.account)]


@router.get("/policies/{policy_id}")
def get_policy(
    policy_id: str,
    session: SessionDep,
    ctx: Annotated[RequestContext, Authorized(Action.GET_POLICY)],
    detail: bool = True,
) -> list[dict[str, Any]]:
    return [service.bundle_out(service.get_bundle(session, ctx.account, policy_id), detail)]


@router.put("/policies/{policy_id}")
def update_policy(
    policy_id: str,
    session: SessionDep,
    ctx: Annotated[RequestContext, Authorized(Action.UPDATE_POLICY)],
    body: Annotated[Any, Body()],
    active: bool | None = None,
) -> list[dict[str, Any]]:
    if not isinstance(body, dict):
        raise BadRequest("body must be a policy bundle record")
    return [service.bundle_out(service.update_bundle(session, ctx.account, policy_id, body, active), True)]


@router.delete("/policies/{policy_id}")
def delete_policy(
    policy_id: str, session: SessionDep, ctx: Annotated[RequestContext, Authorized(Action.DELETE_POLICY)]
) -> None:
    service.delete_bundle(session, ctx.account, policy_id)


@router.get("/images/{image_digest}/check")
def check_image(
    image_digest: str,
    tag: str,
    session: SessionDep,
    runtime: RuntimeDep,
    ctx: Annotated[RequestContext, Authorized(Action.GET_IMAGE_EVALUATION)],
    policyId: str | None = None,
    detail: bool = True,
    history: bool = False,
) -> list[dict[str, Any]]:
    """A fresh evaluation with the active (or ``policyId``) bundle, stored, then returned
    (with ``history=true``: every stored outcome for the tag)."""
    record = (
        service.get_bundle(session, ctx.account, policyId)
        if policyId
        else service.active_bundle(session, ctx.account)
    )
    if record is None:
        raise NotFound("user has no active policy to evaluate")
    fulltag = runner.normalize_tag(tag)
    outcome = runner.evaluate_image(session, runtime, ctx.account, image_digest, fulltag, record)
    rows = service.history(session, ctx.account, image_digest, fulltag) if history else [outcome.row]
    out = [service.evaluation_out(r, r.result.get("bundle", record.bundle), detail) for r in rows]
    return [{image_digest: {fulltag: out}}]


@router.get("/images/by_id/{image_id}/check")
def check_image_by_id(
    image_id: str,
    tag: str,
    session: SessionDep,
    runtime: RuntimeDep,
    ctx: Annotated[RequestContext, Authorized(Action.GET_IMAGE_EVALUATION)],
    policyId: str | None = None,
    detail: bool = True,
    history: bool = False,
) -> list[dict[str, Any]]:
    digest = images.get_image_by_id(session, account=ctx.account, image_id=image_id).image_digest
    return check_image(digest, tag, session, runtime, ctx, policyId, detail, history)


@router.get("/system/policy_spec")
def get_policy_spec(ctx: Annotated[RequestContext, Authorized(Action.AUTHENTICATED)]) -> list[dict[str, Any]]:
    return policy_spec()
