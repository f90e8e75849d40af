from __future__ import annotations

from collections.abc import Iterator

import pytest

from drydock.core.db import Database
from tests.support.naming import unique


@pytest.fixture(scope="session")
def db(database_url: str) -> Iterator[Database]:
    database = Database(database_url)
    yield database
    database.dispose()


@pytest.fixture
def queue() -> str:
    """A queue of this test's own: tests share the database, never a queue."""
    return unique("q-")
