"""The HTTP application of a Drydock process: the routers of the services it runs, under
``/v1`` (and unprefixed, as Anchore), with one error format and request-level telemetry."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from typing import Any

from fastapi import APIRouter, FastAPI
from fastapi.openapi.utils import get_openapi
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.responses import Response

from drydock import __version__
from drydock.api.errors import install_error_handlers
from drydock.api.jsonbody import JsonBodies
from drydock.api.middleware import API_PREFIX, RequestMiddleware
from drydock.runtime.context import Runtime
from drydock.runtime.views import API_VERSION

Lifespan = Callable[[FastAPI], AbstractAsyncContextManager[None]]


def create_app(runtime: Runtime, routers: list[APIRouter], lifespan: Lifespan | None = None) -> FastAPI:
    app = FastAPI(
        title="Drydock External API",
        version=API_VERSION,
        docs_url=f"{API_PREFIX}/ui",
        redoc_url=None,
        openapi_url=f"{API_PREFIX}/swagger.json",
        lifespan=lifespan,
        redirect_slashes=False,
    )
    app.state.runtime = runtime
    for router in routers:
        app.include_router(router, prefix=API_PREFIX)

    @app.get("/metrics", include_in_schema=False)
    def metrics() -> Response:
        return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = get_openapi(title=app.title, version=API_VERSION, routes=app.routes)
            schema["info"]["x-drydock-version"] = __version__
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    install_error_handlers(app)
    app.add_middleware(JsonBodies, api=app)
    app.add_middleware(RequestMiddleware)
    return app
