"""fix dates: per-fix dates of affected packages, fixes first observed by a sync

Revision ID: x0005
Revises: x0004
Create Date: 2026-11-27 03:54:53.701421
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "x0005"
down_revision: str | None = "x0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _schema() -> str | None:
    """ALTER TABLE is not schema-translated: on SQLite the table has no schema."""
    return None if op.get_bind().dialect.name == "sqlite" else "drydock_enterprise"


def upgrade() -> None:
    op.create_table(
        "feed_fix_observations",
        sa.Column("namespace", sa.String(), nullable=False),
        sa.Column("vuln_id", sa.String(), nullable=False),
        sa.Column("package", sa.String(), nullable=False),
        sa.Column("version", sa.String(), nullable=False),
        sa.Column("first_observed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint(
            "namespace", "vuln_id", "package", "version", name=op.f("pk_feed_fix_observations")
        ),
        schema="drydock_enterprise",
    )
    op.add_column(
        "feed_affected_packages", sa.Column("fix_dates", sa.JSON(), nullable=True), schema=_schema()
    )
    # Stored groups have no fix dates yet: forget the source checksums so the next sync
    # parses every source again and rewrites the groups (their records' digest changed).
    op.execute(sa.table("feed_sources", schema=_schema()).delete())


def downgrade() -> None:
    with op.batch_alter_table("feed_affected_packages", schema=_schema()) as batch:
        batch.drop_column("fix_dates")
    op.drop_table("feed_fix_observations", schema="drydock_enterprise")
