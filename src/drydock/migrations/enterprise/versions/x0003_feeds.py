"""feeds: feeds, groups, vulnerability records, affected packages, KEV, EPSS, store generation

Revision ID: x0003
Revises: x0002
Create Date: 2026-11-26 16:55:21.222890
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "x0003"
down_revision: str | None = "x0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "feed_affected_packages",
        sa.Column(
            "pk", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("group_name", sa.String(), nullable=False),
        sa.Column("vuln_id", sa.String(), nullable=False),
        sa.Column("namespace", sa.String(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("is_source", sa.Boolean(), nullable=False),
        sa.Column("version_format", sa.String(length=16), nullable=False),
        sa.Column("constraint", sa.Text(), nullable=True),
        sa.Column("fixed_versions", sa.JSON(), nullable=False),
        sa.Column("fix_state", sa.String(length=16), nullable=False),
        sa.Column("no_advisory", sa.Boolean(), nullable=False),
        sa.Column("module", sa.String(), nullable=True),
        sa.Column("arch", sa.String(), nullable=True),
        sa.Column("cpe_criteria", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("pk", name=op.f("pk_feed_affected_packages")),
        schema="drydock_enterprise",
    )
    op.create_index(
        op.f("ix_drydock_enterprise_feed_affected_packages_group_name"),
        "feed_affected_packages",
        ["group_name"],
        unique=False,
        schema="drydock_enterprise",
    )
    op.create_index(
        "ix_feed_affected_packages_ns_name",
        "feed_affected_packages",
        ["namespace", "name"],
        unique=False,
        schema="drydock_enterprise",
    )
    op.create_table(
        "feed_epss",
        sa.Column("cve", sa.String(length=64), nullable=False),
        sa.Column("epss", sa.Float(), nullable=False),
        sa.Column("percentile", sa.Float(), nullable=False),
        sa.Column("date", sa.String(), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("cve", name=op.f("pk_feed_epss")),
        schema="drydock_enterprise",
    )
    op.create_table(
        "feed_kev",
        sa.Column("cve_id", sa.String(length=64), nullable=False),
        sa.Column("date_added", sa.String(), nullable=False),
        sa.Column("due_date", sa.String(), nullable=False),
        sa.Column("ransomware", sa.String(), nullable=True),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("cve_id", name=op.f("pk_feed_kev")),
        schema="drydock_enterprise",
    )
    op.create_table(
        "feed_sources",
        sa.Column("key", sa.String(length=1024), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_feed_sources")),
        schema="drydock_enterprise",
    )
    op.create_table(
        "feed_store_state",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("generation", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feed_store_state")),
        schema="drydock_enterprise",
    )
    op.create_table(
        "feed_vulnerabilities",
        sa.Column("group_name", sa.String(), nullable=False),
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("namespace", sa.String(), nullable=False),
        sa.Column("severity", sa.String(length=16), nullable=False),
        sa.Column("link", sa.Text(), nullable=True),
        sa.Column("cvss", sa.JSON(), nullable=False),
        sa.Column("aliases", sa.JSON(), nullable=False),
        sa.Column("published", sa.String(), nullable=True),
        sa.Column("modified", sa.String(), nullable=True),
        sa.Column("withdrawn", sa.String(), nullable=True),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("group_name", "id", name=op.f("pk_feed_vulnerabilities")),
        schema="drydock_enterprise",
    )
    op.create_table(
        "feeds",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_full_sync", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_feeds")),
        schema="drydock_enterprise",
    )
    op.create_table(
        "feed_groups",
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("feed_name", sa.String(length=64), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_sync", sa.DateTime(timezone=True), nullable=True),
        sa.Column("record_count", sa.Integer(), nullable=False),
        sa.Column("driver", sa.String(length=64), nullable=True),
        sa.Column("digest", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(
            ["feed_name"],
            ["drydock_enterprise.feeds.name"],
            name=op.f("fk_feed_groups_feed_name_feeds"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_feed_groups")),
        schema="drydock_enterprise",
    )
    op.create_index(
        op.f("ix_drydock_enterprise_feed_groups_feed_name"),
        "feed_groups",
        ["feed_name"],
        unique=False,
        schema="drydock_enterprise",
    )


def downgrade() -> None:
    op.drop_index(
        op.f("ix_drydock_enterprise_feed_groups_feed_name"),
        table_name="feed_groups",
        schema="drydock_enterprise",
    )
    op.drop_table("feed_groups", schema="drydock_enterprise")
    op.drop_table("feeds", schema="drydock_enterprise")
    op.drop_table("feed_vulnerabilities", schema="drydock_enterprise")
    op.drop_table("feed_store_state", schema="drydock_enterprise")
    op.drop_table("feed_sources", schema="drydock_enterprise")
    op.drop_table("feed_kev", schema="drydock_enterprise")
    op.drop_table("feed_epss", schema="drydock_enterprise")
    op.drop_index(
        "ix_feed_affected_packages_ns_name", table_name="feed_affected_packages", schema="drydock_enterprise"
    )
    op.drop_index(
        op.f("ix_drydock_enterprise_feed_affected_packages_group_name"),
        table_name="feed_affected_packages",
        schema="drydock_enterprise",
    )
    op.drop_table("feed_affected_packages", schema="drydock_enterprise")
