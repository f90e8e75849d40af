"""Per-document values that are not derived from the analysis.

Creation time and document identity change on every run by design (SPDX requires a unique
namespace per document, CycloneDX a unique serial number); gathering them here lets tests and
callers pin them, which is what makes every writer's output reproducible byte for byte.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime

from drydock import __version__

TOOL_NAME = "drydock"


def _now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


@dataclass(frozen=True, slots=True)
class RenderOptions:
    created: datetime = field(default_factory=_now)
    document_id: uuid.UUID = field(default_factory=uuid.uuid4)
    tool_name: str = TOOL_NAME
    tool_version: str = __version__
    # JSON indentation; None writes compact JSON through the json module's C encoder (several
    # times faster on a large document) — what the CLI writes unless a person is reading
    indent: int | None = 2
