"""What the queue hands out: messages, per-queue statistics and singleton lease grants, with
their JSON form (the HTTP API writes it, the HTTP client reads it back)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from datetime import UTC, datetime
from typing import Any, Self

from drydock.core.timeutil import parse_iso


class JsonRecord:
    """Dataclass ⇄ JSON object; datetimes travel as ISO-8601 UTC with microseconds (lease
    expiries are finer than a second)."""

    _datetimes: frozenset[str] = frozenset()

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)  # type: ignore[call-overload]
        for name in self._datetimes:
            if data[name] is not None:
                data[name] = data[name].astimezone(UTC).isoformat().replace("+00:00", "Z")
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Self:
        values: dict[str, Any] = {f.name: data.get(f.name) for f in fields(cls)}  # type: ignore[arg-type]
        for name in cls._datetimes:
            if isinstance(text := values[name], str):
                values[name] = parse_iso(text)
        return cls(**values)


@dataclass(frozen=True, slots=True)
class Message(JsonRecord):
    id: int
    queue: str
    state: str
    priority: int
    payload: dict[str, Any]
    dedupe_key: str
    attempts: int
    max_attempts: int
    visible_at: datetime
    receipt: str | None
    holder: str | None
    last_error: str | None
    created_at: datetime

    _datetimes = frozenset({"visible_at", "created_at"})


@dataclass(frozen=True, slots=True)
class QueueStats(JsonRecord):
    queue: str
    available: int = 0
    inflight: int = 0
    delayed: int = 0
    dead: int = 0


@dataclass(frozen=True, slots=True)
class LeaseGrant(JsonRecord):
    """Ownership of a singleton lease until ``expires_at``; ``epoch`` is the fencing token."""

    lease_id: str
    holder: str
    epoch: int
    expires_at: datetime

    _datetimes = frozenset({"expires_at"})
