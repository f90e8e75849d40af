"""Structured logging: one JSON object per line (or a readable console form), every record
tagged with the service and, inside a request, its request id.

Values that look like credentials are masked before formatting, so a careless ``log.info(
"%s", url_with_password)`` still does not leak a secret.
"""

from __future__ import annotations

import contextvars
import json
import logging
import re
import sys
from datetime import UTC, datetime
from typing import Any

request_id_var: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_id", default=None)
service_var: contextvars.ContextVar[str | None] = contextvars.ContextVar("service", default=None)

_SECRET_PATTERNS = [
    # scheme://user:password@host
    (re.compile(r"(?P<pre>\b[a-z][a-z0-9+.-]*://[^/\s:@]+:)(?P<secret>[^@\s/]+)(?=@)", re.IGNORECASE), "***"),
    # Authorization headers
    (re.compile(r"(?P<pre>\b(?:basic|bearer)\s+)(?P<secret>[A-Za-z0-9._~+/=-]{8,})", re.IGNORECASE), "***"),
    # key=value / "key": "value" with secret-ish keys
    (
        re.compile(
            r"(?P<pre>\b(?:password|passwd|secret|token|api_key|apikey|access_key|registry_pass)"
            r"[\"']?\s*[:=]\s*[\"']?)(?P<secret>[^\s\"',}]+)",
            re.IGNORECASE,
        ),
        "***",
    ),
]


def redact(text: str) -> str:
    for pattern, mask in _SECRET_PATTERNS:
        text = pattern.sub(lambda m, mask=mask: m.group("pre") + mask, text)
    return text


_RESERVED = set(vars(logging.makeLogRecord({})).keys()) | {
    "message",
    "asctime",
    "color_message",
    "request_id",
    "service",
}


class _ContextFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get()
        record.service = service_var.get()
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        payload: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "msg": redact(record.getMessage()),
        }
        for key in ("service", "request_id"):
            value = getattr(record, key, None)
            if value:
                payload[key] = value
        for key, value in record.__dict__.items():
            if key not in _RESERVED and key not in payload and not key.startswith("_"):
                payload[key] = redact(str(value)) if isinstance(value, str) else value
        if record.exc_info:
            payload["exc"] = redact(self.formatException(record.exc_info))
        return json.dumps(payload, default=str)


class ConsoleFormatter(logging.Formatter):
    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)-7s %(name)s: %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        line = redact(super().format(record))
        rid = getattr(record, "request_id", None)
        return f"{line} [req={rid}]" if rid else line


def configure_logging(level: str = "INFO", fmt: str = "json") -> None:
    """Install one stderr handler on the root logger (idempotent)."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "_drydock", False):
            root.removeHandler(handler)
    handler = logging.StreamHandler(sys.stderr)
    handler._drydock = True  # type: ignore[attr-defined]
    handler.setFormatter(JsonFormatter() if fmt == "json" else ConsoleFormatter())
    handler.addFilter(_ContextFilter())
    root.addHandler(handler)
    root.setLevel(level.upper())
    # uvicorn's access log duplicates our request log line; keep its errors.
    logging.getLogger("uvicorn.access").disabled = True
    for name in ("uvicorn", "uvicorn.error"):
        logging.getLogger(name).handlers.clear()
        logging.getLogger(name).propagate = True
