"""``POST /repositories``: watch a repository and add all of its tags as images."""

from __future__ import annotations

import json
import logging
from typing import Annotated, Any

from fastapi import APIRouter
from sqlalchemy.orm import Session

from drydock.analyzer.sources.base import SourceError
from drydock.analyzer.sources.reference import ImageReference
from drydock.analyzer.sources.registry import RegistryAccess, list_tags
from drydock.api.deps import Authorized, RequestContext, RuntimeDep, SessionDep
from drydock.catalog import images, subscriptions
from drydock.catalog.context import catalog_context
from drydock.catalog.models import Subscription
from drydock.core.errors import BadRequest
from drydock.rbac.permissions import Action
from drydock.runtime.context import Runtime

log = logging.getLogger(__name__)
router = APIRouter(tags=["Repositories"])

MAX_TAGS = 1000


@router.post("/repositories")
def add_repository(
    session: SessionDep,
    runtime: RuntimeDep,
    ctx: Annotated[RequestContext, Authorized(Action.CREATE_REPOSITORY)],
    repository: str,
    autosubscribe: bool = False,
    lookuptag: str | None = None,
    dryrun: bool = False,
) -> list[dict[str, Any]]:
    cat = catalog_context(runtime)
    ref = images.normalize_add_request({"tag": repository}).reference
    repo_ref = ImageReference(ref.registry, ref.repository, lookuptag or "latest")
    credentials, insecure = cat.access(session, ctx.account, repo_ref)
    session.commit()
    try:
        access = RegistryAccess.build(ref.registry, credentials, insecure, settings=cat.registry_settings)
        tags = sorted(list_tags(f"{ref.registry}/{ref.repository}", access=access))[:MAX_TAGS]
    except SourceError as exc:
        raise BadRequest(f"cannot list the tags of {ref.registry}/{ref.repository}: {exc}") from None
    key = f"{ref.registry}/{ref.repository}"
    value = json.dumps(
        {
            "autosubscribe": autosubscribe,
            "lookuptag": lookuptag or "latest",
            "tagcount": len(tags),
            "repotags": tags,
        }
    )
    if dryrun:
        preview = Subscription(
            subscription_id=subscriptions.subscription_id(ctx.account, key, "repo_update"),
            account=ctx.account,
            subscription_key=key,
            subscription_type="repo_update",
            subscription_value=value,
            active=False,
        )
        return [subscriptions.subscription_out(preview)]
    added = add_tags(session, runtime, ctx.account, key, tags, autosubscribe)
    sub = subscriptions.ensure_subscription(
        session, account=ctx.account, key=key, type="repo_update", active=True, value=value
    )
    log.info("repository added", extra={"repository": key, "tags": len(tags), "images": added})
    return [subscriptions.subscription_out(sub)]


def add_tags(
    session: Session, runtime: Runtime, account: str, repo_key: str, tags: list[str], watch: bool
) -> int:
    """Add ``repo:tag`` for each tag; a tag that cannot be resolved is skipped with a log line
    (one broken tag must not block a whole repository). Returns how many were added."""
    cat = catalog_context(runtime)
    added = 0
    for tag in tags:
        request = images.normalize_add_request({"tag": f"{repo_key}:{tag}"})
        credentials, insecure = cat.access(session, account, request.reference)
        session.commit()
        try:
            resolved = cat.resolve(request.reference, credentials, insecure)
        except SourceError as exc:
            log.warning("tag skipped", extra={"tag": f"{repo_key}:{tag}", "error": str(exc)})
            continue
        try:
            cat.add_image(session, account, request, resolved, watch=watch)
        except BadRequest as exc:
            log.warning("tag skipped", extra={"tag": f"{repo_key}:{tag}", "error": exc.message})
            continue
        added += 1
    return added
