"""initial enterprise schema: the drydock_enterprise schema itself

Revision ID: x0001
Revises:
Create Date: 2026-11-26
"""

from collections.abc import Sequence

from alembic import op

revision: str = "x0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # The schema is created before Alembic's version table can live in it (see
    # drydock.core.migrate); stating it here keeps offline SQL scripts complete.
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE SCHEMA IF NOT EXISTS drydock_enterprise")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP SCHEMA IF EXISTS drydock_enterprise CASCADE")
