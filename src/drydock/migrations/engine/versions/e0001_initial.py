"""initial engine schema: accounts, users, credentials, services

Revision ID: e0001
Revises:
Create Date: 2026-11-26 16:30:04.590534
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "e0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "accounts",
        sa.Column("name", sa.String(length=128), nullable=False),
        sa.Column("type", sa.String(length=16), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_updated", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_accounts")),
    )
    op.create_index(op.f("ix_accounts_state"), "accounts", ["state"], unique=False)
    op.create_table(
        "services",
        sa.Column("hostid", sa.String(length=255), nullable=False),
        sa.Column("servicename", sa.String(length=64), nullable=False),
        sa.Column("base_url", sa.String(length=512), nullable=False),
        sa.Column("version", sa.String(length=64), nullable=False),
        sa.Column("status_message", sa.String(length=32), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.Column("heartbeat", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("hostid", "servicename", name=op.f("pk_services")),
    )
    op.create_table(
        "system_values",
        sa.Column("key", sa.String(length=128), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_system_values")),
    )
    op.create_table(
        "account_users",
        sa.Column("username", sa.String(length=128), nullable=False),
        sa.Column("account_name", sa.String(length=128), nullable=False),
        sa.Column("type", sa.String(length=16), nullable=False),
        sa.Column("source", sa.String(length=256), nullable=True),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_updated", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_name"],
            ["accounts.name"],
            name=op.f("fk_account_users_account_name_accounts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("username", name=op.f("pk_account_users")),
    )
    op.create_index(op.f("ix_account_users_account_name"), "account_users", ["account_name"], unique=False)
    op.create_table(
        "user_access_credentials",
        sa.Column("username", sa.String(length=128), nullable=False),
        sa.Column("type", sa.String(length=32), nullable=False),
        sa.Column("value", sa.String(length=512), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["username"],
            ["account_users.username"],
            name=op.f("fk_user_access_credentials_username_account_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("username", "type", name=op.f("pk_user_access_credentials")),
    )


def downgrade() -> None:
    op.drop_table("user_access_credentials")
    op.drop_index(op.f("ix_account_users_account_name"), table_name="account_users")
    op.drop_table("account_users")
    op.drop_table("system_values")
    op.drop_table("services")
    op.drop_index(op.f("ix_accounts_state"), table_name="accounts")
    op.drop_table("accounts")
