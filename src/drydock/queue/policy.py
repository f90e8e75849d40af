"""Pure queue rules: names, limits, dedupe keys, retry backoff and message states.

Kept free of I/O so the service, the API and the tests agree on one definition of each.
"""

from __future__ import annotations

import hashlib
import json
import re
from datetime import datetime
from enum import StrEnum
from typing import Any

from drydock.queue.errors import InvalidQueueRequest

NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$")
HOLDER_MAX = 128
DEDUPE_KEY_STORED = 128  # the column's width; longer keys are stored as their digest
DEDUPE_KEY_MAX = 4096
MAX_PAYLOAD_BYTES = 1 << 20
MAX_ERROR_CHARS = 4000
PRIORITY_RANGE = (-1000, 1000)
MAX_ATTEMPTS_RANGE = (1, 100)
MAX_LEASE_COUNT = 100
MAX_TIMEOUT_SECONDS = 12 * 3600.0
DEFAULT_MAX_ATTEMPTS = 5
DEFAULT_VISIBILITY_TIMEOUT = 60.0
BACKOFF_BASE_SECONDS = 10.0
BACKOFF_CAP_SECONDS = 3600.0


class MessageState(StrEnum):
    """What a message is doing now; only ``dead`` is stored, the rest follow from time."""

    AVAILABLE = "available"  # may be leased now
    INFLIGHT = "inflight"  # leased, lease not yet expired
    DELAYED = "delayed"  # waiting for its not_before or retry backoff
    DEAD = "dead"  # out of attempts; kept with its last error until retried or dropped


def derive_state(dead: bool, visible_at: datetime, receipt: str | None, now: datetime) -> MessageState:
    if dead:
        return MessageState.DEAD
    if visible_at <= now:
        return MessageState.AVAILABLE
    return MessageState.INFLIGHT if receipt is not None else MessageState.DELAYED


def parse_state(value: str | None) -> MessageState | None:
    """A state filter from user input; ``None``/``all`` means no filter."""
    if value is None or value == "all":
        return None
    try:
        return MessageState(value)
    except ValueError:
        choices = ", ".join([*(s.value for s in MessageState), "all"])
        raise InvalidQueueRequest(f"unknown message state {value!r} (one of {choices})") from None


def check_name(what: str, name: str) -> str:
    """Queue names and lease ids: safe in a URL path segment and in a metric label."""
    if not NAME.match(name):
        raise InvalidQueueRequest(
            f"invalid {what} {name[:140]!r}: 1-128 characters of letters, digits, '_', '.', ':', '-'"
        )
    return name


def check_queue_name(name: str) -> str:
    return check_name("queue name", name)


def check_text(what: str, value: str, limit: int) -> str:
    if not value or len(value) > limit:
        raise InvalidQueueRequest(f"{what} must be 1-{limit} characters")
    return value


def check_range(what: str, value: float, low: float, high: float) -> float:
    if not (low <= value <= high):  # also refuses NaN
        raise InvalidQueueRequest(f"{what} must be between {low:g} and {high:g}, got {value:g}")
    return value


def canonical_json(payload: Any) -> str:
    """One spelling per JSON value: sorted keys, no insignificant whitespace, no NaN."""
    if not isinstance(payload, dict):
        raise InvalidQueueRequest("a message payload must be a JSON object")
    try:
        text = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise InvalidQueueRequest(f"payload is not JSON-serialisable: {exc}") from None
    if len(text.encode()) > MAX_PAYLOAD_BYTES:
        raise InvalidQueueRequest(f"payload larger than {MAX_PAYLOAD_BYTES} bytes")
    return text


def stored_dedupe_key(canonical: str, given: str | None) -> str:
    """The stored dedupe key: the caller's (its SHA-256 when longer than the column), or the
    SHA-256 of the payload's canonical JSON."""
    if given is None:
        return hashlib.sha256(canonical.encode()).hexdigest()
    check_text("dedupe_key", given, DEDUPE_KEY_MAX)
    if len(given) <= DEDUPE_KEY_STORED:
        return given
    return "sha256:" + hashlib.sha256(given.encode()).hexdigest()


def backoff_seconds(
    attempts: int, base: float = BACKOFF_BASE_SECONDS, cap: float = BACKOFF_CAP_SECONDS
) -> float:
    """Delay before the next delivery after ``attempts`` failed deliveries: base·2^(n-1), capped."""
    return min(cap, base * 2 ** max(0, min(attempts - 1, 30)))
