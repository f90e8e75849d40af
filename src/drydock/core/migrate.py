"""Schema migrations: two Alembic histories with their own version tables.

* ``engine`` — tables of ``Base`` in the default schema, version table ``alembic_version``.
* ``enterprise`` — tables of ``EnterpriseBase`` in schema ``drydock_enterprise`` (PostgreSQL),
  version table ``drydock_enterprise.alembic_version``; on SQLite the schema is translated away
  and the version table is ``alembic_version_enterprise``.

Upgrades run under a PostgreSQL advisory lock, so several processes starting at once against
one database migrate it exactly once.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import resources
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, text

from drydock.core.db import (
    ENTERPRISE_SCHEMA,
    Base,
    EnterpriseBase,
    UTCDateTime,
    make_engine,
    schema_translate_map,
)

FAMILIES = ("engine", "enterprise")
_ADVISORY_LOCK_ID = 0x0D7D0C  # arbitrary, constant across versions


@dataclass(frozen=True, slots=True)
class FamilyStatus:
    family: str
    current: str | None
    head: str

    @property
    def up_to_date(self) -> bool:
        return self.current == self.head


def _version_table(family: str, is_sqlite: bool) -> tuple[str, str | None]:
    if family == "engine":
        return "alembic_version", None
    return ("alembic_version_enterprise", None) if is_sqlite else ("alembic_version", ENTERPRISE_SCHEMA)


def _config(family: str, url: str, connection: Connection | None = None) -> Config:
    location = resources.files("drydock.migrations") / family
    cfg = Config()
    cfg.set_main_option("script_location", str(location))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    cfg.attributes["family"] = family
    cfg.attributes["url"] = url
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def _render_item(type_: str, obj: Any, autogen_context: Any) -> str | bool:
    """Migrations must not import application types: write UTCDateTime as plain DateTime."""
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def run_alembic_env(family: str) -> None:
    """Body of each history's env.py."""
    from alembic import context

    from drydock.migrations import import_all_models

    import_all_models()
    cfg = context.config
    url: str = cfg.attributes["url"]
    is_sqlite = url.startswith("sqlite")
    version_table, version_schema = _version_table(family, is_sqlite)
    metadata = Base.metadata if family == "engine" else EnterpriseBase.metadata
    connection: Connection = cfg.attributes["connection"]
    options: dict[str, Any] = {
        "connection": connection,
        "target_metadata": metadata,
        "version_table": version_table,
        "version_table_schema": version_schema,
        "render_as_batch": is_sqlite,
        "compare_type": True,
        "render_item": _render_item,
        "include_schemas": family == "enterprise" and not is_sqlite,
    }
    if family == "enterprise" and not is_sqlite:
        options["include_name"] = lambda name, type_, parent: type_ != "schema" or name == ENTERPRISE_SCHEMA
    context.configure(**options)
    with context.begin_transaction():
        context.run_migrations()


@contextmanager
def _migration_connection(url: str) -> Iterator[Connection]:
    engine: Engine = make_engine(url, pool_size=1, max_overflow=0)
    try:
        with engine.connect() as conn:
            if not url.startswith("sqlite"):
                conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": _ADVISORY_LOCK_ID})
                conn.execute(text(f"CREATE SCHEMA IF NOT EXISTS {ENTERPRISE_SCHEMA}"))
                conn.commit()
            try:
                yield conn.execution_options(schema_translate_map=schema_translate_map(url))
            finally:
                if not url.startswith("sqlite"):
                    conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": _ADVISORY_LOCK_ID})
                    conn.commit()
    finally:
        engine.dispose()


def upgrade(url: str, revision: str = "heads") -> list[FamilyStatus]:
    """Bring both histories to ``revision`` (default: their heads)."""
    with _migration_connection(url) as conn:
        for family in FAMILIES:
            command.upgrade(_config(family, url, conn), revision)
            conn.commit()
    return status(url)


def status(url: str) -> list[FamilyStatus]:
    out = []
    with _migration_connection(url) as conn:
        for family in FAMILIES:
            script = ScriptDirectory.from_config(_config(family, url))
            version_table, version_schema = _version_table(family, url.startswith("sqlite"))
            ctx = MigrationContext.configure(
                conn, opts={"version_table": version_table, "version_table_schema": version_schema}
            )
            out.append(
                FamilyStatus(
                    family=family, current=ctx.get_current_revision(), head=script.get_current_head() or ""
                )
            )
    return out


def revision(url: str, family: str, message: str) -> None:
    """Autogenerate a new revision in ``family`` from the models (developer tool)."""
    with _migration_connection(url) as conn:
        command.revision(_config(family, url, conn), message=message, autogenerate=True)
