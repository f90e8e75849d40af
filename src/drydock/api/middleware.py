"""ASGI middleware: Anchore's path rewriting, request ids, access log and metrics."""

from __future__ import annotations

import logging
import time
import uuid
from typing import Any

from prometheus_client import Counter, Histogram
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from drydock.core.logging import request_id_var

log = logging.getLogger("drydock.api.access")

API_PREFIX = "/v1"
# Paths served outside /v1 as they are.
_UNVERSIONED = ("/metrics",)

REQUESTS = Counter("drydock_http_requests_total", "HTTP requests", ["method", "route", "status"])
LATENCY = Histogram(
    "drydock_http_request_duration_seconds",
    "HTTP request latency",
    ["method", "route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)


def rewrite_path(path: str) -> str:
    """``/images`` → ``/v1/images`` (Anchore serves every route also unprefixed) and drop a
    trailing slash (Anchore's routes are not strict about it)."""
    if len(path) > 1 and path.endswith("/"):
        path = path.rstrip("/") or "/"
    if path.startswith(_UNVERSIONED):
        return path
    if path in ("/", API_PREFIX):
        return API_PREFIX + "/"  # the API root, GET → "v1"
    if path.startswith(API_PREFIX + "/"):
        return path
    return API_PREFIX + path


class RequestMiddleware:
    """Rewrites the path, assigns the request id, logs one line per request and records
    metrics labelled by route template (not raw path, to keep label cardinality bounded)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        scope["path"] = rewrite_path(scope["path"])
        scope["raw_path"] = scope["path"].encode()
        headers = dict(scope.get("headers") or [])
        rid = headers.get(b"x-request-id", b"").decode("latin-1")[:64] or uuid.uuid4().hex
        token = request_id_var.set(rid)
        status_holder: dict[str, Any] = {"status": 500}
        start = time.perf_counter()

        async def send_wrapper(message: Message) -> None:
            if message["type"] == "http.response.start":
                status_holder["status"] = message["status"]
                message.setdefault("headers", [])
                message["headers"] = list(message["headers"]) + [(b"x-request-id", rid.encode())]
            await send(message)

        try:
            await self.app(scope, receive, send_wrapper)
        finally:
            elapsed = time.perf_counter() - start
            route = scope.get("route")
            template = getattr(route, "path", None)
            if template is None:
                template = "unmatched"
            elif scope["path"].startswith(API_PREFIX + "/"):
                template = API_PREFIX + template  # routers are included under the prefix
            method = scope.get("method", "")
            REQUESTS.labels(method, template, str(status_holder["status"])).inc()
            LATENCY.labels(method, template).observe(elapsed)
            log.info(
                "request",
                extra={
                    "method": method,
                    "path": scope["path"],
                    "status": status_holder["status"],
                    "duration_ms": round(elapsed * 1000, 2),
                },
            )
            request_id_var.reset(token)
