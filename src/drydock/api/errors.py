"""Every error leaves the API as Anchore's body ``{"message","httpcode","detail"}`` —
including validation failures, unknown routes and bugs (which never show a traceback)."""

from __future__ import annotations

import json
import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from drydock.api.deps import WWW_AUTHENTICATE
from drydock.core.errors import DrydockError, Unauthorized

log = logging.getLogger(__name__)


def error_response(
    status: int, message: str, detail: dict | None = None, headers: dict | None = None
) -> JSONResponse:
    body_detail = dict(detail or {})
    body_detail.setdefault("error_codes", [])
    return JSONResponse(
        {"message": message, "httpcode": status, "detail": body_detail}, status_code=status, headers=headers
    )


def _describe(errors: list[dict]) -> str:
    parts = []
    for err in errors:
        loc = ".".join(str(p) for p in err.get("loc", ()) if p not in ("body", "query", "path", "header"))
        parts.append(f"{loc}: {err.get('msg')}" if loc else str(err.get("msg")))
    return "; ".join(parts)


def _json_syntax_error(exc: RequestValidationError) -> JSONResponse | None:
    """A body that does not parse: say so, and where (FastAPI only reports "JSON decode error"
    with the offset)."""
    invalid = next((e for e in exc.errors() if e.get("type") == "json_invalid"), None)
    if invalid is None:
        return None
    where: dict[str, Any] = {"position": invalid["loc"][-1]}
    reason = str((invalid.get("ctx") or {}).get("error") or "JSON decode error")
    try:
        json.loads(exc.body)
    except json.JSONDecodeError as err:
        reason = err.msg
        where = {"position": err.pos, "line": err.lineno, "column": err.colno}
    except (TypeError, ValueError):
        pass  # no document kept: the offset FastAPI reported is all there is
    at = ", ".join(f"{k} {v}" for k, v in where.items())
    return error_response(
        400, f"Request body is not valid JSON: {reason} ({at})", {"json_error": {"reason": reason, **where}}
    )


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(DrydockError)
    async def _drydock(request: Request, exc: DrydockError) -> JSONResponse:
        headers = WWW_AUTHENTICATE if isinstance(exc, Unauthorized) else None
        return error_response(exc.status_code, exc.message, exc.detail, headers)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        syntax = _json_syntax_error(exc)
        if syntax is not None:
            return syntax
        errors = [{k: v for k, v in e.items() if k in ("loc", "msg", "type")} for e in exc.errors()]
        return error_response(400, f"Invalid request: {_describe(errors)}", {"validation_errors": errors})

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        message = "Not found" if exc.status_code == 404 else str(exc.detail)
        return error_response(exc.status_code, message, headers=getattr(exc, "headers", None))

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error", extra={"path": request.url.path})
        return error_response(500, "Internal error; the request id in the logs has the details")
