"""When each match was first detected in an image (Anchore's ``match.detected_at``, what
``max_days_since_creation`` ages). Reports are recomputed whenever the feeds move, so the time
is carried from one report to the next: a match that persists keeps it, a new one is detected
now, and a removed one loses it (should it come back, that is a new detection)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from drydock.core.timeutil import iso_z
from drydock.policy.vulnerabilities.report import MatchKey, row_key

FIELD = "detected_at"


def carry_detections(
    rows: Iterable[Mapping[str, Any]],
    previous: Iterable[Mapping[str, Any]],
    now: datetime,
    previous_at: datetime | None = None,
) -> list[dict[str, Any]]:
    """``rows`` with ``detected_at`` set: the previous report's time for the matches it held,
    ``now`` for the others. Rows of a report stored before detection times were recorded have
    none: their matches count from when that report was made (``previous_at``), the latest time
    they are known to have been there."""
    fallback = iso_z(previous_at or now)
    before = {row_key(r): str(r.get(FIELD) or fallback) for r in previous}
    stamp = iso_z(now)
    return [{**r, FIELD: before.get(row_key(r), stamp)} for r in rows]


def detection_times(rows: Iterable[Mapping[str, Any]], made: datetime) -> dict[MatchKey, datetime]:
    """The rows' detection times, by match key; rows of a report stored before detection times
    were recorded count from when it was ``made``, as :func:`carry_detections` carries them."""
    return {row_key(r): datetime.fromisoformat(r[FIELD]) if r.get(FIELD) else made for r in rows}
