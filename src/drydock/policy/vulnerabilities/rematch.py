"""Re-match after feed changes: every analyzed image whose stored report predates the feed
store's generation (or that has none yet) is matched again from its stored packages with the
shared index, in batches of one transaction each, and ``user.checks.tag.vulnerabilities.update``
is recorded for the tags currently on an image whose results changed."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from drydock.catalog import events
from drydock.catalog.context import catalog_context
from drydock.catalog.models import AnalysisStatus, CatalogImage, ImageStatus, ImageTag
from drydock.policy.indexes import index_cache
from drydock.policy.matching.index import VulnerabilityIndex
from drydock.policy.vulnerabilities.models import VulnerabilityReport
from drydock.policy.vulnerabilities.report import diff_reports, is_empty
from drydock.policy.vulnerabilities.store import compute, save
from drydock.policy.watcher import latest_analyzed_digest
from drydock.runtime.context import Runtime

log = logging.getLogger(__name__)
INTERVAL_SECONDS = 60.0
BATCH_SIZE = 100
EVENT_TYPE = "user.checks.tag.vulnerabilities.update"


@dataclass(slots=True)
class RematchStats:
    images: int = 0
    changed: int = 0
    events: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)


def stale_images(session: Session, generation: int) -> list[tuple[str, str]]:
    """(account, digest) of analyzed, active images with no report of ``generation``."""
    stmt = (
        select(CatalogImage.account, CatalogImage.image_digest)
        .outerjoin(
            VulnerabilityReport,
            and_(
                VulnerabilityReport.account == CatalogImage.account,
                VulnerabilityReport.image_digest == CatalogImage.image_digest,
            ),
        )
        .where(
            CatalogImage.analysis_status == AnalysisStatus.ANALYZED.value,
            CatalogImage.image_status == ImageStatus.ACTIVE.value,
            or_(
                VulnerabilityReport.feed_generation.is_(None),
                VulnerabilityReport.feed_generation != generation,
            ),
        )
        .order_by(CatalogImage.account, CatalogImage.image_digest)
    )
    return [(a, d) for a, d in session.execute(stmt)]


def current_tags(session: Session, account: str, digest: str) -> list[str]:
    """Full tags whose latest analyzed image is ``digest`` (a tag that moved on is no longer
    about this image)."""
    tags = session.scalars(
        select(ImageTag).where(ImageTag.account == account, ImageTag.image_digest == digest)
    )
    fulltags = {f"{t.registry_host}/{t.repo}:{t.tag}" for t in tags}
    return sorted(t for t in fulltags if latest_analyzed_digest(session, account, t) == digest)


def record_changes(session: Session, account: str, digest: str, diff: dict[str, list[dict[str, Any]]]) -> int:
    tags = current_tags(session, account, digest)
    for tag in tags:
        events.add_event(
            session,
            account=account,
            type=EVENT_TYPE,
            resource_id=tag,
            details={
                "diff_vulnerability_result": diff,
                "imageDigest": digest,
                "subscription_type": "vuln_update",
            },
            source="policy_engine",
        )
    return len(tags)


def rematch_image(
    session: Session,
    runtime: Runtime,
    index: VulnerabilityIndex,
    account: str,
    digest: str,
    stats: RematchStats,
) -> None:
    previous = session.get(VulnerabilityReport, (account, digest))
    old_rows = list(previous.rows) if previous is not None else None
    content = catalog_context(runtime).load_packages(session, account, digest)
    report = save(session, account, digest, index.generation, compute(index, content))
    stats.images += 1
    if old_rows is None:
        return  # a first report has nothing to differ from
    diff = diff_reports(old_rows, report.rows)
    if not is_empty(diff):
        stats.changed += 1
        stats.events += record_changes(session, account, digest, diff)


def _batches(items: list[tuple[str, str]], size: int) -> Iterable[list[tuple[str, str]]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def rematch_all(runtime: Runtime, batch_size: int = BATCH_SIZE) -> RematchStats:
    """Bring every stale report to the current generation; one image's failure (its packages
    unreadable, say) is logged and skipped, never stopping the others."""
    stats = RematchStats()
    with runtime.db.session() as session:
        index = index_cache(runtime).get(session)
        todo = stale_images(session, index.generation)
    for batch in _batches(todo, batch_size):
        with runtime.db.session() as session:
            index = index_cache(runtime).get(session)
            for account, digest in batch:
                try:
                    with session.begin_nested():
                        rematch_image(session, runtime, index, account, digest, stats)
                except Exception as exc:  # noqa: BLE001 - one bad document must not stop the others
                    stats.failed.append((account, digest))
                    log.warning(
                        "re-match failed", extra={"account": account, "digest": digest, "error": str(exc)}
                    )
    if todo:
        log.info(
            "re-matched images",
            extra={
                "images": stats.images,
                "changed": stats.changed,
                "events": stats.events,
                "failed": len(stats.failed),
            },
        )
    return stats


def periodic_rematch(runtime: Runtime) -> None:
    rematch_all(runtime)
