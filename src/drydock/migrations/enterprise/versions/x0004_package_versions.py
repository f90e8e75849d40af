"""packages feed: package versions of npm and gem registries

Revision ID: x0004
Revises: x0003
Create Date: 2026-11-27 03:54:20.549663
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "x0004"
down_revision: str | None = "x0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "feed_package_versions",
        sa.Column("group_name", sa.String(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("latest", sa.String(), nullable=True),
        sa.Column("versions", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("group_name", "name", name=op.f("pk_feed_package_versions")),
        schema="drydock_enterprise",
    )


def downgrade() -> None:
    op.drop_table("feed_package_versions", schema="drydock_enterprise")
