"""rbac: roles, role members, api keys, audit events

Revision ID: x0002
Revises: x0001
Create Date: 2026-11-26 16:37:32.068667
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "x0002"
down_revision: str | None = "x0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "api_keys",
        sa.Column("key_id", sa.String(length=32), nullable=False),
        sa.Column("username", sa.String(length=128), nullable=False),
        sa.Column("name", sa.String(length=128), nullable=False),
        sa.Column("secret_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked", sa.Boolean(), nullable=False),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("key_id", name=op.f("pk_api_keys")),
        schema="drydock_enterprise",
    )
    op.create_index(
        op.f("ix_drydock_enterprise_api_keys_username"),
        "api_keys",
        ["username"],
        unique=False,
        schema="drydock_enterprise",
    )
    op.create_table(
        "audit_events",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("timestamp", sa.DateTime(timezone=True), nullable=False),
        sa.Column("username", sa.String(length=128), nullable=False),
        sa.Column("account", sa.String(length=128), nullable=False),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("allowed", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.String(length=256), nullable=False),
        sa.Column("request_id", sa.String(length=64), nullable=True),
        sa.Column("method", sa.String(length=8), nullable=True),
        sa.Column("path", sa.String(length=512), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_events")),
        schema="drydock_enterprise",
    )
    op.create_index(
        op.f("ix_drydock_enterprise_audit_events_timestamp"),
        "audit_events",
        ["timestamp"],
        unique=False,
        schema="drydock_enterprise",
    )
    op.create_index(
        op.f("ix_drydock_enterprise_audit_events_username"),
        "audit_events",
        ["username"],
        unique=False,
        schema="drydock_enterprise",
    )
    op.create_table(
        "rbac_state",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("generation", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rbac_state")),
        schema="drydock_enterprise",
    )
    op.create_table(
        "roles",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("description", sa.String(length=512), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_roles")),
        schema="drydock_enterprise",
    )
    op.create_table(
        "role_members",
        sa.Column("role", sa.String(length=64), nullable=False),
        sa.Column("username", sa.String(length=128), nullable=False),
        sa.Column("for_account", sa.String(length=128), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["role"],
            ["drydock_enterprise.roles.name"],
            name=op.f("fk_role_members_role_roles"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("role", "username", "for_account", name=op.f("pk_role_members")),
        schema="drydock_enterprise",
    )
    op.create_index(
        "ix_role_members_account", "role_members", ["for_account"], unique=False, schema="drydock_enterprise"
    )
    op.create_index(
        "ix_role_members_username", "role_members", ["username"], unique=False, schema="drydock_enterprise"
    )


def downgrade() -> None:
    op.drop_index("ix_role_members_username", table_name="role_members", schema="drydock_enterprise")
    op.drop_index("ix_role_members_account", table_name="role_members", schema="drydock_enterprise")
    op.drop_table("role_members", schema="drydock_enterprise")
    op.drop_table("roles", schema="drydock_enterprise")
    op.drop_table("rbac_state", schema="drydock_enterprise")
    op.drop_index(
        op.f("ix_drydock_enterprise_audit_events_username"),
        table_name="audit_events",
        schema="drydock_enterprise",
    )
    op.drop_index(
        op.f("ix_drydock_enterprise_audit_events_timestamp"),
        table_name="audit_events",
        schema="drydock_enterprise",
    )
    op.drop_table("audit_events", schema="drydock_enterprise")
    op.drop_index(
        op.f("ix_drydock_enterprise_api_keys_username"), table_name="api_keys", schema="drydock_enterprise"
    )
    op.drop_table("api_keys", schema="drydock_enterprise")
