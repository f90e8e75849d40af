"""catalog: images, tag history, registries, subscriptions, events, archive documents

Revision ID: e0003
Revises: e0002
Create Date: 2026-11-26 16:50:02.571745
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "e0003"
down_revision: str | None = "e0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "catalog_archive_documents",
        sa.Column("account", sa.String(length=128), nullable=False),
        sa.Column("bucket", sa.String(length=64), nullable=False),
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("account", "bucket", "key", name=op.f("pk_catalog_archive_documents")),
    )
    op.create_table(
        "catalog_events",
        sa.Column("generated_uuid", sa.String(length=36), nullable=False),
        sa.Column("account", sa.String(length=128), nullable=False),
        sa.Column("type", sa.String(length=128), nullable=False),
        sa.Column("level", sa.String(length=8), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.Column("resource_type", sa.String(length=32), nullable=False),
        sa.Column("resource_id", sa.String(length=512), nullable=False),
        sa.Column("source_servicename", sa.String(length=64), nullable=False),
        sa.Column("source_hostid", sa.String(length=255), nullable=False),
        sa.Column("source_base_url", sa.String(length=512), nullable=True),
        sa.Column("request_id", sa.String(length=64), nullable=True),
        sa.Column("timestamp", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("generated_uuid", name=op.f("pk_catalog_events")),
    )
    op.create_index(op.f("ix_catalog_events_account"), "catalog_events", ["account"], unique=False)
    op.create_index(op.f("ix_catalog_events_timestamp"), "catalog_events", ["timestamp"], unique=False)
    op.create_index(op.f("ix_catalog_events_type"), "catalog_events", ["type"], unique=False)
    op.create_table(
        "catalog_images",
        sa.Column("account", sa.String(length=128), nullable=False),
        sa.Column("image_digest", sa.String(length=80), nullable=False),
        sa.Column("parent_digest", sa.String(length=80), nullable=True),
        sa.Column("image_id", sa.String(length=80), nullable=True),
        sa.Column("analysis_status", sa.String(length=20), nullable=False),
        sa.Column("image_status", sa.String(length=20), nullable=False),
        sa.Column("failure_reason", sa.Text(), nullable=True),
        sa.Column("annotations", sa.JSON(), nullable=False),
        sa.Column("image_type", sa.String(length=16), nullable=False),
        sa.Column("arch", sa.String(length=32), nullable=True),
        sa.Column("distro", sa.String(length=64), nullable=True),
        sa.Column("distro_version", sa.String(length=64), nullable=True),
        sa.Column("dockerfile_mode", sa.String(length=16), nullable=True),
        sa.Column("image_size", sa.BigInteger(), nullable=True),
        sa.Column("compressed_size", sa.BigInteger(), nullable=True),
        sa.Column("layer_count", sa.Integer(), nullable=True),
        sa.Column("manifest", sa.JSON(), nullable=True),
        sa.Column("progress", sa.JSON(), nullable=True),
        sa.Column("analysis_attempts", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_updated", sa.DateTime(timezone=True), nullable=False),
        sa.Column("analysis_started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("analyzed_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("account", "image_digest", name=op.f("pk_catalog_images")),
    )
    op.create_index(
        op.f("ix_catalog_images_analysis_status"), "catalog_images", ["analysis_status"], unique=False
    )
    op.create_index(op.f("ix_catalog_images_image_id"), "catalog_images", ["image_id"], unique=False)
    op.create_index(op.f("ix_catalog_images_image_status"), "catalog_images", ["image_status"], unique=False)
    op.create_table(
        "catalog_registries",
        sa.Column("account", sa.String(length=128), nullable=False),
        sa.Column("registry", sa.String(length=255), nullable=False),
        sa.Column("registry_name", sa.String(length=255), nullable=True),
        sa.Column("registry_type", sa.String(length=32), nullable=False),
        sa.Column("registry_user", sa.String(length=255), nullable=True),
        sa.Column("registry_pass_encrypted", sa.Text(), nullable=True),
        sa.Column("registry_verify", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_updated", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("account", "registry", name=op.f("pk_catalog_registries")),
    )
    op.create_table(
        "catalog_subscriptions",
        sa.Column("subscription_id", sa.String(length=64), nullable=False),
        sa.Column("account", sa.String(length=128), nullable=False),
        sa.Column("subscription_key", sa.String(length=512), nullable=False),
        sa.Column("subscription_type", sa.String(length=32), nullable=False),
        sa.Column("subscription_value", sa.Text(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_updated", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("subscription_id", name=op.f("pk_catalog_subscriptions")),
    )
    op.create_index(
        op.f("ix_catalog_subscriptions_account"), "catalog_subscriptions", ["account"], unique=False
    )
    op.create_index(
        "ix_catalog_subscriptions_type_active",
        "catalog_subscriptions",
        ["subscription_type", "active"],
        unique=False,
    )
    op.create_table(
        "catalog_image_tags",
        sa.Column("account", sa.String(length=128), nullable=False),
        sa.Column("image_digest", sa.String(length=80), nullable=False),
        sa.Column("registry", sa.String(length=255), nullable=False),
        sa.Column("repo", sa.String(length=255), nullable=False),
        sa.Column("tag", sa.String(length=128), nullable=False),
        sa.Column("dockerfile", sa.Text(), nullable=True),
        sa.Column("tag_detected_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_updated", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account", "image_digest"],
            ["catalog_images.account", "catalog_images.image_digest"],
            name=op.f("fk_catalog_image_tags_account_catalog_images"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "account", "image_digest", "registry", "repo", "tag", name=op.f("pk_catalog_image_tags")
        ),
    )
    op.create_index(
        "ix_catalog_image_tags_fulltag",
        "catalog_image_tags",
        ["account", "registry", "repo", "tag"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_catalog_image_tags_fulltag", table_name="catalog_image_tags")
    op.drop_table("catalog_image_tags")
    op.drop_index("ix_catalog_subscriptions_type_active", table_name="catalog_subscriptions")
    op.drop_index(op.f("ix_catalog_subscriptions_account"), table_name="catalog_subscriptions")
    op.drop_table("catalog_subscriptions")
    op.drop_table("catalog_registries")
    op.drop_index(op.f("ix_catalog_images_image_status"), table_name="catalog_images")
    op.drop_index(op.f("ix_catalog_images_image_id"), table_name="catalog_images")
    op.drop_index(op.f("ix_catalog_images_analysis_status"), table_name="catalog_images")
    op.drop_table("catalog_images")
    op.drop_index(op.f("ix_catalog_events_type"), table_name="catalog_events")
    op.drop_index(op.f("ix_catalog_events_timestamp"), table_name="catalog_events")
    op.drop_index(op.f("ix_catalog_events_account"), table_name="catalog_events")
    op.drop_table("catalog_events")
    op.drop_table("catalog_archive_documents")
