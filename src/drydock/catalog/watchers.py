"""The catalog's periodic duties. Each runs in one replica at a time: it first takes a
singleton lease (``drydock.queue.singleton.hold_singleton``) and skips the round when another holder has it.

Registry calls never happen inside a database transaction: subscriptions are read and the
transaction closed, the registry is asked, then the result is written in a new transaction.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from drydock.analyzer.sources.base import SourceError
from drydock.analyzer.sources.reference import ImageReference
from drydock.analyzer.sources.registry import RegistryAccess, list_tags
from drydock.catalog import events, images, registries, subscriptions
from drydock.catalog.context import catalog_context
from drydock.catalog.models import AnalysisStatus, CatalogImage, ImageTag
from drydock.core.db import utcnow
from drydock.core.errors import BadRequest
from drydock.queue.client import LocalQueueClient
from drydock.queue.singleton import hold_singleton
from drydock.runtime.context import Runtime

log = logging.getLogger(__name__)

WATCHER_LEASE_SECONDS = 60.0


def singleton(name: str, fn: Callable[[Runtime], None]) -> Callable[[Runtime], None]:
    """Run ``fn`` only while holding the cluster-wide lease ``watcher:<name>``, renewed in the
    background for as long as the round takes; skip the round when another replica holds it."""

    def run(runtime: Runtime) -> None:
        holder = f"{runtime.hostid}:{id(runtime)}"
        with hold_singleton(
            LocalQueueClient(runtime.db), f"watcher:{name}", holder, ttl=WATCHER_LEASE_SECONDS
        ) as held:
            if held is not None:
                fn(runtime)

    return run


def image_gc(runtime: Runtime) -> None:
    cat = catalog_context(runtime)
    with runtime.db.session() as session:
        images.purge_deleting_images(session, purge_documents=cat.delete_documents)


def reset_stale_analyses(runtime: Runtime) -> None:
    """Images stuck in ``analyzing`` past the timeout go back to the queue. A worker that died
    mid-analysis is normally replaced sooner — its queue lease expires — so this is the net
    under the net (e.g. a message dropped by an admin while its image was analyzing)."""
    cat = catalog_context(runtime)
    cutoff = utcnow() - timedelta(seconds=runtime.settings.catalog.analysis_timeout_seconds)
    with runtime.db.session() as session:
        stale = list(
            session.scalars(
                select(CatalogImage).where(
                    CatalogImage.analysis_status == AnalysisStatus.ANALYZING.value,
                    CatalogImage.analysis_started_at < cutoff,
                )
            )
        )
        for image in stale:
            image.analysis_status = AnalysisStatus.NOT_ANALYZED.value
            image.progress = None
            cat.enqueue_analysis(session, image.account, image.image_digest)
            log.warning(
                "stale analysis requeued", extra={"account": image.account, "digest": image.image_digest}
            )


def _latest_digest(session: Session, account: str, ref: ImageReference) -> str | None:
    return session.scalars(
        select(ImageTag.image_digest)
        .where(
            ImageTag.account == account,
            ImageTag.registry_host == ref.registry,
            ImageTag.repo == ref.repository,
            ImageTag.tag == (ref.tag or "latest"),
        )
        .order_by(ImageTag.tag_detected_at.desc())
    ).first()


def tag_watcher(runtime: Runtime) -> None:
    """Re-resolve every watched tag; a new digest is added (and analyzed) and reported."""
    cat = catalog_context(runtime)
    with runtime.db.session() as session:
        subs = [(s.account, s.subscription_key) for s in subscriptions.list_all_active(session, "tag_update")]
    for account, key in subs:
        request = images.normalize_add_request({"tag": key})
        with runtime.db.session() as session:
            credentials, insecure = cat.access(session, account, request.reference)
            previous = _latest_digest(session, account, request.reference)
        try:
            resolved = cat.resolve(request.reference, credentials, insecure)
        except SourceError as exc:
            log.warning("tag watch lookup failed", extra={"tag": key, "error": str(exc)})
            continue
        if resolved.digest == previous:
            continue
        with runtime.db.session() as session:
            try:
                cat.add_image(session, account, request, resolved, watch=True)
            except BadRequest as exc:
                log.warning("tag watch add failed", extra={"tag": key, "error": exc.message})
                continue
            events.add_event(
                session,
                account=account,
                type="user.image.tag.updated",
                resource_id=key,
                details={"last_eval": [previous] if previous else [], "curr_eval": [resolved.digest]},
            )


def repo_watcher(runtime: Runtime) -> None:
    """Add the new tags of every watched repository."""
    from drydock.catalog.views.repositories import add_tags

    cat = catalog_context(runtime)
    with runtime.db.session() as session:
        subs = [
            (s.account, s.subscription_key, s.subscription_value)
            for s in subscriptions.list_all_active(session, "repo_update")
        ]
    for account, key, value in subs:
        known = subscriptions.repo_value(value)
        registry, _, repository = key.partition("/")
        with runtime.db.session() as session:
            credentials, verify = registries.credentials_for(
                session, account=account, cipher=cat.cipher, registry=registry, repository=repository
            )
        try:
            access = RegistryAccess.build(registry, credentials, not verify, settings=cat.registry_settings)
            tags = list_tags(key, access=access)
        except SourceError as exc:
            with runtime.db.session() as session:
                events.add_event(
                    session,
                    account=account,
                    type="system.repository.list_tags_fail",
                    resource_id=key,
                    details={"error": str(exc)},
                )
            continue
        new_tags = sorted(set(tags) - set(known.get("repotags") or []))
        if not new_tags:
            continue
        with runtime.db.session() as session:
            added = add_tags(session, runtime, account, key, new_tags, bool(known.get("autosubscribe")))
            known.update(repotags=sorted(set(tags)), tagcount=len(tags))
            subscriptions.ensure_subscription(
                session, account=account, key=key, type="repo_update", value=json.dumps(known)
            )
            events.add_event(
                session,
                account=account,
                type="user.repository.tags.added",
                resource_id=key,
                details={"tags": new_tags, "added": added},
            )


def make_account_purger(runtime: Runtime) -> Callable[[Session, str], None]:
    """Account purger: everything the catalog holds for a deleted account."""
    cat = catalog_context(runtime)

    def purge(session: Session, account: str) -> None:
        images.delete_account_images(session, account)
        registries.delete_account_registries(session, account)
        subscriptions.delete_account_subscriptions(session, account)
        events.delete_account_events(session, account)
        cat.archive.delete_account(session, account)

    return purge
