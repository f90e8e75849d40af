from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO.parent / "shared"
FEEDS = SHARED / "feeds"
FIXTURES = FEEDS / "vunnel" / "fixtures"
SCHEMAS = FEEDS / "vunnel" / "schema"
