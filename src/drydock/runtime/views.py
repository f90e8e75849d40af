"""Service status routes: /, /health, /version, /status, /system, /system/services."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Response

from drydock import __version__
from drydock.api.deps import Authorized, RequestContext, RuntimeDep, SessionDep
from drydock.core.migrate import FAMILIES
from drydock.rbac.permissions import Action
from drydock.runtime import registry
from drydock.runtime.context import Runtime

router = APIRouter(tags=["System"])

API_VERSION = "0.1.20"  # the Anchore Engine API version whose shapes we serve
ENGINE_COMPAT_VERSION = "1.1.0"


def db_version(runtime: Runtime) -> str:
    return runtime.schema_versions.get("engine", "unknown")


def status_detail(runtime: Runtime) -> dict[str, Any]:
    return {
        "up": True,
        "available": True,
        "busy": False,
        "message": "all good",
        "detail": {"services": runtime.services, "drydock_version": __version__},
        "version": ENGINE_COMPAT_VERSION,
        "db_version": db_version(runtime),
    }


@router.get("/", include_in_schema=False)
def root() -> str:
    return "v1"


@router.get("/health", include_in_schema=False)
def health() -> Response:
    return Response(content="ok", media_type="text/plain")


@router.get("/version")
def version(runtime: RuntimeDep) -> dict[str, Any]:
    return {
        "service": {"version": ENGINE_COMPAT_VERSION, "drydock_version": __version__},
        "api": {"version": API_VERSION},
        "db": {
            "schema_version": db_version(runtime),
            **{f"{f}_schema": runtime.schema_versions.get(f) for f in FAMILIES},
        },
    }


@router.get("/status")
def status(
    runtime: RuntimeDep, ctx: Annotated[RequestContext, Authorized(Action.AUTHENTICATED)]
) -> dict[str, Any]:
    return status_detail(runtime)


def _service_out(state: registry.ServiceState) -> dict[str, Any]:
    r = state.record
    detail = dict(r.detail or {})
    detail["up"] = state.up
    detail["available"] = state.up
    return {
        "hostid": r.hostid,
        "servicename": r.servicename,
        "base_url": r.base_url,
        "status": state.up,
        "status_message": state.status_message,
        "version": r.version,
        "service_detail": detail,
        "last_heartbeat": r.heartbeat.isoformat().replace("+00:00", "Z"),
    }


@router.get("/system")
def system(
    runtime: RuntimeDep, session: SessionDep, ctx: Annotated[RequestContext, Authorized(Action.AUTHENTICATED)]
) -> dict[str, Any]:
    states = registry.list_services(session, stale_after=runtime.stale_after)
    return {"service_states": [_service_out(s) for s in states]}


@router.get("/system/services")
def list_services(
    runtime: RuntimeDep, session: SessionDep, ctx: Annotated[RequestContext, Authorized(Action.LIST_SERVICES)]
) -> list[dict[str, Any]]:
    return [_service_out(s) for s in registry.list_services(session, stale_after=runtime.stale_after)]


@router.get("/system/services/{servicename}")
def get_service(
    servicename: str,
    runtime: RuntimeDep,
    session: SessionDep,
    ctx: Annotated[RequestContext, Authorized(Action.GET_SERVICE)],
) -> list[dict[str, Any]]:
    states = registry.list_services(session, stale_after=runtime.stale_after, servicename=servicename)
    return [_service_out(s) for s in states]


@router.get("/system/services/{servicename}/{hostid}")
def get_service_host(
    servicename: str,
    hostid: str,
    runtime: RuntimeDep,
    session: SessionDep,
    ctx: Annotated[RequestContext, Authorized(Action.GET_SERVICE)],
) -> list[dict[str, Any]]:
    states = registry.list_services(
        session, stale_after=runtime.stale_after, servicename=servicename, hostid=hostid
    )
    return [_service_out(s) for s in states]


@router.delete("/system/services/{servicename}/{hostid}")
def delete_service(
    servicename: str,
    hostid: str,
    session: SessionDep,
    ctx: Annotated[RequestContext, Authorized(Action.DELETE_SERVICE)],
) -> Response:
    registry.delete_service(session, servicename=servicename, hostid=hostid)
    return Response(status_code=200)


@router.get("/system/error_codes")
def error_codes(ctx: Annotated[RequestContext, Authorized(Action.AUTHENTICATED)]) -> list[dict[str, str]]:
    return [
        {"name": "BAD_REQUEST", "description": "The request is malformed or names an invalid value"},
        {"name": "UNAUTHORIZED", "description": "Missing or invalid credentials"},
        {"name": "FORBIDDEN", "description": "The caller may not perform this action in this account"},
        {"name": "NOT_FOUND", "description": "No such resource"},
        {"name": "CONFLICT", "description": "The resource already exists or is in a conflicting state"},
    ]
