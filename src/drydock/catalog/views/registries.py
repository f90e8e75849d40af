"""Registry credential routes."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import unquote

from fastapi import APIRouter, Response
from pydantic import BaseModel, ConfigDict, Field

from drydock.analyzer.sources.base import AuthError, SourceError
from drydock.analyzer.sources.registry import RegistryAccess, check_auth
from drydock.api.deps import Authorized, RequestContext, RuntimeDep, SessionDep
from drydock.catalog import registries
from drydock.catalog.context import catalog_context
from drydock.core.errors import NotAcceptable
from drydock.rbac.permissions import Action

router = APIRouter(tags=["Registries"])


class RegistryRequest(BaseModel):
    model_config = ConfigDict(extra="ignore")
    registry: str = Field(min_length=1, max_length=255)
    registry_user: str | None = Field(default=None, max_length=255)
    registry_pass: str | None = Field(default=None, max_length=4096)
    registry_type: str = "docker_v2"
    registry_name: str | None = Field(default=None, max_length=255)
    registry_verify: bool = True


def _validate(runtime: Any, body: RegistryRequest) -> None:
    """Ping the registry with the credentials (406 when it refuses them, as the reference)."""
    cat = catalog_context(runtime)
    creds = (body.registry_user, body.registry_pass) if body.registry_user and body.registry_pass else None
    host = registries.normalize_registry(body.registry).split("/", 1)[0]
    access = RegistryAccess.build(
        host, creds, insecure=not body.registry_verify, settings=cat.registry_settings
    )
    try:
        check_auth(host, access=access)
    except AuthError as exc:
        raise NotAcceptable(f"registry credentials rejected by {host}: {exc}") from None
    except SourceError as exc:
        raise NotAcceptable(f"cannot validate registry {host}: {exc}") from None


@router.get("/registries")
def list_registries(
    session: SessionDep, ctx: Annotated[RequestContext, Authorized(Action.LIST_REGISTRIES)]
) -> list[dict[str, Any]]:
    return [registries.registry_out(r) for r in registries.list_registries(session, account=ctx.account)]


@router.post("/registries")
def add_registry(
    body: RegistryRequest,
    session: SessionDep,
    runtime: RuntimeDep,
    ctx: Annotated[RequestContext, Authorized(Action.CREATE_REGISTRY)],
    validate: bool = True,
) -> list[dict[str, Any]]:
    if validate:
        _validate(runtime, body)
    record = registries.upsert_registry(
        session, account=ctx.account, cipher=catalog_context(runtime).cipher, create=True, **body.model_dump()
    )
    return [registries.registry_out(record)]


@router.get("/registries/{registry:path}")
def get_registry(
    registry: str, session: SessionDep, ctx: Annotated[RequestContext, Authorized(Action.GET_REGISTRY)]
) -> list[dict[str, Any]]:
    return [
        registries.registry_out(
            registries.get_registry(session, account=ctx.account, registry=unquote(registry))
        )
    ]


@router.put("/registries/{registry:path}")
def update_registry(
    registry: str,
    body: RegistryRequest,
    session: SessionDep,
    runtime: RuntimeDep,
    ctx: Annotated[RequestContext, Authorized(Action.UPDATE_REGISTRY)],
    validate: bool = True,
) -> list[dict[str, Any]]:
    registries.get_registry(session, account=ctx.account, registry=unquote(registry))
    if validate:
        _validate(runtime, body)
    record = registries.upsert_registry(
        session,
        account=ctx.account,
        cipher=catalog_context(runtime).cipher,
        create=False,
        **body.model_dump(),
    )
    return [registries.registry_out(record)]


@router.delete("/registries/{registry:path}")
def delete_registry(
    registry: str, session: SessionDep, ctx: Annotated[RequestContext, Authorized(Action.DELETE_REGISTRY)]
) -> Response:
    registries.delete_registry(session, account=ctx.account, registry=unquote(registry))
    return Response(status_code=200)
