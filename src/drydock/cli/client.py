"""HTTP client for CLI commands that talk to a running Drydock (``--url``/``--user``/
``--password`` or ``DRYDOCK_URL``/``DRYDOCK_USER``/``DRYDOCK_PASSWORD``)."""

from __future__ import annotations

from typing import Annotated, Any

import httpx
import typer
from rich.console import Console

err = Console(stderr=True)

UrlOpt = Annotated[str, typer.Option("--url", envvar="DRYDOCK_URL", help="Drydock API URL.")]
UserOpt = Annotated[str, typer.Option("--user", "-u", envvar="DRYDOCK_USER", help="Username.")]
PasswordOpt = Annotated[
    str,
    typer.Option(
        "--password", "-p", envvar="DRYDOCK_PASSWORD", help="Password or API key.", show_default=False
    ),
]
AccountOpt = Annotated[
    str | None, typer.Option("--account", "-a", help="Act in this account (x-anchore-account).")
]

DEFAULT_URL = "http://127.0.0.1:8228"


def request(
    method: str,
    path: str,
    *,
    url: str,
    user: str,
    password: str,
    account: str | None = None,
    timeout: float = 60.0,
    **kwargs: Any,
) -> Any:
    """Call the API; on an error print its message and exit 1 (connection problems too)."""
    headers = {"x-anchore-account": account} if account else {}
    try:
        with httpx.Client(base_url=url.rstrip("/"), auth=(user, password), timeout=timeout) as client:
            r = client.request(method, path, headers=headers, **kwargs)
    except httpx.HTTPError as exc:
        err.print(f"[red]error:[/red] cannot reach {url}: {exc}")
        raise typer.Exit(1) from None
    if r.status_code >= 400:
        try:
            message = r.json().get("message", r.text)
        except ValueError:
            message = r.text
        err.print(f"[red]error ({r.status_code}):[/red] {message}")
        raise typer.Exit(1)
    if r.status_code == 204 or not r.content:
        return None
    return r.json()
