from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from drydock.core import migrate
from drydock.core.db import ENTERPRISE_SCHEMA, Base, EnterpriseBase, make_engine
from drydock.migrations import import_all_models


def test_upgrade_from_empty_then_idempotent(fresh_database: str) -> None:
    before = migrate.status(fresh_database)
    assert all(s.current is None for s in before)
    after = migrate.upgrade(fresh_database)
    assert all(s.up_to_date for s in after)
    assert {s.family for s in after} == {"engine", "enterprise"}
    assert migrate.upgrade(fresh_database) == after


def test_enterprise_history_tracked_separately(fresh_database: str) -> None:
    migrate.upgrade(fresh_database)
    engine = make_engine(fresh_database)
    insp = sa.inspect(engine)
    if fresh_database.startswith("sqlite"):
        assert "alembic_version_enterprise" in insp.get_table_names()
    else:
        assert ENTERPRISE_SCHEMA in insp.get_schema_names()
        assert "alembic_version" in insp.get_table_names(schema=ENTERPRISE_SCHEMA)
    assert {"accounts", "account_users", "user_access_credentials", "services"} <= set(insp.get_table_names())
    engine.dispose()


def test_concurrent_upgrades_migrate_once(fresh_database: str) -> None:
    if fresh_database.startswith("sqlite"):
        pytest.skip("the advisory lock is a PostgreSQL matter; SQLite runs one process")
    errors: list[BaseException] = []

    def run() -> None:
        try:
            migrate.upgrade(fresh_database)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert all(s.up_to_date for s in migrate.status(fresh_database))


def test_migrations_match_models(fresh_database: str) -> None:
    """Autogenerate finds nothing to do after an upgrade: every model change has a migration.

    On SQLite only the engine family is compared: the enterprise models name a schema that
    SQLite translates away at run time, which autogenerate cannot (PostgreSQL covers them)."""
    migrate.upgrade(fresh_database)
    import_all_models()
    sqlite = fresh_database.startswith("sqlite")
    engine = make_engine(fresh_database)
    try:
        with engine.connect() as conn:
            for target in (Base.metadata,) if sqlite else (Base.metadata, EnterpriseBase.metadata):
                names = {t.name for t in target.tables.values()}
                # SQLite cannot reflect expression indexes (alembic warns and skips them).
                unreflected = {
                    ix.name
                    for t in target.tables.values()
                    for ix in t.indexes
                    if sqlite and any(not isinstance(e, sa.Column) for e in ix.expressions)
                }
                ctx = MigrationContext.configure(
                    conn,
                    opts={
                        "compare_type": True,
                        "include_schemas": target is EnterpriseBase.metadata,
                        "include_name": lambda name, type_, parent, names=names, skip=unreflected: (
                            name in (None, ENTERPRISE_SCHEMA)
                            if type_ == "schema"
                            else (type_ != "table" or name in names) and name not in skip
                        ),
                    },
                )
                assert compare_metadata(ctx, target) == []
    finally:
        engine.dispose()
