"""Image routes: add, list, get, delete, content, metadata, artifacts, SBOMs, summaries."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Query, Response
from sqlalchemy.orm import Session

from drydock.analyzer.document import from_document
from drydock.analyzer.model import ImageAnalysis
from drydock.analyzer.sources.base import AuthError, SourceError
from drydock.api.deps import Authorized, RequestContext, RuntimeDep, SessionDep
from drydock.catalog import content, events, images
from drydock.catalog.context import catalog_context
from drydock.catalog.models import AnalysisStatus, CatalogImage
from drydock.core.errors import BadRequest, NotFound
from drydock.rbac.permissions import Action
from drydock.runtime.context import Runtime

router = APIRouter(tags=["Images"])


def _out(session: Session, rows: list[CatalogImage]) -> list[dict[str, Any]]:
    tags = images.tags_of(session, rows)
    return [images.image_out(i, tags[i.image_digest]) for i in rows]


@router.post("/images")
def add_image(
    session: SessionDep,
    runtime: RuntimeDep,
    ctx: Annotated[RequestContext, Authorized(Action.CREATE_IMAGE)],
    body: Annotated[dict[str, Any], Body()],
    force: bool = False,
    autosubscribe: bool = False,
) -> list[dict[str, Any]]:
    cat = catalog_context(runtime)
    request = images.normalize_add_request(body)
    ref = request.reference
    credentials, insecure = cat.access(session, ctx.account, ref)
    session.commit()  # do not hold the database (SQLite's write lock) across the registry call
    try:
        resolved = cat.resolve(ref, credentials, insecure)
    except SourceError as exc:
        reason = f"cannot resolve {ref} at its registry: {exc}"
        events.add_event(
            session,
            account=ctx.account,
            type="system.image_analysis.registry_lookup_failed",
            resource_id=str(ref),
            details={"error": str(exc), "auth": isinstance(exc, AuthError)},
        )
        session.commit()
        raise BadRequest(reason, {"pullstring": str(ref)}) from None
    image = cat.add_image(session, ctx.account, request, resolved, watch=autosubscribe, force=force)
    return _out(session, [image])


@router.get("/images")
def list_images(
    session: SessionDep,
    ctx: Annotated[RequestContext, Authorized(Action.LIST_IMAGES)],
    fulltag: str | None = None,
    history: bool = False,
    image_status: str = "active",
    analysis_status: str | None = None,
) -> list[dict[str, Any]]:
    rows = images.list_images(
        session,
        account=ctx.account,
        fulltag_filter=fulltag,
        history=history,
        image_status=image_status,
        analysis_status=analysis_status,
    )
    return _out(session, rows)


@router.delete("/images")
def delete_images(
    session: SessionDep,
    ctx: Annotated[RequestContext, Authorized(Action.DELETE_IMAGE)],
    image_digests: Annotated[list[str], Query(alias="imageDigests")],
    force: bool = False,
) -> list[dict[str, Any]]:
    return [images.request_delete(session, account=ctx.account, digest=d, force=force) for d in image_digests]


@router.get("/images/{image_digest}")
def get_image(
    image_digest: str, session: SessionDep, ctx: Annotated[RequestContext, Authorized(Action.GET_IMAGE)]
) -> list[dict[str, Any]]:
    return _out(session, [images.get_image(session, account=ctx.account, digest=image_digest)])


@router.delete("/images/{image_digest}")
def delete_image(
    image_digest: str,
    session: SessionDep,
    ctx: Annotated[RequestContext, Authorized(Action.DELETE_IMAGE)],
    force: bool = False,
) -> dict[str, Any]:
    result = images.request_delete(session, account=ctx.account, digest=image_digest, force=force)
    if result["status"] == "not_found":
        raise NotFound(f"Image {image_digest} not found")
    if result["status"] == "delete_failed":
        raise BadRequest(result["detail"])
    return result


@router.get("/images/by_id/{image_id}")
def get_image_by_id(
    image_id: str, session: SessionDep, ctx: Annotated[RequestContext, Authorized(Action.GET_IMAGE)]
) -> list[dict[str, Any]]:
    return _out(session, [images.get_image_by_id(session, account=ctx.account, image_id=image_id)])


@router.delete("/images/by_id/{image_id}")
def delete_image_by_id(
    image_id: str,
    session: SessionDep,
    ctx: Annotated[RequestContext, Authorized(Action.DELETE_IMAGE)],
    force: bool = False,
) -> dict[str, Any]:
    image = images.get_image_by_id(session, account=ctx.account, image_id=image_id)
    return delete_image(image.image_digest, session, ctx, force)


def analysis_of(session: Session, runtime: Runtime, account: str, digest: str) -> ImageAnalysis:
    """The stored analysis of an analyzed image (404 until then, as the reference)."""
    image = images.get_image(session, account=account, digest=digest)
    if image.analysis_status != AnalysisStatus.ANALYZED.value:
        raise NotFound(f"image is not analyzed - analysis_status: {image.analysis_status}")
    return from_document(catalog_context(runtime).load_document(session, account, digest))


def _digest_for_id(session: Session, account: str, image_id: str) -> str:
    return images.get_image_by_id(session, account=account, image_id=image_id).image_digest


@router.get("/images/{image_digest}/content")
def list_content_types(
    image_digest: str, session: SessionDep, ctx: Annotated[RequestContext, Authorized(Action.GET_IMAGE)]
) -> list[str]:
    images.get_image(session, account=ctx.account, digest=image_digest)
    return list(content.CONTENT_TYPES)


@router.get("/images/{image_digest}/content/{ctype}")
def get_content(
    image_digest: str,
    ctype: str,
    session: SessionDep,
    runtime: RuntimeDep,
    ctx: Annotated[RequestContext, Authorized(Action.GET_IMAGE)],
) -> dict[str, Any]:
    analysis = analysis_of(session, runtime, ctx.account, image_digest)
    return {"imageDigest": image_digest, "content_type": ctype, "content": content.content(analysis, ctype)}


@router.get("/images/by_id/{image_id}/content")
def list_content_types_by_id(
    image_id: str, session: SessionDep, ctx: Annotated[RequestContext, Authorized(Action.GET_IMAGE)]
) -> list[str]:
    return list_content_types(_digest_for_id(session, ctx.account, image_id), session, ctx)


@router.get("/images/by_id/{image_id}/content/{ctype}")
def get_content_by_id(
    image_id: str,
    ctype: str,
    session: SessionDep,
    runtime: RuntimeDep,
    ctx: Annotated[RequestContext, Authorized(Action.GET_IMAGE)],
) -> dict[str, Any]:
    return get_content(_digest_for_id(session, ctx.account, image_id), ctype, session, runtime, ctx)


@router.get("/images/{image_digest}/metadata")
def list_metadata_types(
    image_digest: str, session: SessionDep, ctx: Annotated[RequestContext, Authorized(Action.GET_IMAGE)]
) -> list[str]:
    images.get_image(session, account=ctx.account, digest=image_digest)
    return list(content.METADATA_TYPES)


@router.get("/images/{image_digest}/metadata/{mtype}")
def get_metadata(
    image_digest: str,
    mtype: str,
    session: SessionDep,
    runtime: RuntimeDep,
    ctx: Annotated[RequestContext, Authorized(Action.GET_IMAGE)],
) -> dict[str, Any]:
    analysis = analysis_of(session, runtime, ctx.account, image_digest)
    return {
        "imageDigest": image_digest,
        "metadata_type": mtype,
        "metadata": content.metadata(analysis, mtype),
    }


@router.get("/images/{image_digest}/artifacts/{kind}")
def get_artifacts(
    image_digest: str,
    kind: str,
    session: SessionDep,
    runtime: RuntimeDep,
    ctx: Annotated[RequestContext, Authorized(Action.GET_IMAGE)],
) -> list[dict[str, Any]]:
    return content.artifacts(analysis_of(session, runtime, ctx.account, image_digest), kind)


@router.get("/images/{image_digest}/sboms/{fmt}")
def get_sbom(
    image_digest: str,
    fmt: str,
    session: SessionDep,
    runtime: RuntimeDep,
    ctx: Annotated[RequestContext, Authorized(Action.GET_IMAGE)],
) -> Response:
    from drydock.analyzer.sbom import FORMATS, canonical_format, render

    try:
        name = canonical_format(fmt)
    except ValueError:
        raise BadRequest(f"unknown SBOM format '{fmt}': one of {', '.join(FORMATS)}, native") from None
    if name == "table":
        raise BadRequest("the table format is for terminals; use native, cyclonedx-json or spdx-json")
    analysis = analysis_of(session, runtime, ctx.account, image_digest)
    return Response(render(analysis, name), media_type="application/json")


@router.get("/summaries/imagetags")
def image_tag_summaries(
    session: SessionDep,
    ctx: Annotated[RequestContext, Authorized(Action.LIST_IMAGES)],
    image_status: Annotated[list[str], Query()] = ["active"],  # noqa: B006 - FastAPI default
) -> list[dict[str, Any]]:
    return images.summaries(session, account=ctx.account, image_statuses=image_status)
