"""Errors every service raises; the API turns them into Anchore's error body
``{"message", "httpcode", "detail": {..., "error_codes": []}}``."""

from __future__ import annotations

from typing import Any


class DrydockError(Exception):
    status_code = 500

    def __init__(self, message: str, detail: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.detail = detail or {}

    def body(self) -> dict[str, Any]:
        detail = dict(self.detail)
        detail.setdefault("error_codes", [])
        return {"message": self.message, "httpcode": self.status_code, "detail": detail}


class BadRequest(DrydockError):
    status_code = 400


class Unauthorized(DrydockError):
    status_code = 401


class Forbidden(DrydockError):
    status_code = 403


class NotFound(DrydockError):
    status_code = 404


class NotAcceptable(DrydockError):
    status_code = 406


class Conflict(DrydockError):
    status_code = 409


class TooManyRequests(DrydockError):
    status_code = 429


class Unavailable(DrydockError):
    status_code = 503
