"""The ``drydock`` command."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.table import Table

from drydock import __version__
from drydock.cli.rbac import roles_app
from drydock.cli.sbom import register as register_sbom
from drydock.cli.scan import register as register_scan
from drydock.core.config import ConfigError, Settings
from drydock.feeds.cli import feeds_app
from drydock.queue.cli import queue_app

app = typer.Typer(no_args_is_help=True, add_completion=False, help="Drydock: container image security.")
db_app = typer.Typer(no_args_is_help=True, help="Database schema migrations.")
app.add_typer(db_app, name="db")
app.add_typer(roles_app, name="roles")
app.add_typer(queue_app, name="queue")
app.add_typer(feeds_app, name="feeds")
register_sbom(app)
register_scan(app)
err = Console(stderr=True)

ConfigOpt = Annotated[
    Path | None, typer.Option("--config", "-c", help="YAML config file (also DRYDOCK_CONFIG).", exists=True)
]


def load_settings(config: Path | None, **overrides: Any) -> Settings:
    """Settings from --config/env plus the flags given; a bad value exits with one clear line."""
    if config is not None:
        os.environ["DRYDOCK_CONFIG"] = str(config)
    try:
        return Settings(**{k: v for k, v in overrides.items() if v is not None})
    except (ConfigError, ValidationError) as exc:
        err.print(f"[red]configuration error:[/red] {exc}")
        raise typer.Exit(2) from None


@app.command()
def serve(
    config: ConfigOpt = None,
    services: Annotated[
        str | None, typer.Option(help="Comma-separated services to run here (default: all).")
    ] = None,
    host: Annotated[str | None, typer.Option(help="Listen address (default 127.0.0.1).")] = None,
    port: Annotated[int | None, typer.Option(help="Listen port (default 8228).")] = None,
    database_url: Annotated[str | None, typer.Option(help="SQLAlchemy database URL.")] = None,
    data_dir: Annotated[Path | None, typer.Option(help="Data directory.")] = None,
) -> None:
    """Run the services (all of them by default) in this process."""
    from drydock.runtime.server import serve as run_server

    settings = load_settings(
        config, services=services, host=host, port=port, database_url=database_url, data_dir=data_dir
    )
    run_server(settings)


@db_app.command("upgrade")
def db_upgrade(
    config: ConfigOpt = None,
    database_url: Annotated[str | None, typer.Option(help="SQLAlchemy database URL.")] = None,
) -> None:
    """Apply pending migrations of both schema histories."""
    from drydock.core import migrate

    settings = load_settings(config, database_url=database_url)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    assert settings.database_url
    _print_status(migrate.upgrade(settings.database_url))


@db_app.command("status")
def db_status(
    config: ConfigOpt = None,
    database_url: Annotated[str | None, typer.Option(help="SQLAlchemy database URL.")] = None,
) -> None:
    """Show the current and head revision of each schema history; exit 1 if behind."""
    from drydock.core import migrate

    settings = load_settings(config, database_url=database_url)
    assert settings.database_url
    statuses = migrate.status(settings.database_url)
    _print_status(statuses)
    if not all(s.up_to_date for s in statuses):
        raise typer.Exit(1)


def _print_status(statuses: list[Any]) -> None:
    table = Table("schema", "current", "head", "state")
    for s in statuses:
        table.add_row(s.family, s.current or "-", s.head, "up to date" if s.up_to_date else "needs upgrade")
    Console().print(table)


@app.command()
def version() -> None:
    """Print the Drydock version."""
    typer.echo(__version__)


def main() -> None:  # pragma: no cover - console entry point alias
    app(prog_name="drydock")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
