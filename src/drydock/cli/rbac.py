"""``drydock roles ...``: list roles and manage role members on a running Drydock."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from drydock.cli.client import DEFAULT_URL, AccountOpt, PasswordOpt, UrlOpt, UserOpt, request

roles_app = typer.Typer(no_args_is_help=True, help="Roles and role members (RBAC).")
out = Console()
JsonOpt = Annotated[bool, typer.Option("--json", help="Print the raw JSON.")]


def _print(data: Any, as_json: bool, columns: list[str]) -> None:
    if as_json:
        typer.echo(json.dumps(data, indent=2))
        return
    table = Table(*columns)
    for row in data if isinstance(data, list) else [data]:
        table.add_row(*[str(row.get(c, "")) for c in columns])
    out.print(table)


@roles_app.command("list")
def list_roles(
    url: UrlOpt = DEFAULT_URL, user: UserOpt = "admin", password: PasswordOpt = "", as_json: JsonOpt = False
) -> None:
    """List the roles."""
    _print(
        request("GET", "/v1/roles", url=url, user=user, password=password), as_json, ["name", "description"]
    )


@roles_app.command("get")
def get_role(
    role: str,
    url: UrlOpt = DEFAULT_URL,
    user: UserOpt = "admin",
    password: PasswordOpt = "",
    as_json: JsonOpt = False,
) -> None:
    """Show a role and the actions it grants."""
    data = request("GET", f"/v1/roles/{role}", url=url, user=user, password=password)
    if as_json:
        _print(data, True, [])
        return
    out.print(f"[bold]{data['name']}[/bold]: {data['description']}")
    for perm in data["permissions"]:
        out.print(f"  {perm['action']}")


@roles_app.command("members")
def list_members(
    role: str,
    account: AccountOpt = None,
    url: UrlOpt = DEFAULT_URL,
    user: UserOpt = "admin",
    password: PasswordOpt = "",
    as_json: JsonOpt = False,
) -> None:
    """List the members of a role in an account."""
    data = request("GET", f"/v1/roles/{role}/members", url=url, user=user, password=password, account=account)
    _print(data, as_json, ["username", "role", "for_account", "created_at"])


@roles_app.command("add-member")
def add_member(
    role: str,
    username: str,
    account: AccountOpt = None,
    url: UrlOpt = DEFAULT_URL,
    user: UserOpt = "admin",
    password: PasswordOpt = "",
) -> None:
    """Grant ROLE to USERNAME within an account (default: the caller's)."""
    body = {"username": username, **({"for_account": account} if account else {})}
    data = request(
        "POST", f"/v1/roles/{role}/members", url=url, user=user, password=password, account=account, json=body
    )
    out.print(f"granted {data['role']} to {data['username']} in account {data['for_account']}")


@roles_app.command("remove-member")
def remove_member(
    role: str,
    username: str,
    account: AccountOpt = None,
    url: UrlOpt = DEFAULT_URL,
    user: UserOpt = "admin",
    password: PasswordOpt = "",
) -> None:
    """Revoke ROLE from USERNAME within an account (default: the caller's)."""
    params = {"username": username, **({"for_account": account} if account else {})}
    request(
        "DELETE",
        f"/v1/roles/{role}/members",
        url=url,
        user=user,
        password=password,
        account=account,
        params=params,
    )
    out.print(f"revoked {role} from {username}")


@roles_app.command("user")
def user_roles(
    username: str,
    url: UrlOpt = DEFAULT_URL,
    user: UserOpt = "admin",
    password: PasswordOpt = "",
    as_json: JsonOpt = False,
) -> None:
    """List every role a user holds, per account."""
    data = request("GET", f"/v1/users/{username}/roles", url=url, user=user, password=password)
    _print(data, as_json, ["role", "for_account", "created_at"])
