"""Stored vulnerability reports: one document per image (what the report endpoint serves) plus
narrow rows the query endpoints filter on with indexes, instead of opening every document."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, ForeignKeyConstraint, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from drydock.core.db import Base, utcnow


def _belongs_to_report() -> ForeignKeyConstraint:
    """Rows go with their report (a constraint object serves one table, hence a factory)."""
    return ForeignKeyConstraint(
        ["account", "image_digest"],
        ["vulnerability_reports.account", "vulnerability_reports.image_digest"],
        ondelete="CASCADE",
    )


class VulnerabilityReport(Base):
    """The rows of one image's report, computed with feed store generation ``feed_generation``
    (the report is current while the store has not moved past it)."""

    __tablename__ = "vulnerability_reports"

    account: Mapped[str] = mapped_column(String(128), primary_key=True)
    image_digest: Mapped[str] = mapped_column(String(80), primary_key=True)
    feed_generation: Mapped[int] = mapped_column(Integer)
    rows: Mapped[list[Any]] = mapped_column()
    namespaces: Mapped[list[Any]] = mapped_column(default=list)
    generated_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (
        ForeignKeyConstraint(
            ["account", "image_digest"],
            ["catalog_images.account", "catalog_images.image_digest"],
            ondelete="CASCADE",
        ),
        Index("ix_vulnerability_reports_generation", "feed_generation"),
    )


class ReportMatch(Base):
    """One row of a stored report, for ``/query/images/by_vulnerability``."""

    __tablename__ = "vulnerability_report_matches"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    account: Mapped[str] = mapped_column(String(128))
    image_digest: Mapped[str] = mapped_column(String(80))
    vulnerability_id: Mapped[str] = mapped_column(String(255))
    namespace: Mapped[str] = mapped_column(String(255))
    package_name: Mapped[str] = mapped_column(String(1024))
    package_version: Mapped[str] = mapped_column(String(1024))
    package_type: Mapped[str] = mapped_column(String(32))
    severity: Mapped[str] = mapped_column(String(16))
    will_not_fix: Mapped[bool] = mapped_column(Boolean, default=False)

    __table_args__ = (
        _belongs_to_report(),
        Index("ix_vulnerability_report_matches_vuln", "account", "vulnerability_id"),
        Index("ix_vulnerability_report_matches_image", "account", "image_digest"),
    )


class ImagePackage(Base):
    """One package of an analysed image (stored with its first report: packages never change
    for a digest), for ``/query/images/by_package``."""

    __tablename__ = "vulnerability_image_packages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    account: Mapped[str] = mapped_column(String(128))
    image_digest: Mapped[str] = mapped_column(String(80))
    name: Mapped[str] = mapped_column(String(1024))
    version: Mapped[str] = mapped_column(String(1024))
    package_type: Mapped[str] = mapped_column(String(32))
    path: Mapped[str] = mapped_column(String(4096))

    __table_args__ = (
        _belongs_to_report(),
        Index("ix_vulnerability_image_packages_name", "account", "name"),
        Index("ix_vulnerability_image_packages_image", "account", "image_digest"),
    )
