"""``drydock queue ...``: inspect queues and handle dead letters on a running Drydock."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from drydock.cli.client import DEFAULT_URL, PasswordOpt, UrlOpt, UserOpt, err, request
from drydock.queue.client import queue_path
from drydock.queue.errors import InvalidQueueRequest

queue_app = typer.Typer(no_args_is_help=True, help="SimpleQueue: depths, messages, dead letters.")
out = Console()
JsonOpt = Annotated[bool, typer.Option("--json", help="Print the raw JSON.")]
STATS_COLUMNS = ("queue", "available", "inflight", "delayed", "dead")
MESSAGE_COLUMNS = ("id", "state", "priority", "attempts", "holder", "visible_at", "last_error")


def _path(queue: str, suffix: str = "") -> str:
    try:
        return queue_path(queue) + suffix
    except InvalidQueueRequest as exc:
        err.print(f"[red]error:[/red] {exc.message}")
        raise typer.Exit(2) from None


def _cell(row: dict[str, Any], column: str) -> str:
    value = row.get(column)
    if column == "attempts":
        return f"{row['attempts']}/{row['max_attempts']}"
    text = "" if value is None else str(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _table(rows: list[dict[str, Any]], columns: tuple[str, ...]) -> Table:
    table = Table(*columns)
    for row in rows:
        table.add_row(*(_cell(row, c) for c in columns))
    return table


@queue_app.command("list")
def list_queues(
    url: UrlOpt = DEFAULT_URL, user: UserOpt = "admin", password: PasswordOpt = "", as_json: JsonOpt = False
) -> None:
    """Every queue with its available, in-flight, delayed and dead counts."""
    data = request("GET", "/v1/queues", url=url, user=user, password=password)
    if as_json:
        typer.echo(json.dumps(data, indent=2))
    else:
        out.print(_table(data, STATS_COLUMNS))


@queue_app.command("show")
def show_queue(
    queue: str,
    state: Annotated[
        str | None, typer.Option(help="available, inflight, delayed, dead or all (default).")
    ] = None,
    limit: Annotated[int, typer.Option(help="At most this many messages.")] = 50,
    url: UrlOpt = DEFAULT_URL,
    user: UserOpt = "admin",
    password: PasswordOpt = "",
    as_json: JsonOpt = False,
) -> None:
    """A queue's counts and its messages in delivery order."""
    params: dict[str, Any] = {"limit": limit, **({"state": state} if state else {})}
    data = request("GET", _path(queue), url=url, user=user, password=password, params=params)
    if as_json:
        typer.echo(json.dumps(data, indent=2))
        return
    out.print(_table([data["stats"]], STATS_COLUMNS))
    out.print(_table(data["messages"], MESSAGE_COLUMNS))


@queue_app.command("retry")
def retry(
    queue: str,
    msg_id: Annotated[int | None, typer.Argument(metavar="[ID]", help="The dead message to retry.")] = None,
    all_dead: Annotated[bool, typer.Option("--all-dead", help="Retry every dead message of QUEUE.")] = False,
    url: UrlOpt = DEFAULT_URL,
    user: UserOpt = "admin",
    password: PasswordOpt = "",
) -> None:
    """Give a dead message (ID) or all of them (--all-dead) a fresh set of attempts."""
    if (msg_id is None) == (not all_dead):
        err.print("[red]error:[/red] give either a message ID or --all-dead")
        raise typer.Exit(2)
    path = _path(queue, "/retry") if all_dead else _path(queue, f"/messages/{msg_id}/retry")
    data = request("POST", path, url=url, user=user, password=password)
    out.print(f"revived {data['revived']} message(s) in {queue}")


@queue_app.command("drop")
def drop(
    queue: str, msg_id: int, url: UrlOpt = DEFAULT_URL, user: UserOpt = "admin", password: PasswordOpt = ""
) -> None:
    """Delete one message, whatever its state."""
    request("DELETE", _path(queue, f"/messages/{msg_id}"), url=url, user=user, password=password)
    out.print(f"dropped message {msg_id} from {queue}")


@queue_app.command("purge")
def purge(
    queue: str,
    state: Annotated[str, typer.Option(help="available, inflight, delayed, dead, or all.")],
    url: UrlOpt = DEFAULT_URL,
    user: UserOpt = "admin",
    password: PasswordOpt = "",
) -> None:
    """Delete every message of QUEUE in --state."""
    data = request(
        "DELETE",
        _path(queue, "/messages"),
        url=url,
        user=user,
        password=password,
        params={"state": state},
    )
    out.print(f"deleted {data['deleted']} message(s) from {queue}")
