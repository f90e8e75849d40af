"""Request bodies are JSON whatever Content-Type the client sent (none, curl -d's form type,
text/plain), as in Anchore's API. Without this FastAPI hands such a body over as bytes and the
client learns only that its input "should be a valid dictionary"; parsed as JSON, a malformed
body fails with its position (see ``errors.py``). Routes that take form fields (the OAuth
token endpoint) keep their content type."""

from __future__ import annotations

import re

from fastapi import FastAPI
from starlette.routing import compile_path
from starlette.types import ASGIApp, Receive, Scope, Send

BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
JSON = b"application/json"
FORM_TYPES = frozenset({"application/x-www-form-urlencoded", "multipart/form-data"})


def form_routes(app: FastAPI) -> list[re.Pattern[str]]:
    """Path patterns of the routes whose body is form fields, as the OpenAPI document
    (the public description of every route) declares them."""
    out = []
    for path, operations in app.openapi().get("paths", {}).items():
        for operation in operations.values():
            content = (operation.get("requestBody") or {}).get("content") or {}
            if FORM_TYPES.intersection(content):
                out.append(compile_path(path)[0])
    return out


def _is_json(content_type: bytes) -> bool:
    media = content_type.split(b";", 1)[0].strip().lower()
    return media == JSON or (media.startswith(b"application/") and media.endswith(b"+json"))


class JsonBodies:
    """Sets ``Content-Type: application/json`` on body-carrying requests that lack a JSON type."""

    def __init__(self, app: ASGIApp, api: FastAPI) -> None:
        self.app = app
        self.api = api
        self._form_paths: list[re.Pattern[str]] | None = None

    @property
    def form_paths(self) -> list[re.Pattern[str]]:
        if self._form_paths is None:  # on first use: every router is included by then
            self._form_paths = form_routes(self.api)
        return self._form_paths

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] in BODY_METHODS:
            headers = [(k, v) for k, v in scope["headers"] if k != b"content-type"]
            declared = next((v for k, v in scope["headers"] if k == b"content-type"), b"")
            if not _is_json(declared) and not any(p.match(scope["path"]) for p in self.form_paths):
                scope = {**scope, "headers": [*headers, (b"content-type", JSON)]}
        await self.app(scope, receive, send)
