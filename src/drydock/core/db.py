"""Database engine, sessions and the declarative base shared by every service's models.

Two table families, as in the reference architecture: the engine tables (default schema) and
the enterprise tables (RBAC, feeds, ...), which live in their own PostgreSQL schema
``drydock_enterprise`` with their own migration history. SQLite has no schemas, so there the
enterprise schema is translated away (``schema_translate_map``) and both families share one
file; table names never collide because each family owns distinct names.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Engine, MetaData, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.types import TypeDecorator

ENTERPRISE_SCHEMA = "drydock_enterprise"

_NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every backend (SQLite drops the offset otherwise)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTCDateTime column")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    """Engine tables (default schema)."""

    metadata = MetaData(naming_convention=_NAMING)
    type_annotation_map = {datetime: UTCDateTime(), dict[str, Any]: JSON(), list[Any]: JSON()}


class EnterpriseBase(DeclarativeBase):
    """Enterprise tables: declare ``__table_args__ = {"schema": ENTERPRISE_SCHEMA}``."""

    metadata = MetaData(naming_convention=_NAMING, schema=ENTERPRISE_SCHEMA)
    type_annotation_map = Base.type_annotation_map


def utcnow() -> datetime:
    return datetime.now(UTC)


def schema_translate_map(url: str) -> dict[str, str | None]:
    return {ENTERPRISE_SCHEMA: None} if url.startswith("sqlite") else {}


def make_engine(url: str, *, pool_size: int = 10, max_overflow: int = 20) -> Engine:
    """An engine configured for the backend: WAL + foreign keys + busy timeout on SQLite so
    several threads of one process can share the file; a bounded pool on PostgreSQL."""
    parsed = make_url(url)
    if parsed.drivername.startswith("postgresql") and parsed.drivername == "postgresql":
        url = parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
    kwargs: dict[str, Any] = {"future": True}
    if url.startswith("sqlite"):
        kwargs["connect_args"] = {"check_same_thread": False, "timeout": 30}
        if parsed.database in (None, "", ":memory:"):
            raise ValueError("in-memory SQLite cannot be shared between services; use a file")
        # Keep connections open: closing the last one checkpoints the WAL, which made every
        # transaction of a lone worker about ten times slower (measured by bench/bench_queue.py).
        kwargs.update(pool_size=pool_size, max_overflow=max_overflow)
    else:
        kwargs.update(pool_size=pool_size, max_overflow=max_overflow, pool_pre_ping=True)
    engine = create_engine(url, **kwargs)
    if url.startswith("sqlite"):
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin_immediate)
    return engine.execution_options(schema_translate_map=schema_translate_map(url))


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    # Let SQLAlchemy, not pysqlite, manage transactions, so BEGIN IMMEDIATE below takes effect.
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.close()


def _sqlite_begin_immediate(conn: Any) -> None:
    """Take the write lock at BEGIN: a read-then-write transaction otherwise fails with
    'database is locked' when another connection wrote in between."""
    conn.exec_driver_sql("BEGIN IMMEDIATE")


class Database:
    """The engine and session factory of this process."""

    def __init__(self, url: str, *, pool_size: int = 10, max_overflow: int = 20) -> None:
        self.url = url
        self.engine = make_engine(url, pool_size=pool_size, max_overflow=max_overflow)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    @property
    def is_sqlite(self) -> bool:
        return self.url.startswith("sqlite")

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A transaction: committed on success, rolled back on any exception."""
        session = self._sessions()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def dispose(self) -> None:
        self.engine.dispose()


_db: Database | None = None
_db_lock = threading.Lock()


def init_database(url: str, **kwargs: Any) -> Database:
    """Create (or replace) the process-wide database handle."""
    global _db
    with _db_lock:
        if _db is not None:
            _db.dispose()
        _db = Database(url, **kwargs)
        return _db


def get_database() -> Database:
    if _db is None:
        raise RuntimeError("database not initialised; call init_database() first")
    return _db
