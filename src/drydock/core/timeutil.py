"""Timestamps as the Anchore v1 API writes them: ISO-8601 UTC with a ``Z`` suffix."""

from __future__ import annotations

from datetime import UTC, datetime


def iso_z(value: datetime | None) -> str | None:
    """``2024-01-02T03:04:05Z`` (microseconds dropped, as anchore-cli's date parsing expects)."""
    if value is None:
        return None
    return value.astimezone(UTC).replace(microsecond=0, tzinfo=None).isoformat() + "Z"


def epoch(value: datetime | None) -> int | None:
    return None if value is None else int(value.timestamp())


def parse_iso(text: str) -> datetime:
    """Parse RFC 3339 / ISO-8601 (``Z`` or offset); naive values are taken as UTC."""
    value = datetime.fromisoformat(text.strip().replace("Z", "+00:00").replace("z", "+00:00"))
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
