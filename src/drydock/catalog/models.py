"""Catalog tables: images and their tag history, registries, subscriptions, events, and the
database driver's document store. Every row belongs to one account."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import BigInteger, Boolean, ForeignKeyConstraint, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from drydock.core.db import Base, utcnow


class AnalysisStatus(StrEnum):
    NOT_ANALYZED = "not_analyzed"
    ANALYZING = "analyzing"
    ANALYZED = "analyzed"
    FAILED = "analysis_failed"


class ImageStatus(StrEnum):
    ACTIVE = "active"
    DELETING = "deleting"


class CatalogImage(Base):
    """One image (platform manifest digest) in one account."""

    __tablename__ = "catalog_images"

    account: Mapped[str] = mapped_column(String(128), primary_key=True)
    image_digest: Mapped[str] = mapped_column(String(80), primary_key=True)
    parent_digest: Mapped[str | None] = mapped_column(String(80), nullable=True)
    image_id: Mapped[str | None] = mapped_column(String(80), nullable=True, index=True)
    analysis_status: Mapped[str] = mapped_column(
        String(20), default=AnalysisStatus.NOT_ANALYZED.value, index=True
    )
    image_status: Mapped[str] = mapped_column(String(20), default=ImageStatus.ACTIVE.value, index=True)
    failure_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    annotations: Mapped[dict[str, Any]] = mapped_column(default=dict)
    image_type: Mapped[str] = mapped_column(String(16), default="docker")
    arch: Mapped[str | None] = mapped_column(String(32), nullable=True)
    distro: Mapped[str | None] = mapped_column(String(64), nullable=True)
    distro_version: Mapped[str | None] = mapped_column(String(64), nullable=True)
    dockerfile_mode: Mapped[str | None] = mapped_column(String(16), nullable=True)
    image_size: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    compressed_size: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    layer_count: Mapped[int | None] = mapped_column(Integer, nullable=True)
    # Manifest documents as resolved at add time (the worker pulls exactly this digest).
    manifest: Mapped[dict[str, Any] | None] = mapped_column(nullable=True)
    progress: Mapped[dict[str, Any] | None] = mapped_column(nullable=True)
    analysis_attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_updated: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    analysis_started_at: Mapped[datetime | None] = mapped_column(nullable=True)
    analyzed_at: Mapped[datetime | None] = mapped_column(nullable=True)


class ImageTag(Base):
    """Tag history: image ``image_digest`` was seen at ``registry/repo:tag`` at ``tag_detected_at``."""

    __tablename__ = "catalog_image_tags"

    account: Mapped[str] = mapped_column(String(128), primary_key=True)
    image_digest: Mapped[str] = mapped_column(String(80), primary_key=True)
    # "registry" is reserved on declarative classes, hence the attribute name.
    registry_host: Mapped[str] = mapped_column("registry", String(255), primary_key=True)
    repo: Mapped[str] = mapped_column(String(255), primary_key=True)
    tag: Mapped[str] = mapped_column(String(128), primary_key=True)
    dockerfile: Mapped[str | None] = mapped_column(Text, nullable=True)  # base64, as supplied
    tag_detected_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_updated: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    __table_args__ = (
        ForeignKeyConstraint(
            ["account", "image_digest"],
            ["catalog_images.account", "catalog_images.image_digest"],
            ondelete="CASCADE",
        ),
        Index("ix_catalog_image_tags_fulltag", "account", "registry", "repo", "tag"),
    )


class RegistryRecord(Base):
    """Registry credentials of an account; the password is encrypted at rest."""

    __tablename__ = "catalog_registries"

    account: Mapped[str] = mapped_column(String(128), primary_key=True)
    registry_host: Mapped[str] = mapped_column("registry", String(255), primary_key=True)
    registry_name: Mapped[str | None] = mapped_column(String(255), nullable=True)
    registry_type: Mapped[str] = mapped_column(String(32), default="docker_v2")
    registry_user: Mapped[str | None] = mapped_column(String(255), nullable=True)
    registry_pass_encrypted: Mapped[str | None] = mapped_column(Text, nullable=True)
    registry_verify: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_updated: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Subscription(Base):
    __tablename__ = "catalog_subscriptions"

    subscription_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    account: Mapped[str] = mapped_column(String(128), index=True)
    subscription_key: Mapped[str] = mapped_column(String(512))
    subscription_type: Mapped[str] = mapped_column(String(32))
    subscription_value: Mapped[str | None] = mapped_column(Text, nullable=True)
    active: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_updated: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    __table_args__ = (Index("ix_catalog_subscriptions_type_active", "subscription_type", "active"),)


class Event(Base):
    """An event users may care about; notifications deliver from this log."""

    __tablename__ = "catalog_events"

    generated_uuid: Mapped[str] = mapped_column(String(36), primary_key=True)
    account: Mapped[str] = mapped_column(String(128), index=True)
    type: Mapped[str] = mapped_column(String(128), index=True)
    level: Mapped[str] = mapped_column(String(8))
    message: Mapped[str] = mapped_column(Text)
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)
    resource_type: Mapped[str] = mapped_column(String(32))
    resource_id: Mapped[str] = mapped_column(String(512))
    source_servicename: Mapped[str] = mapped_column(String(64))
    source_hostid: Mapped[str] = mapped_column(String(255))
    source_base_url: Mapped[str | None] = mapped_column(String(512), nullable=True)
    request_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    timestamp: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ArchiveDocument(Base):
    """Documents kept by the ``database`` archive driver (the default)."""

    __tablename__ = "catalog_archive_documents"

    account: Mapped[str] = mapped_column(String(128), primary_key=True)
    bucket: Mapped[str] = mapped_column(String(64), primary_key=True)
    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    content: Mapped[bytes] = mapped_column(LargeBinary)
    size: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
