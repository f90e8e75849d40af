"""The services a process can run: for each, the HTTP routers it serves and the periodic
tasks it owns. ``drydock serve --services a,b`` runs exactly those; the all-in-one default
runs all of them in one process."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field

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


@dataclass(frozen=True, slots=True)
class ServiceSpec:
    key: str
    routers: Callable[[], list[APIRouter]] = lambda: []
    tasks: Callable[[], list[PeriodicTask]] = lambda: []
    description: str = ""


def _api_routers() -> list[APIRouter]:
    from drydock.accounts.views import router as accounts_router
    from drydock.api.oauth import router as oauth_router

    return [accounts_router, oauth_router]


def _rbac_routers() -> list[APIRouter]:
    from drydock.rbac.views import router

    return [router]


def _purge_accounts(runtime: Runtime) -> None:
    from drydock.accounts.service import purge_deleting_accounts

    with runtime.db.session() as session:
        purge_deleting_accounts(session)


def _catalog_tasks() -> list[PeriodicTask]:
    return [
        PeriodicTask(
            name="account_resource_cleanup",
            interval=lambda rt: rt.settings.timers.account_cleanup_seconds,
            run=_purge_accounts,
        )
    ]


SERVICES: dict[str, ServiceSpec] = {
    spec.key: spec
    for spec in (
        ServiceSpec("api", routers=_api_routers, description="External API (Anchore v1 compatible)"),
        ServiceSpec("rbac", routers=_rbac_routers, description="RBAC manager and authorizer"),
        ServiceSpec("catalog", tasks=_catalog_tasks, description="Image catalog, archive and watchers"),
        ServiceSpec("policy", description="Policy engine and vulnerability matching"),
        ServiceSpec("queue", description="SimpleQueue on the database"),
        ServiceSpec("feeds", description="Feed service"),
        ServiceSpec("analyzer", description="Analyzer worker"),
        ServiceSpec("notifications", description="Notification delivery"),
        ServiceSpec("ui", description="Web UI"),
    )
}
