"""Alembic environment for the enterprise history (shared logic in drydock.core.migrate)."""

from drydock.core.migrate import run_alembic_env

run_alembic_env("enterprise")
