"""Fixtures shared by the whole suite: paths, and the two database backends.

DB-backed tests take the ``database_url`` fixture and so run once on SQLite and once on the
PostgreSQL at 127.0.0.1:5432 (a fresh database per test session, dropped afterwards).
``DRYDOCK_TEST_BACKENDS=sqlite`` narrows the run on a machine without PostgreSQL.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.paths import REPO, SHARED  # noqa: F401  (re-exported for tests)

PG_ADMIN_URL = os.environ.get("DRYDOCK_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
BACKENDS = [b for b in os.environ.get("DRYDOCK_TEST_BACKENDS", "sqlite,postgresql").split(",") if b]


def new_postgres_database() -> str:
    """Create an empty PostgreSQL database and return its URL."""
    import psycopg

    name = f"drydock_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(PG_ADMIN_URL.replace("postgresql://", "postgresql://", 1), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"


def drop_postgres_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def fresh_database_url(backend: str, directory: Path) -> str:
    if backend == "sqlite":
        return f"sqlite:///{directory / f'drydock-{uuid.uuid4().hex[:8]}.db'}"
    return new_postgres_database()


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture(scope="session")
def database_url(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A migrated database shared by the session's tests of one backend."""
    from drydock.core import migrate

    url = fresh_database_url(backend, tmp_path_factory.mktemp("db"))
    migrate.upgrade(url)
    yield url
    if backend == "postgresql":
        drop_postgres_database(url)


@pytest.fixture
def fresh_database(backend: str, tmp_path: Path) -> Iterator[str]:
    """An empty (unmigrated) database of the current backend, for this test only."""
    url = fresh_database_url(backend, tmp_path)
    yield url
    if backend == "postgresql":
        drop_postgres_database(url)
