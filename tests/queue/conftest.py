from __future__ import annotations

from collections.abc import Iterator

import pytest

from drydock.core.db import Database
from tests.conftest import drop_postgres_database, fresh_database_url
from tests.support.naming import unique
from tests.support.server import ServerProcess, start_server


@pytest.fixture(scope="session")
def db(database_url: str) -> Iterator[Database]:
    database = Database(database_url)
    yield database
    database.dispose()


@pytest.fixture
def queue() -> str:
    """A queue of this test's own: tests share the database, never a queue."""
    return unique("q-")


@pytest.fixture(scope="session")
def queue_server(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    """A real ``drydock serve --services queue`` on a database of its own (its admin
    password differs from the in-process runtime's, so it cannot share theirs)."""
    tmp = tmp_path_factory.mktemp("queue-server")
    url = fresh_database_url(backend, tmp)
    server = start_server(tmp, url, services="queue")
    yield server
    server.stop()
    if backend == "postgresql":
        drop_postgres_database(url)
