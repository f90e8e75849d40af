"""policy: bundles per account (one active) and stored evaluations

Revision ID: e0004
Revises: e0003
Create Date: 2026-11-26 17:16:00.511964
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "e0004"
down_revision: str | None = "e0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "policy_bundles",
        sa.Column("account", sa.String(length=128), nullable=False),
        sa.Column("policy_id", sa.String(length=255), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("policy_source", sa.String(length=32), nullable=False),
        sa.Column("bundle", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_updated", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("account", "policy_id", name=op.f("pk_policy_bundles")),
    )
    op.create_index("ix_policy_bundles_account_active", "policy_bundles", ["account", "active"], unique=False)
    op.create_table(
        "policy_evaluations",
        sa.Column("account", sa.String(length=128), nullable=False),
        sa.Column("eval_id", sa.String(length=64), nullable=False),
        sa.Column("image_digest", sa.String(length=80), nullable=False),
        sa.Column("tag", sa.String(length=1024), nullable=False),
        sa.Column("policy_id", sa.String(length=255), nullable=False),
        sa.Column("final_action", sa.String(length=8), nullable=False),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.Column("feed_generation", sa.Integer(), nullable=False),
        sa.Column("bundle_digest", sa.String(length=64), nullable=False),
        sa.Column("result", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_evaluation", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("account", "eval_id", name=op.f("pk_policy_evaluations")),
    )
    op.create_index(
        "ix_policy_evaluations_image", "policy_evaluations", ["account", "image_digest", "tag"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_policy_evaluations_image", table_name="policy_evaluations")
    op.drop_table("policy_evaluations")
    op.drop_index("ix_policy_bundles_account_active", table_name="policy_bundles")
    op.drop_table("policy_bundles")
