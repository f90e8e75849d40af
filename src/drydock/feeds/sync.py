"""Import and sync: sources (local files, bundles, online drivers) into the store.

Each group is written in its own transaction (:func:`store.replace_group` then commit), so a
reader sees a group's old records or its new ones, never a mix, and a group that fails rolls
back to its previous data while the other groups go on. Unchanged inputs are skipped by
checksum before parsing; unchanged groups are skipped by content digest before writing.
Events go through ``on_event`` only: the catalog owns event storage.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from drydock.core.db import utcnow
from drydock.feeds import store
from drydock.feeds.bundle import BundleError, read_bundle
from drydock.feeds.detect import Source, detect
from drydock.feeds.drivers import DriverConfig, get_driver
from drydock.feeds.drivers.base import DATA_ERRORS

log = logging.getLogger(__name__)
#: A database refusal, or records that break a rule: the group keeps its previous data.
_WRITE_ERRORS: tuple[type[Exception], ...] = (SQLAlchemyError, *DATA_ERRORS)

EVENT_STARTED = "system.feeds.sync.started"
EVENT_COMPLETED = "system.feeds.sync.completed"
EVENT_FAILED = "system.feeds.sync.failed"


@dataclass(frozen=True, slots=True)
class Progress:
    """``stage`` is "parse" (per source) or "write" (per group); ``done`` of ``total``."""

    stage: str
    source: str
    item: str
    done: int
    total: int


ProgressFn = Callable[[Progress], None]
EventFn = Callable[[str, dict[str, Any]], None]


def _no_progress(_: Progress) -> None:
    return None


def _no_event(_name: str, _payload: dict[str, Any]) -> None:
    return None


@dataclass(slots=True)
class GroupResult:
    feed: str
    group: str
    status: str  # success | failure | unchanged | disabled
    records: int = 0
    seconds: float = 0.0
    error: str | None = None


@dataclass(slots=True)
class SourceResult:
    driver: str
    path: str
    status: str  # success | unchanged | failure
    groups: list[GroupResult] = field(default_factory=list)
    skipped_records: int = 0
    warnings: list[str] = field(default_factory=list)
    error: str | None = None


@dataclass(slots=True)
class ImportReport:
    sources: list[SourceResult] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def groups(self) -> list[GroupResult]:
        return [g for s in self.sources for g in s.groups]

    @property
    def ok(self) -> bool:
        return all(s.status != "failure" for s in self.sources) and all(
            g.status != "failure" for g in self.groups
        )

    @property
    def records_written(self) -> int:
        return sum(g.records for g in self.groups if g.status == "success")

    @property
    def skipped_records(self) -> int:
        return sum(s.skipped_records for s in self.sources)

    def feed_results(self) -> list[dict[str, Any]]:
        """Anchore's FeedSyncResult list, one entry per feed touched."""
        feeds: dict[str, dict[str, Any]] = {}
        for g in self.groups:
            entry = feeds.setdefault(
                g.feed, {"feed": g.feed, "status": "success", "total_time_seconds": 0.0, "groups": []}
            )
            failed = g.status == "failure"
            entry["status"] = "failure" if failed or entry["status"] == "failure" else "success"
            entry["total_time_seconds"] = round(entry["total_time_seconds"] + g.seconds, 3)
            entry["groups"].append(
                {
                    "group": g.group,
                    "status": "failure" if failed else "success",
                    "updated_image_count": 0,
                    "updated_record_count": g.records if g.status == "success" else 0,
                    "total_time_seconds": round(g.seconds, 3),
                }
            )
        return list(feeds.values())


def files_digest(paths: list[Path]) -> str:
    """Digest of a source's input files (names and contents): equal means nothing to do."""
    h = hashlib.sha256()
    for path in sorted(paths):
        h.update(str(path).encode() + b"\0")
        with path.open("rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                h.update(chunk)
    return h.hexdigest()


class Importer:
    """Writes sources into the store through one session, committing per group."""

    def __init__(
        self,
        session: Session,
        *,
        flush: bool = False,
        progress: ProgressFn = _no_progress,
        driver_configs: dict[str, DriverConfig] | None = None,
    ) -> None:
        self.session = session
        self.flush = flush
        self.progress = progress
        self.driver_configs = driver_configs or {}

    def run(self, sources: list[Source]) -> ImportReport:
        started = time.monotonic()
        report = ImportReport()
        for index, source in enumerate(sources):
            self.progress(Progress("parse", source.driver, str(source.path), index, len(sources)))
            report.sources.append(self.import_source(source))
        self.progress(Progress("parse", "", "", len(sources), len(sources)))
        report.seconds = time.monotonic() - started
        return report

    def import_source(self, source: Source) -> SourceResult:
        result = SourceResult(source.driver, str(source.path), "success")
        try:
            groups, key, digest = self._read(source, result)
        except (BundleError, OSError, KeyError) as exc:
            result.status, result.error = "failure", str(exc)
            log.warning("feed source %s (%s) failed: %s", source.path, source.driver, exc)
            return result
        if groups is None:
            result.status = "unchanged"
            return result
        for done, data in enumerate(groups.values()):
            self.progress(Progress("write", source.driver, data.group, done, len(groups)))
            result.groups.append(self.write_group(data))
        # Remember the inputs only when every group took them: a failed or disabled group must
        # be written by the next sync of the same, unchanged files.
        if key is not None and all(g.status in ("success", "unchanged") for g in result.groups):
            store.record_source(self.session, key, digest)
            self.session.commit()
        return result

    def _read(
        self, source: Source, result: SourceResult
    ) -> tuple[dict[str, store.GroupData] | None, str | None, str]:
        """Parse a source into groups; None when its inputs are unchanged since last time."""
        if source.driver == "bundle":
            digest = files_digest([source.path])
            key = f"bundle:{source.path.resolve()}"
            if not self.flush and store.source_digest(self.session, key) == digest:
                return None, key, digest
            contents = read_bundle(source.path)
            result.skipped_records, result.warnings = contents.skipped, contents.warnings
            return {g.group: g for g in contents.groups}, key, digest
        driver = get_driver(source.driver, self.driver_configs.get(source.driver))
        files = driver.discover(source.path)
        digest = files_digest(files)
        key = f"{source.driver}:{source.path.resolve()}"
        if not self.flush and store.source_digest(self.session, key) == digest:
            return None, key, digest
        groups = store.partition(driver.parse(files), source.driver)
        result.skipped_records = driver.stats.skipped_total
        result.warnings = list(driver.stats.warnings)
        return groups, key, digest

    def write_group(self, data: store.GroupData) -> GroupResult:
        """One transaction: the group's new records, or (on any error) its old ones."""
        started = time.monotonic()
        result = GroupResult(data.feed, data.group, "success")
        try:
            if self._disabled(data):
                result.status = "disabled"
                return result
            write = store.replace_group(self.session, data, force=self.flush)
            self.session.commit()
            result.records = write.records
            result.status = "success" if write.written else "unchanged"
        except _WRITE_ERRORS as exc:
            self.session.rollback()
            result.status, result.error = "failure", f"{type(exc).__name__}: {str(exc).splitlines()[0]}"
            log.warning("feed group %s kept its previous data: %s", data.group, result.error)
        finally:
            result.seconds = time.monotonic() - started
        return result

    def _disabled(self, data: store.GroupData) -> bool:
        feed = self.session.get(store.FeedRow, data.feed)
        group = self.session.get(store.FeedGroupRow, data.group)
        return (feed is not None and not feed.enabled) or (group is not None and not group.enabled)


def import_paths(
    session: Session,
    paths: list[Path],
    *,
    driver: str | None = None,
    flush: bool = False,
    progress: ProgressFn = _no_progress,
    on_event: EventFn = _no_event,
    driver_configs: dict[str, DriverConfig] | None = None,
) -> ImportReport:
    """Import files, folders or bundles (driver detected unless given); marks a full sync of
    every feed written when all its sources succeeded."""
    warnings: list[str] = []
    sources = (
        [Source(driver, p) for p in paths]
        if driver
        else [s for p in paths for s in detect(p, warn=warnings.append)]
    )
    on_event(EVENT_STARTED, {"sources": [f"{s.driver}:{s.path}" for s in sources]})
    report = Importer(session, flush=flush, progress=progress, driver_configs=driver_configs).run(sources)
    if warnings:
        report.sources.append(SourceResult("detect", "", "success", warnings=warnings))
    _finish(session, report, on_event)
    return report


def _finish(session: Session, report: ImportReport, on_event: EventFn) -> None:
    feeds = {g.feed for g in report.groups if g.status != "failure"}
    failed = {g.feed for g in report.groups if g.status == "failure"}
    if feeds - failed:
        store.mark_full_sync(session, feeds - failed, utcnow())
        session.commit()
    payload = {
        "feeds": report.feed_results(),
        "records": report.records_written,
        "skipped": report.skipped_records,
    }
    on_event(EVENT_COMPLETED if report.ok else EVENT_FAILED, payload)


def online_sources(
    workspace: Path,
    drivers: dict[str, DriverConfig],
    report: ImportReport,
    *,
    due: Callable[[str, DriverConfig], bool] = lambda name, cfg: True,
) -> list[Source]:
    """Download each enabled, due driver's inputs with its own ``fetch``; a failed download
    is reported and leaves that driver's stored data as it was."""
    import httpx

    sources: list[Source] = []
    with httpx.Client() as client:
        for name, config in drivers.items():
            if not config.enabled or not due(name, config):
                continue
            target = workspace / name
            try:
                get_driver(name, config).fetch(target, client)
            except (httpx.HTTPError, OSError, KeyError) as exc:
                report.sources.append(
                    SourceResult(name, str(target), "failure", error=f"fetch failed: {exc}")
                )
                continue
            sources.append(Source(name, target / "input"))
    return sources


def sync_sources(
    session: Session,
    *,
    local_source: Path | None,
    workspace: Path,
    drivers: dict[str, DriverConfig],
    flush: bool = False,
    progress: ProgressFn = _no_progress,
    on_event: EventFn = _no_event,
    due: Callable[[str, DriverConfig], bool] = lambda name, cfg: True,
) -> ImportReport:
    """Sync from the configured sources: the local directory/bundle (air-gapped installs) and
    the enabled online drivers."""
    report = ImportReport()
    detect_warnings: list[str] = []
    sources = detect(local_source, warn=detect_warnings.append) if local_source else []
    on_event(EVENT_STARTED, {"local_source": str(local_source or ""), "drivers": sorted(drivers)})
    sources += online_sources(workspace, drivers, report, due=due)
    started = time.monotonic()
    imported = Importer(session, flush=flush, progress=progress, driver_configs=drivers).run(sources)
    report.sources.extend(imported.sources)
    if detect_warnings:
        report.sources.append(SourceResult("detect", str(local_source), "success", warnings=detect_warnings))
    report.seconds = time.monotonic() - started
    _finish(session, report, on_event)
    return report
