"""``drydock serve``: one process running the chosen services behind one HTTP server.

Start-up order: migrate the database (under an advisory lock on PostgreSQL), bootstrap the
admin account, register every service of this process, then serve. Each service heartbeats;
periodic tasks run in worker threads. On SIGTERM/SIGINT uvicorn stops accepting connections
and lets in-flight requests finish (up to ``shutdown_grace_seconds``), then the tasks stop and
the services are marked unavailable.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import uvicorn
from fastapi import FastAPI

from drydock.accounts.service import bootstrap_admin
from drydock.accounts.throttle import LoginThrottle
from drydock.api.app import create_app
from drydock.core import migrate
from drydock.core.config import Settings
from drydock.core.db import init_database
from drydock.core.logging import configure_logging
from drydock.rbac import service as rbac_service
from drydock.rbac.authorizer import Authorizer
from drydock.runtime import registry
from drydock.runtime.context import Runtime
from drydock.runtime.services import SERVICES, PeriodicTask
from drydock.runtime.views import router as system_router
from drydock.runtime.views import status_detail

log = logging.getLogger(__name__)

TOKEN_SECRET_KEY = "auth.token_secret"


def build_runtime(settings: Settings) -> Runtime:
    """Migrate, bootstrap and connect: everything a process needs before it serves."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    assert settings.database_url
    statuses = migrate.upgrade(settings.database_url)
    db = init_database(
        settings.database_url, pool_size=settings.db_pool_size, max_overflow=settings.db_max_overflow
    )
    with db.session() as session:
        admin_pw = settings.admin_password.get_secret_value() if settings.admin_password else None
        generated = bootstrap_admin(session, password=admin_pw, email=settings.admin_email)
        rbac_service.sync_roles(session)
        secret = (
            settings.auth.token_secret.get_secret_value()
            if settings.auth.token_secret
            else registry.shared_secret(session, TOKEN_SECRET_KEY)
        )
    if generated:
        # Printed once, to the terminal only (never to the log stream).
        print(
            f"\nCreated the admin user.\n  username: admin\n  password: {generated}\n"
            "Keep it now; it is not shown again (set DRYDOCK_ADMIN_PASSWORD to choose it).\n",
            file=sys.stdout,
            flush=True,
        )
    return Runtime(
        settings=settings,
        db=db,
        token_secret=secret,
        authorizer=Authorizer(db, poll_seconds=settings.rbac.cache_poll_seconds, audit=settings.rbac.audit),
        throttle=LoginThrottle(settings.auth.failed_login_limit, settings.auth.failed_login_window_seconds),
        services=list(settings.services),
        schema_versions={s.family: s.current or "" for s in statuses},
    )


def _servicenames(runtime: Runtime) -> list[str]:
    return [registry.SERVICE_NAMES[s] for s in runtime.services]


def _register(runtime: Runtime) -> None:
    with runtime.db.session() as session:
        for name in _servicenames(runtime):
            registry.register(
                session,
                hostid=runtime.hostid,
                servicename=name,
                base_url=runtime.settings.base_url,
                version=runtime.version,
                detail=status_detail(runtime),
            )


def _heartbeat(runtime: Runtime) -> None:
    with runtime.db.session() as session:
        registry.heartbeat(
            session, hostid=runtime.hostid, servicenames=_servicenames(runtime), detail=status_detail(runtime)
        )


def _flush_audit(runtime: Runtime) -> None:
    runtime.authorizer.flush_audit()


async def _run_periodic(runtime: Runtime, task: PeriodicTask, stop: asyncio.Event) -> None:
    while not stop.is_set():
        try:
            await asyncio.to_thread(task.run, runtime)
        except Exception:
            log.exception("periodic task failed", extra={"task": task.name})
        try:
            await asyncio.wait_for(stop.wait(), timeout=task.interval(runtime))
        except TimeoutError:
            pass


def make_lifespan(runtime: Runtime):  # type: ignore[no-untyped-def]
    tasks: list[PeriodicTask] = [
        PeriodicTask("service_heartbeat", lambda rt: rt.settings.timers.heartbeat_seconds, _heartbeat),
        PeriodicTask("audit_flush", lambda rt: 1.0, _flush_audit),
    ]
    for key in runtime.services:
        tasks.extend(SERVICES[key].tasks())

    specs = [SERVICES[key] for key in runtime.services]

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        for spec in specs:
            if spec.init is not None:
                await asyncio.to_thread(spec.init, runtime)
        await asyncio.to_thread(_register, runtime)
        backgrounds = [spec.background(runtime) for spec in specs if spec.background is not None]
        for bg in backgrounds:
            bg.start()
        # Start-up objects (modules, settings, compiled regexes) move out of the collector's way:
        # full collections otherwise rescan them, which was most of GET /v1/images' p99.
        gc.freeze()
        stop = asyncio.Event()
        running = [asyncio.create_task(_run_periodic(runtime, t, stop), name=t.name) for t in tasks]
        log.info("services started", extra={"services": runtime.services, "url": runtime.settings.base_url})
        try:
            yield
        finally:
            stop.set()
            for bg in backgrounds:
                await asyncio.to_thread(bg.stop, runtime.settings.shutdown_grace_seconds)
            await asyncio.gather(*running, return_exceptions=True)
            await asyncio.to_thread(runtime.authorizer.flush_audit)
            with runtime.db.session() as session:
                registry.mark_stopped(session, hostid=runtime.hostid, servicenames=_servicenames(runtime))
            log.info("services stopped", extra={"services": runtime.services})

    return lifespan


def build_app(runtime: Runtime) -> FastAPI:
    routers = [system_router]
    for key in runtime.services:
        routers.extend(SERVICES[key].routers())
    return create_app(runtime, routers, lifespan=make_lifespan(runtime))


def serve(settings: Settings) -> None:
    configure_logging(settings.log_level, settings.log_format)
    runtime = build_runtime(settings)
    app = build_app(runtime)
    config = uvicorn.Config(
        app,
        host=settings.host,
        port=settings.port,
        log_config=None,
        access_log=False,
        timeout_graceful_shutdown=int(settings.shutdown_grace_seconds),
        lifespan="on",
    )
    uvicorn.Server(config).run()
    runtime.db.dispose()
