"""Compute and store per-image reports. A report is current while the feed store generation it
was computed with is the store's; otherwise (or on ``force_refresh``) it is recomputed from the
image's stored packages with the shared index (no image pull). Everything runs in the caller's
session."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Table, delete, insert, select
from sqlalchemy.orm import Session

from drydock.analyzer.document import from_document
from drydock.analyzer.model import ImageAnalysis, Package
from drydock.catalog import images
from drydock.catalog.context import catalog_context
from drydock.catalog.models import AnalysisStatus, CatalogImage
from drydock.core.db import utcnow
from drydock.core.errors import NotFound
from drydock.policy.indexes import index_cache
from drydock.policy.matching.index import VulnerabilityIndex
from drydock.policy.matching.matcher import MatchResult, match_packages
from drydock.policy.vulnerabilities.detection import carry_detections
from drydock.policy.vulnerabilities.models import ImagePackage, ReportMatch, VulnerabilityReport
from drydock.policy.vulnerabilities.report import anchore_type, report_rows
from drydock.runtime.context import Runtime

# Core inserts: the ORM bulk path costs more per row, and these rows are plain values.
_PACKAGES = cast(Table, ImagePackage.__table__)
_MATCHES = cast(Table, ReportMatch.__table__)


@dataclass(frozen=True, slots=True)
class Computed:
    rows: list[dict[str, Any]]
    namespaces: list[str]
    packages: list[Package]


def compute(index: VulnerabilityIndex, content: dict[str, Any]) -> Computed:
    """Match the packages of a normalized content document (``CatalogContext.load_packages``)."""
    analysis = from_document(content)
    return computed(analysis, match_packages(index, analysis.distro, analysis.packages))


def computed(analysis: ImageAnalysis, result: MatchResult) -> Computed:
    """The report of matches already made for ``analysis`` (a policy evaluation's)."""
    return Computed(
        report_rows(result.matches, analysis.packages), list(result.namespaces), analysis.packages
    )


def _match_rows(account: str, digest: str, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {
            "account": account,
            "image_digest": digest,
            "vulnerability_id": r["vuln"],
            "namespace": r["namespace"],
            "package_name": r["package_name"],
            "package_version": r["package_version"],
            "package_type": r["package_type"],
            "severity": r["severity"],
            "will_not_fix": r["will_not_fix"],
        }
        for r in rows
    ]


def _package_rows(account: str, digest: str, packages: list[Package]) -> list[dict[str, Any]]:
    return [
        {
            "account": account,
            "image_digest": digest,
            "name": p.name,
            "version": p.version,
            "package_type": anchore_type(str(p.type)),
            "path": p.locations[0].path if p.locations else "pkgdb",
        }
        for p in packages
    ]


def lock_image(session: Session, account: str, digest: str) -> None:
    """Serialize report writers of one image (a request and the re-match task, or two
    requests): on PostgreSQL a row lock on the image, which does not block foreign-key checks;
    SQLite's write transactions are serial already (BEGIN IMMEDIATE)."""
    session.execute(
        select(CatalogImage.image_digest)
        .where(CatalogImage.account == account, CatalogImage.image_digest == digest)
        .with_for_update(key_share=True)
    )


def save(
    session: Session, account: str, digest: str, generation: int, computed: Computed
) -> VulnerabilityReport:
    """Replace the image's report and its match rows; its package rows are written once. An
    unchanged result only moves the generation (most images are untouched by a feed update).
    Matches the previous report held keep their detection time."""
    lock_image(session, account, digest)
    report = session.get(VulnerabilityReport, (account, digest), populate_existing=True)
    now = utcnow()
    if report is None:
        rows = carry_detections(computed.rows, (), now)
    else:
        rows = carry_detections(computed.rows, report.rows, now, report.generated_at)
    if report is not None and report.rows == rows and report.namespaces == computed.namespaces:
        report.feed_generation = generation
        report.generated_at = now
        return report
    fields = {
        "feed_generation": generation,
        "rows": rows,
        "namespaces": computed.namespaces,
        "generated_at": now,
    }
    if report is None:
        report = VulnerabilityReport(account=account, image_digest=digest, **fields)
        session.add(report)
        session.flush()
        if computed.packages:
            session.execute(insert(_PACKAGES), _package_rows(account, digest, computed.packages))
    else:
        for name, value in fields.items():
            setattr(report, name, value)
        session.execute(
            delete(ReportMatch).where(ReportMatch.account == account, ReportMatch.image_digest == digest)
        )
    if rows:
        session.execute(insert(_MATCHES), _match_rows(account, digest, rows))
    return report


def analyzed_image(session: Session, account: str, digest: str) -> CatalogImage:
    image = images.get_image(session, account=account, digest=digest)
    if image.analysis_status != AnalysisStatus.ANALYZED.value:
        raise NotFound(f"image is not analyzed - analysis_status: {image.analysis_status}")
    return image


def current_report(
    session: Session, runtime: Runtime, account: str, digest: str, force_refresh: bool = False
) -> VulnerabilityReport:
    """The image's report for the current feed data, recomputed when stale or forced."""
    analyzed_image(session, account, digest)
    index = index_cache(runtime).get(session)

    def from_archive() -> Computed:
        return compute(index, catalog_context(runtime).load_packages(session, account, digest))

    return refreshed_report(session, account, digest, index.generation, from_archive, force_refresh)


def refreshed_report(
    session: Session,
    account: str,
    digest: str,
    generation: int,
    recompute: Callable[[], Computed],
    force_refresh: bool = False,
) -> VulnerabilityReport:
    """The stored report when it was computed at ``generation`` (and not forced), else
    ``recompute()``'s result saved: callers that matched the image already pass their matches."""
    report = session.get(VulnerabilityReport, (account, digest))
    if report is not None and report.feed_generation == generation and not force_refresh:
        return report
    return save(session, account, digest, generation, recompute())
