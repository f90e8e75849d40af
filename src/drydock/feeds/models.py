"""Feed store tables (enterprise schema).

Anchore's model: a *feed* (``vulnerabilities``, ``nvdv2``, ``kev``, ``epss``, ``packages``) owns *groups*;
a group of the vulnerabilities feed is a namespace (``debian:12``, ``github:python``). Records
belong to exactly one group, so a sync replaces a group's rows in one transaction. The full
normalized record is kept as JSON (``data``) so exports are lossless; the other columns are
projections the API and the matcher query.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Boolean, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from drydock.core.db import ENTERPRISE_SCHEMA, EnterpriseBase, utcnow

_SCHEMA = {"schema": ENTERPRISE_SCHEMA}


class FeedRow(EnterpriseBase):
    __tablename__ = "feeds"
    __table_args__ = _SCHEMA

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_full_sync: Mapped[datetime | None] = mapped_column(nullable=True)


class FeedGroupRow(EnterpriseBase):
    __tablename__ = "feed_groups"
    __table_args__ = _SCHEMA

    name: Mapped[str] = mapped_column(String(), primary_key=True)
    feed_name: Mapped[str] = mapped_column(
        String(64), ForeignKey(f"{ENTERPRISE_SCHEMA}.feeds.name", ondelete="CASCADE"), index=True
    )
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_sync: Mapped[datetime | None] = mapped_column(nullable=True)
    record_count: Mapped[int] = mapped_column(Integer, default=0)
    # Which driver last wrote the group, and a digest of its records: a re-import producing
    # the same digest leaves the group untouched (no rewrite, no generation bump).
    driver: Mapped[str | None] = mapped_column(String(64), nullable=True)
    digest: Mapped[str | None] = mapped_column(String(64), nullable=True)


class VulnerabilityRow(EnterpriseBase):
    __tablename__ = "feed_vulnerabilities"
    __table_args__ = _SCHEMA

    group_name: Mapped[str] = mapped_column(String(), primary_key=True)
    id: Mapped[str] = mapped_column(String(), primary_key=True)
    namespace: Mapped[str] = mapped_column(String())
    severity: Mapped[str] = mapped_column(String(16))
    link: Mapped[str | None] = mapped_column(Text, nullable=True)
    cvss: Mapped[list[Any]] = mapped_column(JSON)
    aliases: Mapped[list[Any]] = mapped_column(JSON)
    published: Mapped[str | None] = mapped_column(String(), nullable=True)
    modified: Mapped[str | None] = mapped_column(String(), nullable=True)
    withdrawn: Mapped[str | None] = mapped_column(String(), nullable=True)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)


class AffectedPackageRow(EnterpriseBase):
    __tablename__ = "feed_affected_packages"
    __table_args__ = (
        Index("ix_feed_affected_packages_ns_name", "namespace", "name"),
        _SCHEMA,
    )

    pk: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    )
    group_name: Mapped[str] = mapped_column(String(), index=True)
    vuln_id: Mapped[str] = mapped_column(String())
    namespace: Mapped[str] = mapped_column(String())
    name: Mapped[str] = mapped_column(String())
    is_source: Mapped[bool] = mapped_column(Boolean, default=False)
    version_format: Mapped[str] = mapped_column(String(16))
    # OR-of-AND text ("< 1.2" / ">= 1.0, < 2.0 || = 3.1"); None when only fixes are known.
    constraint: Mapped[str | None] = mapped_column(Text, nullable=True)
    fixed_versions: Mapped[list[Any]] = mapped_column(JSON)
    fix_state: Mapped[str] = mapped_column(String(16))
    no_advisory: Mapped[bool] = mapped_column(Boolean, default=False)
    module: Mapped[str | None] = mapped_column(String(), nullable=True)
    arch: Mapped[str | None] = mapped_column(String(), nullable=True)
    cpe_criteria: Mapped[list[Any]] = mapped_column(JSON)
    # Fixed version -> {"date", "kind"}: the upstream's date ("advisory", or vunnel's own
    # "first-observed"), else when a sync first saw the fix ("first-observed"). None for rows
    # written before the column existed.
    fix_dates: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)


class FixObservationRow(EnterpriseBase):
    """When a sync first saw a fix the upstream gives no date for. Outlives the group's
    records (re-syncs, forced rewrites and group deletion keep it): the platform cannot
    learn the date again."""

    __tablename__ = "feed_fix_observations"
    __table_args__ = _SCHEMA

    namespace: Mapped[str] = mapped_column(String(), primary_key=True)
    vuln_id: Mapped[str] = mapped_column(String(), primary_key=True)
    package: Mapped[str] = mapped_column(String(), primary_key=True)
    version: Mapped[str] = mapped_column(String(), primary_key=True)
    first_observed_at: Mapped[datetime] = mapped_column()


class KevRow(EnterpriseBase):
    __tablename__ = "feed_kev"
    __table_args__ = _SCHEMA

    cve_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    date_added: Mapped[str] = mapped_column(String())
    due_date: Mapped[str] = mapped_column(String())
    ransomware: Mapped[str | None] = mapped_column(String(), nullable=True)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)


class EpssRow(EnterpriseBase):
    __tablename__ = "feed_epss"
    __table_args__ = _SCHEMA

    cve: Mapped[str] = mapped_column(String(64), primary_key=True)
    epss: Mapped[float] = mapped_column(Float)
    percentile: Mapped[float] = mapped_column(Float)
    date: Mapped[str] = mapped_column(String())
    data: Mapped[dict[str, Any]] = mapped_column(JSON)


class PackageVersionsRow(EnterpriseBase):
    """One package of a ``packages`` feed group (``npm``, ``gem``)."""

    __tablename__ = "feed_package_versions"
    __table_args__ = _SCHEMA

    group_name: Mapped[str] = mapped_column(String(), primary_key=True)
    name: Mapped[str] = mapped_column(String(), primary_key=True)
    latest: Mapped[str | None] = mapped_column(String(), nullable=True)
    versions: Mapped[list[str]] = mapped_column(JSON)


class FeedSourceRow(EnterpriseBase):
    """Checksum of the inputs last imported from one source (driver + path): an unchanged
    source is skipped without parsing."""

    __tablename__ = "feed_sources"
    __table_args__ = _SCHEMA

    key: Mapped[str] = mapped_column(String(1024), primary_key=True)
    digest: Mapped[str] = mapped_column(String(64))
    imported_at: Mapped[datetime] = mapped_column(default=utcnow)


class FeedStoreState(EnterpriseBase):
    """One row: the store generation, bumped by every committed change to feed data (the
    matcher's cache key; updating it also serializes concurrent writers on PostgreSQL)."""

    __tablename__ = "feed_store_state"
    __table_args__ = _SCHEMA

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    generation: Mapped[int] = mapped_column(BigInteger, default=0)
