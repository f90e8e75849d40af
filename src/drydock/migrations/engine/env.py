"""Alembic environment for the engine history (shared logic in drydock.core.migrate)."""

from drydock.core.migrate import run_alembic_env

run_alembic_env("engine")
