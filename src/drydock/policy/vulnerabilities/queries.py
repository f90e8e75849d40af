"""The ``/query`` endpoints: vulnerability records from the feed store, and an account's images
by vulnerability or by package from the indexed report rows (never by opening documents).

Pages count images (or vulnerabilities), as Anchore's do: ``page`` from 1, ``limit`` per page.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from drydock.catalog import images
from drydock.catalog.models import CatalogImage, ImageTag
from drydock.core.errors import BadRequest
from drydock.core.timeutil import iso_z
from drydock.feeds.models import AffectedPackageRow, VulnerabilityRow
from drydock.policy.matching.index import parse_constraint
from drydock.policy.vulnerabilities.models import ImagePackage, ReportMatch
from drydock.policy.vulnerabilities.report import NONE, cvss_data
from drydock.versions import InvalidConstraint, InvalidVersion

MAX_LIMIT = 1000
#: Namespace prefix → the package type Anchore prints for its records.
_NAMESPACE_TYPES = {
    "debian": "dpkg",
    "ubuntu": "dpkg",
    "alpine": "APKG",
    "wolfi": "APKG",
    "chainguard": "APKG",
}


@dataclass(frozen=True, slots=True)
class Page:
    page: int
    limit: int

    @classmethod
    def of(cls, page: int | None, limit: int | None) -> Page:
        page = 1 if page is None else page
        limit = 100 if limit is None else limit
        if page < 1 or limit < 1 or limit > MAX_LIMIT:
            raise BadRequest(f"page must be >= 1 and limit between 1 and {MAX_LIMIT}")
        return cls(page, limit)

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.limit

    def envelope(self, key: str, items: list[Any], total: int) -> dict[str, Any]:
        out: dict[str, Any] = {"page": self.page, "returned_count": len(items), key: items}
        if self.offset + len(items) < total:
            out["next_page"] = self.page + 1
        return out


def _package_type(namespace: str, version_format: str) -> str:
    prefix, _, rest = namespace.partition(":")
    if prefix in _NAMESPACE_TYPES:
        return _NAMESPACE_TYPES[prefix]
    if prefix == "github" or prefix == "osv":
        return rest or version_format
    return "rpm" if version_format == "rpm" else version_format


def _affects(row: AffectedPackageRow, version: str | None) -> bool:
    """Whether ``version`` falls in the record's range; a range or version that cannot be
    read answers no (a query must not claim what it cannot show)."""
    if version is None:
        return True
    if not row.constraint:
        return row.fix_state != "fixed"
    try:
        return parse_constraint(row.constraint, row.version_format).satisfied_by(version)
    except (InvalidConstraint, InvalidVersion):
        return False


def vulnerability_out(v: VulnerabilityRow, affected: list[AffectedPackageRow]) -> dict[str, Any]:
    data = v.data or {}
    return {
        "id": v.id,
        "namespace": v.namespace,
        "severity": v.severity,
        "link": v.link or NONE,
        "description": data.get("description") or "",
        "affected_packages": [
            {
                "name": a.name,
                "version": ",".join(a.fixed_versions or []) or "*",
                "type": _package_type(a.namespace, a.version_format),
                "will_not_fix": a.fix_state == "wont-fix" or bool(a.no_advisory),
                "constraint": a.constraint or NONE,
            }
            for a in affected
        ],
        "nvd_data": cvss_data(v.id, v.cvss or [], nvd=True),
        "vendor_data": cvss_data(v.id, v.cvss or [], nvd=False),
        "references": [
            r.get("url") for r in data.get("references", []) if isinstance(r, dict) and r.get("url")
        ],
    }


def query_vulnerabilities(
    session: Session,
    ids: list[str],
    page: Page,
    namespace: str | None = None,
    affected_package: str | None = None,
    affected_package_version: str | None = None,
) -> dict[str, Any]:
    if not ids:
        raise BadRequest("id is required")
    stmt = select(VulnerabilityRow).where(VulnerabilityRow.id.in_(ids))
    if namespace:
        stmt = stmt.where(VulnerabilityRow.namespace == namespace)
    affected_by: dict[tuple[str, str], list[AffectedPackageRow]] = defaultdict(list)
    apq = select(AffectedPackageRow).where(AffectedPackageRow.vuln_id.in_(ids))
    if affected_package:
        apq = apq.where(AffectedPackageRow.name == affected_package)
    for a in session.scalars(apq):
        if _affects(a, affected_package_version):
            affected_by[(a.group_name, a.vuln_id)].append(a)
    found = [
        vulnerability_out(v, affected_by[(v.group_name, v.id)])
        for v in session.scalars(stmt.order_by(VulnerabilityRow.id, VulnerabilityRow.namespace))
        if not (affected_package or affected_package_version) or affected_by[(v.group_name, v.id)]
    ]
    return page.envelope("vulnerabilities", found[page.offset : page.offset + page.limit], len(found))


def image_out(image: CatalogImage, tags: list[ImageTag]) -> dict[str, Any]:
    history = [
        {
            "pullstring": f"{t.registry_host}/{t.repo}:{t.tag}",
            "fulltag": f"{t.registry_host}/{t.repo}:{t.tag}",
            "registry": t.registry_host,
            "repository": t.repo,
            "tag": t.tag,
            "detected_at": iso_z(t.tag_detected_at),
        }
        for t in tags
    ]
    return {
        "digest": image.image_digest,
        "imageDigest": image.image_digest,
        "id": image.image_id,
        "analyzed_at": iso_z(image.analyzed_at),
        "tag_history": history,
    }


def _paged_images(
    session: Session,
    account: str,
    digests_stmt: Select[Any],
    page: Page,
    rows_for: Callable[[list[str]], dict[str, list[dict[str, Any]]]],
    rows_key: Sequence[str],
) -> dict[str, Any]:
    """One page of images (by digest) with their matching rows under each of ``rows_key``."""
    digests_sub = digests_stmt.distinct().subquery()
    total = session.scalar(select(func.count()).select_from(digests_sub)) or 0
    digests = list(
        session.scalars(
            select(digests_sub.c[0]).order_by(digests_sub.c[0]).offset(page.offset).limit(page.limit)
        )
    )
    found = (
        session.scalars(
            select(CatalogImage).where(
                CatalogImage.account == account, CatalogImage.image_digest.in_(digests)
            )
        ).all()
        if digests
        else []
    )
    by_digest = {i.image_digest: i for i in found}
    tags = images.tags_of(session, list(found))
    rows = rows_for(digests)
    items = []
    for d in digests:
        if d in by_digest:
            item: dict[str, Any] = {"image": image_out(by_digest[d], tags.get(d, []))}
            for key in rows_key:
                item[key] = rows.get(d, [])
            items.append(item)
    return page.envelope("images", items, total)


def images_by_vulnerability(
    session: Session,
    account: str,
    vulnerability_id: str,
    page: Page,
    namespace: str | None = None,
    affected_package: str | None = None,
    severity: str | None = None,
    vendor_only: bool = True,
) -> dict[str, Any]:
    cond = [ReportMatch.account == account, ReportMatch.vulnerability_id == vulnerability_id]
    if namespace:
        cond.append(ReportMatch.namespace == namespace)
    if affected_package:
        cond.append(ReportMatch.package_name == affected_package)
    if severity:
        cond.append(func.lower(ReportMatch.severity) == severity.lower())
    if vendor_only:
        cond.append(ReportMatch.will_not_fix.is_(False))

    def rows_for(digests: list[str]) -> dict[str, list[dict[str, Any]]]:
        out: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for m in session.scalars(select(ReportMatch).where(*cond, ReportMatch.image_digest.in_(digests))):
            out[m.image_digest].append(
                {
                    "name": m.package_name,
                    "version": m.package_version,
                    "type": m.package_type,
                    "severity": m.severity,
                    "namespace": m.namespace,
                    "will_not_fix": m.will_not_fix,
                }
            )
        return out

    return _paged_images(
        session,
        account,
        select(ReportMatch.image_digest).where(*cond),
        page,
        rows_for,
        ("affected_packages", "vulnerable_packages"),
    )


def images_by_package(
    session: Session,
    account: str,
    name: str,
    page: Page,
    package_type: str | None = None,
    version: str | None = None,
) -> dict[str, Any]:
    if not name:
        raise BadRequest("name is required")
    cond = [ImagePackage.account == account, ImagePackage.name == name]
    if package_type:
        cond.append(ImagePackage.package_type == package_type)
    if version:
        cond.append(ImagePackage.version == version)

    def rows_for(digests: list[str]) -> dict[str, list[dict[str, Any]]]:
        out: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for p in session.scalars(select(ImagePackage).where(*cond, ImagePackage.image_digest.in_(digests))):
            out[p.image_digest].append(
                {"name": p.name, "version": p.version, "type": p.package_type, "path": p.path}
            )
        return out

    return _paged_images(
        session, account, select(ImagePackage.image_digest).where(*cond), page, rows_for, ("packages",)
    )
