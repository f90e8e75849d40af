"""SimpleQueue HTTP API, so workers on other machines use the queue as in-process ones do.

System-wide and admin-only: reading needs ``listQueues``, everything else ``manageQueues``.
Mutating handlers commit before answering, so a worker never holds a lease (or believes an
acknowledgement) that the database did not keep.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from drydock.api.deps import Authorized, RequestContext, SessionDep
from drydock.core.errors import NotFound
from drydock.queue import service
from drydock.queue.errors import LeaseHeld
from drydock.queue.policy import DEFAULT_MAX_ATTEMPTS, DEFAULT_VISIBILITY_TIMEOUT
from drydock.rbac.permissions import Action

router = APIRouter(tags=["Queues"])

Reader = Annotated[RequestContext, Authorized(Action.LIST_QUEUES)]
Manager = Annotated[RequestContext, Authorized(Action.MANAGE_QUEUES)]


class EnqueueRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    payload: dict[str, Any]
    priority: int = 0
    dedupe_key: str | None = None
    max_attempts: int = DEFAULT_MAX_ATTEMPTS
    not_before: datetime | None = None


class ExtendRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    holder: str
    receipt: str
    visibility_timeout: float = DEFAULT_VISIBILITY_TIMEOUT


class FailRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    receipt: str
    error: str = Field(default="failed", max_length=100_000)
    retry_after: float | None = None


def _committed(session: Session, value: Any) -> Any:
    session.commit()
    return value


# --- queues and messages -------------------------------------------------------------------


@router.get("/queues")
def list_queues(session: SessionDep, ctx: Reader) -> list[dict[str, Any]]:
    return [s.to_json() for s in service.stats(session)]


@router.get("/queues/{queue}")
def show_queue(
    queue: str,
    session: SessionDep,
    ctx: Reader,
    state: Annotated[str | None, Query()] = None,
    limit: Annotated[int, Query()] = 100,
) -> dict[str, Any]:
    [stats] = service.stats(session, queue)
    messages = service.list_messages(session, queue, state, limit)
    return {"stats": stats.to_json(), "messages": [m.to_json() for m in messages]}


@router.post("/queues/{queue}/messages")
def enqueue(queue: str, body: EnqueueRequest, session: SessionDep, ctx: Manager) -> dict[str, Any]:
    msg_id = service.enqueue(
        session,
        queue,
        body.payload,
        priority=body.priority,
        dedupe_key=body.dedupe_key,
        max_attempts=body.max_attempts,
        not_before=body.not_before,
    )
    return _committed(session, {"id": msg_id})


@router.delete("/queues/{queue}/messages")
def purge(
    queue: str, session: SessionDep, ctx: Manager, state: Annotated[str | None, Query()] = None
) -> dict[str, Any]:
    return _committed(session, {"deleted": service.purge(session, queue, state)})


@router.post("/queues/{queue}/lease")
def lease(
    queue: str,
    session: SessionDep,
    ctx: Manager,
    holder: Annotated[str | None, Query(description="Default: the caller's username.")] = None,
    count: Annotated[int, Query()] = 1,
    visibility_timeout: Annotated[float, Query()] = DEFAULT_VISIBILITY_TIMEOUT,
) -> list[dict[str, Any]]:
    got = service.lease(
        session, queue, holder or ctx.principal.username, count=count, visibility_timeout=visibility_timeout
    )
    return _committed(session, [m.to_json() for m in got])


@router.put("/queues/{queue}/messages/{msg_id}/lease")
def extend(queue: str, msg_id: int, body: ExtendRequest, session: SessionDep, ctx: Manager) -> dict[str, Any]:
    msg = service.extend(session, msg_id, body.holder, body.receipt, body.visibility_timeout, queue=queue)
    return _committed(session, msg.to_json())


@router.delete("/queues/{queue}/messages/{msg_id}")
def ack_or_drop(
    queue: str,
    msg_id: int,
    session: SessionDep,
    ctx: Manager,
    receipt: Annotated[str | None, Query(description="Acknowledge this lease; without it, drop.")] = None,
) -> Response:
    """With ``receipt``: acknowledge (a stale receipt is refused with 409). Without: the
    operator drops the message whatever its state."""
    if receipt is None:
        service.drop(session, queue, msg_id)
    else:
        service.ack(session, msg_id, receipt, queue=queue)
    return _committed(session, Response(status_code=204))


@router.post("/queues/{queue}/messages/{msg_id}/fail")
def fail(queue: str, msg_id: int, body: FailRequest, session: SessionDep, ctx: Manager) -> dict[str, Any]:
    msg = service.fail(session, msg_id, body.receipt, body.error, retry_after=body.retry_after, queue=queue)
    return _committed(session, msg.to_json())


@router.post("/queues/{queue}/messages/{msg_id}/retry")
def retry_message(queue: str, msg_id: int, session: SessionDep, ctx: Manager) -> dict[str, Any]:
    return _committed(session, {"revived": service.retry_dead(session, queue, msg_id)})


@router.post("/queues/{queue}/retry")
def retry_all_dead(queue: str, session: SessionDep, ctx: Manager) -> dict[str, Any]:
    return _committed(session, {"revived": service.retry_dead(session, queue)})


# --- singleton leases ----------------------------------------------------------------------


@router.get("/leases/{lease_id}")
def get_lease(lease_id: str, session: SessionDep, ctx: Reader) -> dict[str, Any]:
    grant = service.get_lease(session, lease_id)
    if grant is None:
        raise NotFound(f"lease {lease_id} is not held")
    return grant.to_json()


@router.post("/leases/{lease_id}/acquire")
def acquire_lease(
    lease_id: str,
    session: SessionDep,
    ctx: Manager,
    holder: Annotated[str, Query()],
    ttl: Annotated[float, Query()],
) -> dict[str, Any]:
    grant = service.acquire_lease(session, lease_id, holder, ttl)
    if grant is None:
        current = service.get_lease(session, lease_id)
        raise LeaseHeld(f"lease {lease_id} is held by {current.holder if current else 'another holder'}")
    return _committed(session, grant.to_json())


@router.put("/leases/{lease_id}")
def renew_lease(
    lease_id: str,
    session: SessionDep,
    ctx: Manager,
    holder: Annotated[str, Query()],
    epoch: Annotated[int, Query()],
    ttl: Annotated[float, Query()],
) -> dict[str, Any]:
    return _committed(session, service.renew_lease(session, lease_id, holder, epoch, ttl).to_json())


@router.delete("/leases/{lease_id}")
def release_lease(
    lease_id: str,
    session: SessionDep,
    ctx: Manager,
    holder: Annotated[str, Query()],
    epoch: Annotated[int, Query()],
) -> Response:
    service.release_lease(session, lease_id, holder, epoch)
    return _committed(session, Response(status_code=204))
