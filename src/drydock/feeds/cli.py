"""``drydock feeds ...``: import, export, verify and sync feed data against the database.

These commands work on the database directly (no running server needed), which is what an
air-gapped install does: ``export`` on a connected host, carry the bundle, ``import`` there.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from sqlalchemy.orm import Session

from drydock.core import migrate
from drydock.core.config import Settings
from drydock.core.db import Database
from drydock.feeds import store
from drydock.feeds.bundle import BundleError, export_bundle, verify_bundle
from drydock.feeds.drivers import all_drivers
from drydock.feeds.service import driver_configs, log_event, sync_configured
from drydock.feeds.sync import ImportReport, ProgressFn, import_paths
from drydock.feeds.sync import Progress as SyncProgress

feeds_app = typer.Typer(no_args_is_help=True, help="Vulnerability feeds: import, export, sync.")
out = Console()
err = Console(stderr=True)
DbOpt = Annotated[str | None, typer.Option("--database-url", help="SQLAlchemy URL (default: from config).")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print the raw JSON.")]


def _settings(database_url: str | None) -> Settings:
    return Settings(database_url=database_url) if database_url else Settings()


@contextmanager
def _session(database_url: str | None) -> Iterator[tuple[Settings, Session]]:
    """Settings and one committed-on-success session of this command's database, migrated
    first: on a fresh install `drydock feeds import` is often the first command run (before
    any `drydock serve`), and `drydock scan` reads the store it fills."""
    settings = _settings(database_url)
    assert settings.database_url
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    migrate.upgrade(settings.database_url)
    db = Database(settings.database_url)
    try:
        with db.session() as session:
            yield settings, session
    finally:
        db.dispose()


@contextmanager
def _progress() -> Iterator[ProgressFn]:
    """A rich progress bar on a terminal; silence otherwise (logs and CI stay clean)."""
    if not sys.stderr.isatty():
        yield lambda p: None
        return
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=err, transient=True) as bar:
        tasks: dict[str, Any] = {}

        def update(p: SyncProgress) -> None:
            task = tasks.get(p.stage)
            if task is None:
                task = tasks[p.stage] = bar.add_task(p.stage, total=p.total)
            label = f"{p.stage} {p.source} {p.item}"[-70:]
            bar.update(task, completed=p.done, total=max(p.total, 1), description=label)

        yield update


def _report(report: ImportReport, as_json: bool) -> None:
    """Print the outcome; exit 1 when any source or group failed."""
    _print_report(report, as_json)
    if not report.ok:
        raise typer.Exit(1)


def _print_report(report: ImportReport, as_json: bool) -> None:
    if as_json:
        typer.echo(json.dumps(report.feed_results(), indent=2))
        return
    table = Table("source", "driver", "status", "groups", "records", "skipped")
    for s in report.sources:
        written = sum(g.records for g in s.groups if g.status == "success")
        table.add_row(s.path, s.driver, s.error or s.status, str(len(s.groups)), str(written), str(s.skipped_records))
    out.print(table)
    for g in report.groups:
        if g.status == "failure":
            err.print(f"[red]group {g.group} kept its previous data:[/red] {g.error}")
    out.print(f"{report.records_written} records written, {report.skipped_records} skipped, {report.seconds:.1f}s")


@feeds_app.command("import")
def import_cmd(
    paths: Annotated[list[Path], typer.Argument(help="Bundles, upstream files or folders.")],
    driver: Annotated[str | None, typer.Option(help="Driver for every path (default: detect).")] = None,
    flush: Annotated[bool, typer.Option(help="Rewrite groups even when unchanged.")] = False,
    database_url: DbOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Import feed data; each group is replaced atomically, bad records are skipped."""
    if driver is not None and driver not in all_drivers():
        err.print(f"[red]unknown driver {driver}[/red]; known: {', '.join(all_drivers())}")
        raise typer.Exit(2)
    with _session(database_url) as (settings, session), _progress() as progress:
        report = import_paths(
            session, paths, driver=driver, flush=flush, progress=progress, on_event=log_event,
            driver_configs=driver_configs(settings.feeds),
        )
    _report(report, as_json)


@feeds_app.command("sync")
def sync_cmd(
    flush: Annotated[bool, typer.Option(help="Rewrite groups even when unchanged.")] = False,
    database_url: DbOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Sync now from the configured sources (feeds.local_source and feeds.drivers)."""
    with _session(database_url) as (settings, session), _progress() as progress:
        report = sync_configured(session, settings, flush=flush, progress=progress)
    _report(report, as_json)


@feeds_app.command("export")
def export_cmd(
    bundle: Annotated[Path, typer.Argument(help="Output .tar.zst or .tar.gz")],
    group: Annotated[list[str] | None, typer.Option(help="Only these groups (repeatable).")] = None,
    database_url: DbOpt = None,
) -> None:
    """Write the stored feeds to a checksummed bundle."""
    try:
        with _session(database_url) as (_, session):
            manifest = export_bundle(session, bundle, groups=group or None)
    except BundleError as exc:
        err.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from None
    records = sum(f.records for f in manifest.groups)
    out.print(f"wrote {bundle}: {len(manifest.groups)} groups, {records} records")


@feeds_app.command("verify")
def verify_cmd(bundle: Path) -> None:
    """Check a bundle's checksums without importing it."""
    try:
        manifest = verify_bundle(bundle)
    except BundleError as exc:
        err.print(f"[red]{exc}[/red]")
        raise typer.Exit(1) from None
    records = sum(f.records for f in manifest.groups)
    out.print(f"{bundle}: OK, {len(manifest.groups)} groups, {records} records")


@feeds_app.command("list")
def list_cmd(database_url: DbOpt = None) -> None:
    """Feeds and groups in the database, with record counts."""
    table = Table("feed", "group", "enabled", "records", "last sync")
    with _session(database_url) as (_, session):
        for view in store.list_feeds(session):
            for g in view.groups:
                enabled = str(g.enabled and view.feed.enabled)
                table.add_row(view.feed.name, g.name, enabled, str(g.record_count), str(g.last_sync or ""))
    out.print(table)


@feeds_app.command("drivers")
def drivers_cmd() -> None:
    """The feed drivers and the namespaces they produce."""
    table = Table("driver", "namespaces", "default URLs")
    for name, cls in all_drivers().items():
        table.add_row(name, ", ".join(cls.namespaces), "\n".join(cls.default_urls))
    out.print(table)
