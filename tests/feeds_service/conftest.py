from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from drydock.core.db import Database

REPO = Path(__file__).resolve().parents[2]
FEEDS = REPO.parent / "shared" / "feeds"
FIXTURES = FEEDS / "vunnel" / "fixtures"


@pytest.fixture(scope="session")
def db(database_url: str) -> Iterator[Database]:
    database = Database(database_url)
    yield database
    database.dispose()
