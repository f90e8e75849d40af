"""Evaluating a catalogued image in the server: load its analysis, match its packages against
the feed store, evaluate the bundle, store the outcome. Everything uses the caller's session
(one transaction per request; never a second session inside it)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from drydock.analyzer.document import from_document
from drydock.analyzer.model import ImageAnalysis
from drydock.catalog.context import catalog_context
from drydock.core.db import utcnow
from drydock.feeds import store
from drydock.feeds.models import FeedGroupRow
from drydock.feeds.records import PackageVersions
from drydock.policy import service
from drydock.policy.context import ImageContext, MalwareFinding
from drydock.policy.evaluate import evaluate, split_tag
from drydock.policy.indexes import index_cache
from drydock.policy.matching.index import VulnerabilityIndex
from drydock.policy.matching.matcher import MatcherConfig, MatchResult, find_namespace, match_packages
from drydock.policy.models import PolicyBundleRecord, PolicyEvaluationRecord
from drydock.policy.vulndata import Detections, Vulnerabilities, view_from_matches
from drydock.policy.vulnerabilities.detection import detection_times
from drydock.policy.vulnerabilities.store import analyzed_image, computed, refreshed_report
from drydock.runtime.context import Runtime


def normalize_tag(tag: str) -> str:
    parts = split_tag(tag)
    return f"{parts.registry}/{parts.repository}:{parts.tag}"


def malware_findings(analysis: ImageAnalysis) -> list[MalwareFinding] | None:
    """What the analysis' malware scans found; None when no scan ran: the analyzer records
    scans only when a scanner (ClamAV) is configured, and a scan that failed (``error`` set)
    without finding anything did not run as far as the policy is concerned. What any scan
    found is always reported."""
    scans = list(analysis.malware or ())
    findings = [MalwareFinding(m.path, m.signature, scan.scanner) for scan in scans for m in scan.findings]
    if findings or any(scan.error is None for scan in scans):
        return findings
    return None


def vulnerabilities_for(
    analysis: ImageAnalysis,
    result: MatchResult,
    last_sync: datetime | None,
    detected: Detections,
) -> Vulnerabilities:
    """The gates' view of ``analysis``'s matches; no matching namespace for an image with OS
    packages means the data for its distro is unavailable."""
    has_os = any(p.type.is_os for p in analysis.packages)
    available = bool(result.namespaces) or not has_os
    return view_from_matches(result.matches, data_available=available, last_sync=last_sync, detected=detected)


def package_feeds(session: Session, analysis: ImageAnalysis) -> dict[str, dict[str, PackageVersions]]:
    """What the ``packages`` feed knows of the image's npm and gem packages, per type; a type
    whose feed group is not synced is left out (its gates then say the data is unavailable)."""
    feeds: dict[str, dict[str, PackageVersions]] = {}
    for ptype in sorted(store.PACKAGE_GROUPS):
        names = {p.name for p in analysis.packages if str(p.type) == ptype}
        known = store.package_versions(session, ptype, names)
        if known is not None:
            feeds[ptype] = known
    return feeds


def last_sync(session: Session, index: VulnerabilityIndex, analysis: ImageAnalysis) -> datetime | None:
    """Last sync of the group holding the image distro's records, else of the newest group."""
    namespace, _ = find_namespace(index, analysis.distro, MatcherConfig())
    if namespace:
        row = session.get(FeedGroupRow, namespace)
        if row is not None:
            return row.last_sync
    return session.scalar(
        select(FeedGroupRow.last_sync)
        .where(FeedGroupRow.enabled.is_(True))
        .order_by(FeedGroupRow.last_sync.desc())
    )


@dataclass(frozen=True, slots=True)
class Outcome:
    row: PolicyEvaluationRecord
    previous_action: str | None


def evaluate_image(
    session: Session, runtime: Runtime, account: str, digest: str, tag: str, record: PolicyBundleRecord
) -> Outcome:
    image = analyzed_image(session, account, digest)
    document = catalog_context(runtime).load_document(session, account, digest)
    analysis = from_document(document)
    index = index_cache(runtime).get(session)
    now = utcnow()
    matched = match_packages(index, analysis.distro, analysis.packages)
    # The stored report (brought to the current feeds, from these matches when stale) knows
    # when each match was first seen.
    report = refreshed_report(session, account, digest, index.generation, lambda: computed(analysis, matched))
    detected = Detections(now, detection_times(report.rows, report.generated_at))
    vulns = vulnerabilities_for(analysis, matched, last_sync(session, index, analysis), detected)
    ctx = ImageContext(
        analysis=analysis,
        image_id=image.image_id or "",
        image_digest=digest,
        tag=tag,
        now=now,
        vulnerabilities=vulns,
        malware=malware_findings(analysis),
        package_feeds=package_feeds(session, analysis),
    )
    bundle = service.validated(record.bundle)
    previous = service.latest_for_tag(session, account, tag)
    result = evaluate(bundle, ctx, user_id=account)
    row = service.store_evaluation(session, account, digest, tag, record, result, store.generation(session))
    return Outcome(row, previous.final_action if previous else None)
