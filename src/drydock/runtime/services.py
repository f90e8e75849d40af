"""The services a process can run: for each, the HTTP routers it serves and the periodic
tasks it owns. ``drydock serve --services a,b`` runs exactly those; the all-in-one default
runs all of them in one process."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from fastapi import APIRouter

from drydock.runtime.context import Runtime

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class PeriodicTask:
    """A job run every ``interval`` seconds in a worker thread; errors are logged and the next
    run happens as scheduled (a failing job never stops the service)."""

    name: str
    interval: Callable[[Runtime], float]
    run: Callable[[Runtime], None]


class Background(Protocol):
    """A long-running part of a service (e.g. the analyzer's worker threads)."""

    def start(self) -> None: ...

    def stop(self, timeout: float) -> None: ...


@dataclass(frozen=True, slots=True)
class ServiceSpec:
    key: str
    routers: Callable[[], list[APIRouter]] = list
    tasks: Callable[[], list[PeriodicTask]] = list
    # Run once at start-up, before serving (e.g. build per-process state that needs the DB).
    init: Callable[[Runtime], None] | None = None
    background: Callable[[Runtime], Background] | None = None
    description: str = ""


def _api_routers() -> list[APIRouter]:
    from drydock.accounts.views import router as accounts_router
    from drydock.api.oauth import router as oauth_router

    return [accounts_router, oauth_router]


def _rbac_routers() -> list[APIRouter]:
    from drydock.rbac.views import router

    return [router]


def _queue_routers() -> list[APIRouter]:
    from drydock.queue.views import router

    return [router]


def _purge_accounts(runtime: Runtime) -> None:
    from drydock.accounts.service import purge_deleting_accounts
    from drydock.catalog.watchers import make_account_purger
    from drydock.rbac.service import forget_account

    with runtime.db.session() as session:
        purge_deleting_accounts(session, purgers=[make_account_purger(runtime), forget_account])


def _catalog_routers() -> list[APIRouter]:
    from drydock.catalog.views import events, images, registries, repositories, subscriptions

    return [images.router, repositories.router, registries.router, subscriptions.router, events.router]


def _catalog_init(runtime: Runtime) -> None:
    from drydock.catalog.context import catalog_context

    catalog_context(runtime)


def _catalog_interval(attr: str) -> Callable[[Runtime], float]:
    return lambda rt: float(getattr(rt.settings.catalog, attr))


def _catalog_tasks() -> list[PeriodicTask]:
    from drydock.catalog import watchers

    return [
        PeriodicTask(
            name="account_resource_cleanup",
            interval=lambda rt: rt.settings.timers.account_cleanup_seconds,
            run=watchers.singleton("account_resource_cleanup", _purge_accounts),
        ),
        PeriodicTask(
            "image_gc",
            _catalog_interval("image_gc_seconds"),
            watchers.singleton("image_gc", watchers.image_gc),
        ),
        PeriodicTask(
            "tag_watcher",
            _catalog_interval("tag_watcher_seconds"),
            watchers.singleton("tag_watcher", watchers.tag_watcher),
        ),
        PeriodicTask(
            "repo_watcher",
            _catalog_interval("repo_watcher_seconds"),
            watchers.singleton("repo_watcher", watchers.repo_watcher),
        ),
        PeriodicTask(
            "analysis_reset",
            _catalog_interval("image_gc_seconds"),
            watchers.singleton("analysis_reset", watchers.reset_stale_analyses),
        ),
    ]


def _analyzer_background(runtime: Runtime) -> Background:
    from drydock.analyzer.worker import AnalyzerWorker

    return AnalyzerWorker(runtime)


def _feeds_routers() -> list[APIRouter]:
    from drydock.feeds.views import router

    return [router]


def _feeds_tasks() -> list[PeriodicTask]:
    from drydock.catalog.watchers import singleton
    from drydock.feeds.service import periodic_sync

    return [
        PeriodicTask(
            "feed_sync",
            lambda rt: rt.settings.feeds.check_interval_seconds,
            singleton("feed_sync", periodic_sync),
        )
    ]


def _policy_routers() -> list[APIRouter]:
    from drydock.policy.views import router
    from drydock.policy.vulnerabilities.views import router as vulnerabilities_router

    return [router, vulnerabilities_router]


def _policy_tasks() -> list[PeriodicTask]:
    from drydock.catalog.watchers import singleton
    from drydock.policy import watcher
    from drydock.policy.vulnerabilities import rematch

    return [
        PeriodicTask(
            "policy_eval",
            lambda rt: rt.settings.policy.policy_eval_seconds,
            singleton("policy_eval", watcher.policy_eval),
        ),
        PeriodicTask(
            "policy_account_cleanup",
            lambda rt: rt.settings.timers.account_cleanup_seconds,
            singleton("policy_account_cleanup", watcher.purge_deleted_accounts),
        ),
        PeriodicTask(
            "vulnerability_rematch",
            lambda rt: rematch.INTERVAL_SECONDS,
            singleton("vulnerability_rematch", rematch.periodic_rematch),
        ),
    ]


SERVICES: dict[str, ServiceSpec] = {
    spec.key: spec
    for spec in (
        ServiceSpec("api", routers=_api_routers, description="External API (Anchore v1 compatible)"),
        ServiceSpec("rbac", routers=_rbac_routers, description="RBAC manager and authorizer"),
        ServiceSpec(
            "catalog",
            routers=_catalog_routers,
            tasks=_catalog_tasks,
            init=_catalog_init,
            description="Image catalog, archive and watchers",
        ),
        ServiceSpec(
            "policy",
            routers=_policy_routers,
            tasks=_policy_tasks,
            description="Policy engine and vulnerability matching",
        ),
        ServiceSpec("queue", routers=_queue_routers, description="SimpleQueue on the database"),
        ServiceSpec("feeds", routers=_feeds_routers, tasks=_feeds_tasks, description="Feed service"),
        ServiceSpec(
            "analyzer", init=_catalog_init, background=_analyzer_background, description="Analyzer worker"
        ),
        ServiceSpec("notifications", description="Notification delivery"),
        ServiceSpec("ui", description="Web UI"),
    )
}
