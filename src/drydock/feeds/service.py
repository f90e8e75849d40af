"""The feed service's glue between settings and the sync machinery: which sources are
configured, when each online driver is due, and the periodic task."""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from sqlalchemy.orm import Session

from drydock.core.config import FeedSettings, Settings
from drydock.feeds.drivers import DriverConfig
from drydock.feeds.sync import EventFn, ImportReport, ProgressFn, sync_sources
from drydock.runtime.context import Runtime

log = logging.getLogger(__name__)


def driver_configs(feeds: FeedSettings) -> dict[str, DriverConfig]:
    return {
        name: DriverConfig(enabled=cfg.enabled, urls=tuple(cfg.urls), interval_hours=cfg.interval_hours)
        for name, cfg in feeds.drivers.items()
    }


def log_event(name: str, payload: dict[str, Any]) -> None:
    """Default event hook until the catalog's event log is wired in: a structured log line."""
    log.info(name, extra={"event": name, "payload": payload})


class DueTracker:
    """When each online driver last ran in this process; a driver is due after its interval."""

    def __init__(self) -> None:
        self._last: dict[str, float] = {}
        self._lock = threading.Lock()

    def __call__(self, name: str, config: DriverConfig) -> bool:
        now = time.monotonic()
        with self._lock:
            last = self._last.get(name)
            if last is not None and now - last < config.interval_hours * 3600:
                return False
            self._last[name] = now
            return True


_due = DueTracker()


def sync_configured(
    session: Session,
    settings: Settings,
    *,
    flush: bool = False,
    only_due: bool = False,
    progress: ProgressFn | None = None,
    on_event: EventFn = log_event,
) -> ImportReport:
    """Sync every configured source through ``session`` (the request's, or the task's)."""
    kwargs: dict[str, Any] = {"progress": progress} if progress else {}
    return sync_sources(
        session,
        local_source=settings.feeds.local_source,
        workspace=settings.data_dir / "feeds",
        drivers=driver_configs(settings.feeds),
        flush=flush,
        on_event=on_event,
        due=_due if only_due else (lambda name, cfg: True),
        **kwargs,
    )


def periodic_sync(runtime: Runtime) -> None:
    """The feeds service's periodic task: local source every tick, online drivers when due."""
    feeds = runtime.settings.feeds
    if feeds.local_source is None and not any(d.enabled for d in feeds.drivers.values()):
        return
    with runtime.db.session() as session:
        report = sync_configured(session, runtime.settings, only_due=True)
    log.info("feed sync finished", extra={"records": report.records_written, "ok": report.ok})
