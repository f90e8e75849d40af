"""The ``drydock`` command.

Subcommands live in their own modules and are imported only when invoked (or listed by
``--help``): ``drydock sbom`` must not pay for SQLAlchemy, pydantic-settings and the feeds,
queue and RBAC clients it never uses (≈ 0.5 s CPU of a small image's SBOM run).
"""

from __future__ import annotations

import importlib
import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
import typer.main
from typer.core import TyperGroup

from drydock import __version__
from drydock.cli.coercion import without_pydantic

if TYPE_CHECKING:
    from drydock.core.config import Settings

# name -> (module, attribute): a Typer sub-app or a command function
LAZY_COMMANDS: dict[str, tuple[str, str]] = {
    "roles": ("drydock.cli.rbac", "roles_app"),
    "queue": ("drydock.queue.cli", "queue_app"),
    "feeds": ("drydock.feeds.cli", "feeds_app"),
    "sbom": ("drydock.cli.sbom", "sbom"),
    "scan": ("drydock.cli.scan", "scan"),
}


def load_command(name: str, ctx: Any) -> Any:
    """Import one lazy subcommand and turn it into the click command typer would have built
    (typed Any: typer ≥ 0.20 carries its own copy of click, older ones use click itself); a
    single command's plain parameters are coerced without pydantic (``cli/coercion.py``)."""
    module, attribute = LAZY_COMMANDS[name]
    target = getattr(importlib.import_module(module), attribute)
    if isinstance(target, typer.Typer):
        group = typer.main.get_group(target)
        group.name = name
        return group
    single = typer.Typer(add_completion=False)
    single.command(name)(target)
    return without_pydantic(typer.main.get_command(single), ctx)


class LazyGroup(TyperGroup):
    """A typer group whose ``LAZY_COMMANDS`` are imported on first use."""

    def list_commands(self, ctx: Any) -> list[str]:
        return [*super().list_commands(ctx), *LAZY_COMMANDS]

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        if cmd_name in LAZY_COMMANDS:
            return load_command(cmd_name, ctx)
        return super().get_command(ctx, cmd_name)

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        without_pydantic(self, ctx)  # the group's own --help
        result: list[str] = super().parse_args(ctx, args)
        return result


app = typer.Typer(
    cls=LazyGroup, no_args_is_help=True, add_completion=False, help="Drydock: container image security."
)
db_app = typer.Typer(no_args_is_help=True, help="Database schema migrations.")
app.add_typer(db_app, name="db")

ConfigOpt = Annotated[
    Path | None, typer.Option("--config", "-c", help="YAML config file (also DRYDOCK_CONFIG).", exists=True)
]


def load_settings(config: Path | None, **overrides: Any) -> Settings:
    """Settings from --config/env plus the flags given; a bad value exits with one clear line."""
    from pydantic import ValidationError
    from rich.console import Console

    from drydock.core.config import ConfigError, Settings

    if config is not None:
        os.environ["DRYDOCK_CONFIG"] = str(config)
    try:
        return Settings(**{k: v for k, v in overrides.items() if v is not None})
    except (ConfigError, ValidationError) as exc:
        Console(stderr=True).print(f"[red]configuration error:[/red] {exc}")
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
    from rich.console import Console
    from rich.table import Table

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
    main()
