"""Vulnerability routes: per-image reports (``/images/{digest}/vuln``) and the ``/query`` API."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from drydock.api.deps import Authorized, RequestContext, RuntimeDep, SessionDep
from drydock.catalog import images
from drydock.core.errors import NotFound
from drydock.policy.vulnerabilities import queries
from drydock.policy.vulnerabilities.report import VULN_TYPES, select_rows
from drydock.policy.vulnerabilities.store import analyzed_image, current_report
from drydock.rbac.permissions import Action

router = APIRouter(tags=["Vulnerabilities"])
ImageCtx = Annotated[RequestContext, Authorized(Action.GET_IMAGE)]


@dataclass
class ReportOptions:
    """``vendor_only`` (Anchore's default: true) hides what the vendor will not fix;
    ``force_refresh`` recomputes even a current report."""

    vendor_only: bool = True
    force_refresh: bool = False


Options = Annotated[ReportOptions, Depends()]
ListCtx = Annotated[RequestContext, Authorized(Action.LIST_IMAGES)]


def page_params(page: int | None = None, limit: int | None = None) -> queries.Page:
    """Anchore's ``page`` (from 1) and ``limit`` query parameters."""
    return queries.Page.of(page, limit)


PageDep = Annotated[queries.Page, Depends(page_params)]


def _report(
    session: SessionDep, runtime: RuntimeDep, account: str, digest: str, vtype: str, options: ReportOptions
) -> dict[str, Any]:
    if vtype not in VULN_TYPES:
        raise NotFound(f"vulnerability type {vtype} is not one of {', '.join(VULN_TYPES)}")
    report = current_report(session, runtime, account, digest, force_refresh=options.force_refresh)
    return {
        "imageDigest": digest,
        "vulnerability_type": vtype,
        "vulnerabilities": select_rows(report.rows, vtype, options.vendor_only),
    }


@router.get("/images/{image_digest}/vuln")
def vuln_types(image_digest: str, session: SessionDep, ctx: ImageCtx) -> list[str]:
    analyzed_image(session, ctx.account, image_digest)
    return list(VULN_TYPES)


@router.get("/images/{image_digest}/vuln/{vtype}")
def image_vulns(
    image_digest: str,
    vtype: str,
    session: SessionDep,
    runtime: RuntimeDep,
    ctx: ImageCtx,
    options: Options,
) -> dict[str, Any]:
    return _report(session, runtime, ctx.account, image_digest, vtype, options)


@router.get("/images/by_id/{image_id}/vuln")
def vuln_types_by_id(image_id: str, session: SessionDep, ctx: ImageCtx) -> list[str]:
    image = images.get_image_by_id(session, account=ctx.account, image_id=image_id)
    return vuln_types(image.image_digest, session, ctx)


@router.get("/images/by_id/{image_id}/vuln/{vtype}")
def image_vulns_by_id(
    image_id: str,
    vtype: str,
    session: SessionDep,
    runtime: RuntimeDep,
    ctx: ImageCtx,
    options: Options,
) -> dict[str, Any]:
    digest = images.get_image_by_id(session, account=ctx.account, image_id=image_id).image_digest
    return _report(session, runtime, ctx.account, digest, vtype, options)


@router.get("/query/vulnerabilities")
def query_vulnerabilities(
    session: SessionDep,
    _ctx: Annotated[RequestContext, Authorized(Action.AUTHENTICATED)],  # feed data: any signed-in user
    paging: PageDep,
    id: Annotated[list[str], Query()],
    affected_package: str | None = None,
    affected_package_version: str | None = None,
    namespace: str | None = None,
) -> dict[str, Any]:
    ids = [i for value in id for i in value.split(",") if i]
    return queries.query_vulnerabilities(
        session, ids, paging, namespace, affected_package, affected_package_version
    )


@router.get("/query/images/by_vulnerability")
def images_by_vulnerability(
    session: SessionDep,
    ctx: ListCtx,
    paging: PageDep,
    vulnerability_id: str,
    namespace: str | None = None,
    affected_package: str | None = None,
    severity: str | None = None,
    vendor_only: bool = True,
) -> dict[str, Any]:
    return queries.images_by_vulnerability(
        session,
        ctx.account,
        vulnerability_id,
        paging,
        namespace=namespace,
        affected_package=affected_package,
        severity=severity,
        vendor_only=vendor_only,
    )


@router.get("/query/images/by_package")
def images_by_package(
    session: SessionDep,
    ctx: ListCtx,
    paging: PageDep,
    name: str,
    package_type: str | None = None,
    version: str | None = None,
) -> dict[str, Any]:
    return queries.images_by_package(
        session, ctx.account, name, paging, package_type=package_type, version=version
    )
