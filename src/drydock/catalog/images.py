"""Images and their tag history: the catalog's state machine.

``analysis_status``: not_analyzed → analyzing → analyzed | analysis_failed; ``image_status``:
active → deleting (asynchronous delete; the image GC task removes the data). Registry I/O
(tag → digest resolution) happens before any database statement of the add, so on SQLite the
write lock is never held across a network call.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session, defer

from drydock.analyzer.sources.base import ImageInfo, SourceError
from drydock.analyzer.sources.reference import ImageReference, parse_reference
from drydock.catalog import events, subscriptions
from drydock.catalog.models import AnalysisStatus, CatalogImage, ImageStatus, ImageTag
from drydock.core.db import utcnow
from drydock.core.errors import BadRequest, NotFound
from drydock.core.timeutil import iso_z, parse_iso

ANALYZE_QUEUE = "images_to_analyze"


@dataclass(slots=True)
class AddRequest:
    """An image-add request after normalising the legacy and ``source`` body forms."""

    reference: ImageReference  # with tag (may also carry a digest)
    digest: str | None = None
    dockerfile: str | None = None  # base64
    annotations: dict[str, str] = field(default_factory=dict)
    created_at: datetime | None = None


def _b64_dockerfile(value: Any) -> str | None:
    if value in (None, ""):
        return None
    if not isinstance(value, str):
        raise BadRequest("dockerfile must be a base64-encoded string")
    try:
        base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise BadRequest("dockerfile must be base64-encoded") from None
    return value


def _annotations(value: Any) -> dict[str, str]:
    if value in (None, ""):
        return {}
    if not isinstance(value, dict) or not all(isinstance(k, str) for k in value):
        raise BadRequest("annotations must be an object of string keys")
    return {k: str(v) for k, v in value.items()}


def _parse(pullstring: str) -> ImageReference:
    try:
        return parse_reference(pullstring)
    except (SourceError, ValueError) as exc:
        raise BadRequest(f"invalid image reference '{pullstring}': {exc}") from None


def normalize_add_request(body: dict[str, Any]) -> AddRequest:
    """Accept Anchore's legacy ``{"tag"|"digest", "dockerfile", "annotations"}`` and the
    ``{"source": {"tag"|"digest": {...}}}`` forms (mixing them is a 400)."""
    if not isinstance(body, dict):
        raise BadRequest("request body must be a JSON object")
    source = body.get("source")
    annotations = _annotations(body.get("annotations"))
    if source is not None:
        if any(body.get(k) for k in ("tag", "digest", "dockerfile")):
            raise BadRequest("'source' cannot be combined with top-level tag, digest or dockerfile")
        if (
            not isinstance(source, dict)
            or len([k for k in ("tag", "digest", "archive", "import") if k in source]) != 1
        ):
            raise BadRequest("'source' must hold exactly one of tag or digest")
        if "tag" in source:
            spec = source["tag"] or {}
            ref = _parse(str(spec.get("pullstring", "")))
            return AddRequest(
                ref, dockerfile=_b64_dockerfile(spec.get("dockerfile")), annotations=annotations
            )
        if "digest" in source:
            spec = source["digest"] or {}
            ref = _parse(str(spec.get("pullstring", "")))
            if not ref.digest:
                raise BadRequest("source.digest.pullstring must be registry/repo@sha256:...")
            tag_ref = (
                _parse(str(spec["tag"]))
                if spec.get("tag")
                else ImageReference(ref.registry, ref.repository, "latest")
            )
            created = spec.get("creation_timestamp_override")
            return AddRequest(
                ImageReference(tag_ref.registry, tag_ref.repository, tag_ref.tag, ref.digest),
                digest=ref.digest,
                dockerfile=_b64_dockerfile(spec.get("dockerfile")),
                annotations=annotations,
                created_at=parse_iso(created) if created else None,
            )
        raise BadRequest("archive and import sources are not supported by this catalog yet")
    tag, digest = body.get("tag"), body.get("digest")
    if digest:
        if "@" in str(digest):
            ref = _parse(str(digest))
            tag_ref = _parse(str(tag)) if tag else ImageReference(ref.registry, ref.repository, "latest")
            return AddRequest(
                ImageReference(tag_ref.registry, tag_ref.repository, tag_ref.tag, ref.digest),
                digest=ref.digest,
                dockerfile=_b64_dockerfile(body.get("dockerfile")),
                annotations=annotations,
            )
        if not tag:
            raise BadRequest("a bare digest needs a tag to tell the registry and repository")
        tag_ref = _parse(str(tag))
        return AddRequest(
            ImageReference(tag_ref.registry, tag_ref.repository, tag_ref.tag, str(digest)),
            digest=str(digest),
            dockerfile=_b64_dockerfile(body.get("dockerfile")),
            annotations=annotations,
        )
    if not tag:
        raise BadRequest("one of tag, digest or source is required")
    return AddRequest(
        _parse(str(tag)), dockerfile=_b64_dockerfile(body.get("dockerfile")), annotations=annotations
    )


def fulltag(ref: ImageReference) -> str:
    return f"{ref.registry}/{ref.repository}:{ref.tag or 'latest'}"


@dataclass(frozen=True, slots=True)
class Resolved:
    """What the registry says about the image a request names."""

    digest: str
    parent_digest: str
    image_id: str
    compressed_size: int
    layer_count: int
    arch: str | None
    manifest: dict[str, Any]


def resolved_from_info(info: ImageInfo) -> Resolved:
    if not info.manifest_digest or not info.config_digest:
        raise BadRequest("the registry returned a manifest without a digest or config")
    return Resolved(
        digest=info.manifest_digest,
        parent_digest=info.index_digest or info.manifest_digest,
        image_id=info.config_digest.split(":", 1)[-1],
        compressed_size=info.compressed_size,
        layer_count=len(info.layers),
        arch=str(info.config.get("architecture") or "") or None,
        manifest=info.manifest,
    )


Enqueue = Callable[[Session, str, str], None]


def add_image(
    session: Session,
    *,
    account: str,
    request: AddRequest,
    resolved: Resolved,
    force: bool,
    autosubscribe: bool,
    max_compressed_mb: float,
    enqueue: Enqueue,
) -> CatalogImage:
    """Record the image and tag, then queue analysis when needed. Idempotent: re-adding an
    analyzed image returns it unchanged (annotations merged; a value "null" deletes a key)."""
    if max_compressed_mb >= 0 and resolved.compressed_size > max_compressed_mb * 1024 * 1024:
        raise BadRequest(
            "Image size is too large based on max size specified in the configuration",
            {
                "requested_image_compressed_size_mb": round(resolved.compressed_size / 1024 / 1024, 2),
                "max_compressed_image_size_mb": max_compressed_mb,
            },
        )
    ref = request.reference
    image = session.get(CatalogImage, (account, resolved.digest))
    new = image is None
    if image is None:
        image = CatalogImage(
            account=account,
            image_digest=resolved.digest,
            parent_digest=resolved.parent_digest,
            image_id=resolved.image_id,
            analysis_status=AnalysisStatus.NOT_ANALYZED.value,
            image_status=ImageStatus.ACTIVE.value,
            annotations={},
            compressed_size=resolved.compressed_size,
            layer_count=resolved.layer_count,
            arch=resolved.arch,
            manifest=resolved.manifest,
            dockerfile_mode="Actual" if request.dockerfile else None,
            created_at=request.created_at or utcnow(),
        )
        session.add(image)
    elif request.dockerfile and not force:
        raise BadRequest(
            "a Dockerfile can be supplied for an image already in the catalog only with force=true"
        )
    annotations = dict(image.annotations or {})
    for k, v in request.annotations.items():
        if v == "null":
            annotations.pop(k, None)
        else:
            annotations[k] = v
    image.annotations = annotations
    tag = session.get(ImageTag, (account, resolved.digest, ref.registry, ref.repository, ref.tag or "latest"))
    if tag is None:
        tag = ImageTag(
            account=account,
            image_digest=resolved.digest,
            registry_host=ref.registry,
            repo=ref.repository,
            tag=ref.tag or "latest",
            dockerfile=request.dockerfile,
            tag_detected_at=utcnow(),
        )
        session.add(tag)
        if not new and image.analysis_status == AnalysisStatus.ANALYZED.value:
            events.add_event(
                session,
                account=account,
                type="user.image.analysis.completed",
                resource_id=fulltag(ref),
                details={"imageDigest": resolved.digest, "analysis_status": image.analysis_status},
            )
    elif request.dockerfile:
        tag.dockerfile = request.dockerfile
    if request.dockerfile:
        image.dockerfile_mode = "Actual"
    needs_analysis = (
        new
        or force
        or image.analysis_status == AnalysisStatus.FAILED.value
        or image.image_status != ImageStatus.ACTIVE.value
    )
    if needs_analysis:
        image.analysis_status = AnalysisStatus.NOT_ANALYZED.value
        image.image_status = ImageStatus.ACTIVE.value
        image.failure_reason = None
        session.flush()
        enqueue(session, account, resolved.digest)
    if new:
        events.add_event(
            session,
            account=account,
            type="user.image.added",
            resource_id=resolved.digest,
            details={"tag": fulltag(ref)},
        )
    subscriptions.autosubscribe_tag(session, account=account, fulltag=fulltag(ref), watch=autosubscribe)
    session.flush()
    return image


# --- queries ------------------------------------------------------------------------------


def get_image(session: Session, *, account: str, digest: str, include_deleting: bool = True) -> CatalogImage:
    image = session.get(CatalogImage, (account, digest))
    if image is None or (not include_deleting and image.image_status != ImageStatus.ACTIVE.value):
        raise NotFound(f"Image {digest} not found")
    return image


def get_image_by_id(session: Session, *, account: str, image_id: str) -> CatalogImage:
    image = session.scalars(
        select(CatalogImage).where(CatalogImage.account == account, CatalogImage.image_id == image_id)
    ).first()
    if image is None:
        raise NotFound(f"Image with id {image_id} not found")
    return image


def tags_of(session: Session, images: list[CatalogImage]) -> dict[str, list[ImageTag]]:
    """Tag rows per image digest, newest detection first (one query for the whole page)."""
    out: dict[str, list[ImageTag]] = {i.image_digest: [] for i in images}
    if not images:
        return out
    account = images[0].account
    for chunk_start in range(0, len(images), 500):
        digests = [i.image_digest for i in images[chunk_start : chunk_start + 500]]
        for t in session.scalars(
            select(ImageTag)
            .where(ImageTag.account == account, ImageTag.image_digest.in_(digests))
            .order_by(ImageTag.tag_detected_at.desc())
        ):
            out[t.image_digest].append(t)
    return out


def list_images(
    session: Session,
    *,
    account: str,
    fulltag_filter: str | None = None,
    history: bool = False,
    image_status: str = "active",
    analysis_status: str | None = None,
) -> list[CatalogImage]:
    # The stored manifest is never part of the listing; decoding it was a third of the cost.
    stmt = select(CatalogImage).options(defer(CatalogImage.manifest)).where(CatalogImage.account == account)
    if image_status != "all":
        if image_status not in (ImageStatus.ACTIVE.value, ImageStatus.DELETING.value):
            raise BadRequest("image_status must be active, deleting or all")
        stmt = stmt.where(CatalogImage.image_status == image_status)
    if analysis_status:
        stmt = stmt.where(CatalogImage.analysis_status == analysis_status)
    if fulltag_filter:
        ref = _parse(fulltag_filter)
        tag_rows = list(
            session.scalars(
                select(ImageTag)
                .where(
                    ImageTag.account == account,
                    ImageTag.registry_host == ref.registry,
                    ImageTag.repo == ref.repository,
                    ImageTag.tag == (ref.tag or "latest"),
                )
                .order_by(ImageTag.tag_detected_at.desc())
            )
        )
        if not tag_rows:
            return []
        digests = [t.image_digest for t in (tag_rows if history else tag_rows[:1])]
        stmt = stmt.where(CatalogImage.image_digest.in_(digests))
    elif history:
        raise BadRequest("history=true requires a fulltag")
    return list(session.scalars(stmt.order_by(CatalogImage.created_at.desc(), CatalogImage.image_digest)))


def image_out(image: CatalogImage, tags: list[ImageTag]) -> dict[str, Any]:
    """The AnchoreImage shape."""
    return {
        "imageDigest": image.image_digest,
        "parentDigest": image.parent_digest,
        "userId": image.account,
        "image_type": image.image_type,
        "analysis_status": image.analysis_status,
        "image_status": image.image_status,
        "analysis_failure_reason": image.failure_reason,
        "analysis_progress": image.progress,
        "created_at": iso_z(image.created_at),
        "last_updated": iso_z(image.last_updated),
        "analyzed_at": iso_z(image.analyzed_at),
        "annotations": image.annotations or {},
        "record_version": "drydock-1",
        "image_content": {
            "metadata": {
                "arch": image.arch,
                "distro": image.distro,
                "distro_version": image.distro_version,
                "dockerfile_mode": image.dockerfile_mode,
                "image_size": str(image.image_size) if image.image_size is not None else None,
                "layer_count": str(image.layer_count) if image.layer_count is not None else None,
            }
        },
        "image_detail": [
            {
                "registry": t.registry_host,
                "repo": t.repo,
                "tag": t.tag,
                "digest": image.image_digest,
                "imageId": image.image_id,
                "imageDigest": image.image_digest,
                "userId": image.account,
                "dockerfile": t.dockerfile,
                "fulltag": f"{t.registry_host}/{t.repo}:{t.tag}",
                "fulldigest": f"{t.registry_host}/{t.repo}@{image.image_digest}",
                "created_at": iso_z(t.created_at),
                "last_updated": iso_z(t.last_updated),
                "tag_detected_at": iso_z(t.tag_detected_at),
            }
            for t in tags
        ],
    }


def summaries(session: Session, *, account: str, image_statuses: list[str]) -> list[dict[str, Any]]:
    rows = session.execute(
        select(CatalogImage, ImageTag)
        .join(
            ImageTag,
            (ImageTag.account == CatalogImage.account) & (ImageTag.image_digest == CatalogImage.image_digest),
        )
        .where(CatalogImage.account == account, CatalogImage.image_status.in_(image_statuses))
        .order_by(ImageTag.tag_detected_at.desc())
    )
    out = []
    for image, tag in rows:
        out.append(
            {
                "imageDigest": image.image_digest,
                "parentDigest": image.parent_digest,
                "imageId": image.image_id,
                "analysis_status": image.analysis_status,
                "image_status": image.image_status,
                "fulltag": f"{tag.registry_host}/{tag.repo}:{tag.tag}",
                "created_at": int(image.created_at.timestamp()),
                "analyzed_at": int(image.analyzed_at.timestamp()) if image.analyzed_at else None,
                "tag_detected_at": int(tag.tag_detected_at.timestamp()),
            }
        )
    return out


# --- deletion -----------------------------------------------------------------------------


def request_delete(session: Session, *, account: str, digest: str, force: bool) -> dict[str, Any]:
    """Mark for asynchronous deletion; refused (unless forced) while analyzing or while the
    image is the latest of a tag with an active tag_update subscription."""
    image = session.get(CatalogImage, (account, digest))
    if image is None:
        return {"digest": digest, "status": "not_found", "detail": "No image found with the given digest"}
    if not force:
        if image.analysis_status == AnalysisStatus.ANALYZING.value:
            return {
                "digest": digest,
                "status": "delete_failed",
                "detail": "cannot delete an image that is being analyzed; use force",
            }
        for tag in session.scalars(
            select(ImageTag).where(ImageTag.account == account, ImageTag.image_digest == digest)
        ):
            key = f"{tag.registry_host}/{tag.repo}:{tag.tag}"
            active = [
                s
                for s in subscriptions.list_subscriptions(
                    session, account=account, key=key, type="tag_update", active=True
                )
            ]
            latest = session.scalars(
                select(ImageTag.image_digest)
                .where(
                    ImageTag.account == account,
                    ImageTag.registry_host == tag.registry_host,
                    ImageTag.repo == tag.repo,
                    ImageTag.tag == tag.tag,
                )
                .order_by(ImageTag.tag_detected_at.desc())
            ).first()
            if active and latest == digest:
                return {
                    "digest": digest,
                    "status": "delete_failed",
                    "detail": f"cannot delete image that is the latest of its tags, and has active subscription ({key}); use force",
                }
    else:
        for tag in session.scalars(
            select(ImageTag).where(ImageTag.account == account, ImageTag.image_digest == digest)
        ):
            key = f"{tag.registry_host}/{tag.repo}:{tag.tag}"
            for sub in subscriptions.list_subscriptions(
                session, account=account, key=key, type="tag_update", active=True
            ):
                sub.active = False
    image.image_status = ImageStatus.DELETING.value
    return {"digest": digest, "status": "deleting", "detail": None}


PurgeHook = Callable[[Session, str, str], None]


def purge_deleting_images(
    session: Session, *, purge_documents: PurgeHook, limit: int = 50
) -> list[tuple[str, str]]:
    """Image GC: remove rows and documents of images marked ``deleting``."""
    doomed = list(
        session.execute(
            select(CatalogImage.account, CatalogImage.image_digest)
            .where(CatalogImage.image_status == ImageStatus.DELETING.value)
            .limit(limit)
        )
    )
    for account, digest in doomed:
        purge_documents(session, account, digest)
        session.execute(delete(ImageTag).where(ImageTag.account == account, ImageTag.image_digest == digest))
        session.execute(
            delete(CatalogImage).where(CatalogImage.account == account, CatalogImage.image_digest == digest)
        )
        events.add_event(session, account=account, type="user.image.deleted", resource_id=digest)
    return [(a, d) for a, d in doomed]


def delete_account_images(session: Session, account: str) -> None:
    session.execute(delete(ImageTag).where(ImageTag.account == account))
    session.execute(delete(CatalogImage).where(CatalogImage.account == account))
