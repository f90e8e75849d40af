"""The ``policy_eval`` watcher: re-evaluate the tags of active ``policy_eval`` subscriptions
when the outcome could have changed — the tag moved to another image, the feed data moved to
a new generation, or the account activated (or edited) another bundle; and at least daily,
since some triggers depend on time alone (stale feed data, days since a fix) — and record
``user.checks.tag.policy_evaluation.update`` when the final action changes. The cycle is
``policy.policy_eval_seconds`` (300, as the reference)."""

from __future__ import annotations

import logging
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from drydock.catalog import events, subscriptions
from drydock.catalog.models import AnalysisStatus, CatalogImage, ImageTag
from drydock.core.db import utcnow
from drydock.core.errors import DrydockError
from drydock.feeds import store
from drydock.policy import runner, service
from drydock.policy.evaluate import split_tag
from drydock.runtime.context import Runtime

log = logging.getLogger(__name__)
MAX_AGE = timedelta(hours=24)


def latest_analyzed_digest(session: Session, account: str, fulltag: str) -> str | None:
    parts = split_tag(fulltag)
    return session.scalars(
        select(ImageTag.image_digest)
        .join(
            CatalogImage,
            (CatalogImage.account == ImageTag.account) & (CatalogImage.image_digest == ImageTag.image_digest),
        )
        .where(
            ImageTag.account == account,
            ImageTag.registry_host == parts.registry,
            ImageTag.repo == parts.repository,
            ImageTag.tag == parts.tag,
            CatalogImage.analysis_status == AnalysisStatus.ANALYZED.value,
        )
        .order_by(ImageTag.tag_detected_at.desc())
    ).first()


def reevaluate_tag(session: Session, runtime: Runtime, account: str, key: str) -> bool:
    """Evaluate ``key`` if its inputs changed since the last stored outcome; True if it did."""
    tag = runner.normalize_tag(key)
    digest = latest_analyzed_digest(session, account, tag)
    record = service.active_bundle(session, account)
    if digest is None or record is None:
        return False
    last = service.latest_for_tag(session, account, tag)
    if (
        last is not None
        and last.image_digest == digest
        and last.policy_id == record.policy_id
        and last.feed_generation == store.generation(session)
        and last.bundle_digest == service.bundle_digest(record.bundle)
        and utcnow() - last.last_evaluation < MAX_AGE
    ):
        return False
    outcome = runner.evaluate_image(session, runtime, account, digest, tag, record)
    if outcome.previous_action != outcome.row.final_action:
        events.add_event(
            session,
            account=account,
            type="user.checks.tag.policy_evaluation.update",
            resource_id=tag,
            details={
                "last_eval": {
                    "image_digest": last.image_digest,
                    "status": last.status,
                    "final_action": last.final_action,
                }
                if last
                else {},
                "curr_eval": {
                    "image_digest": digest,
                    "status": outcome.row.status,
                    "final_action": outcome.row.final_action,
                },
                "policyId": record.policy_id,
            },
            source="policy_engine",
        )
    return True


def policy_eval(runtime: Runtime) -> None:
    with runtime.db.session() as session:
        subs = [
            (s.account, s.subscription_key) for s in subscriptions.list_all_active(session, "policy_eval")
        ]
    for account, key in subs:
        try:
            with runtime.db.session() as session:
                reevaluate_tag(session, runtime, account, key)
        except DrydockError as exc:
            log.warning("policy_eval failed", extra={"account": account, "tag": key, "error": exc.message})


def purge_deleted_accounts(runtime: Runtime) -> None:
    with runtime.db.session() as session:
        service.purge_deleted_accounts(session)
