"""End-to-end: real `drydock serve` processes driven over HTTP and by the real anchore-cli."""

from __future__ import annotations

import json
import os
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.support.paths import REPO
from tests.support.server import ADMIN_PASSWORD, ServerProcess, start_server

pytestmark = pytest.mark.e2e

ANCHORE_CLI = Path(os.environ.get("DRYDOCK_ANCHORECLI", REPO / ".venv-anchorecli" / "bin" / "anchore-cli"))


@pytest.fixture
def server(fresh_database: str, tmp_path: Path) -> Iterator[ServerProcess]:
    srv = start_server(tmp_path, fresh_database)
    yield srv
    srv.stop()


def wait_for(predicate, timeout: float = 20.0, interval: float = 0.2):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError("condition not met in time")


def anchore_cli(
    server: ServerProcess, *args: str, user: str = "admin", password: str = ADMIN_PASSWORD
) -> subprocess.CompletedProcess[str]:
    if not ANCHORE_CLI.exists():
        if os.environ.get("CI"):
            pytest.fail(f"anchore-cli not installed at {ANCHORE_CLI} (scripts/test installs it)")
        pytest.skip(f"anchore-cli not installed at {ANCHORE_CLI}; run scripts/test once")
    env = {
        "PATH": os.environ.get("PATH", ""),
        "ANCHORE_CLI_URL": f"{server.url}/v1",
        "ANCHORE_CLI_USER": user,
        "ANCHORE_CLI_PASS": password,
        "HOME": str(server.log_path.parent),
    }
    return subprocess.run([str(ANCHORE_CLI), *args], env=env, capture_output=True, text=True, timeout=60)


def ok(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 0, f"{result.args}: rc={result.returncode}\n{result.stdout}\n{result.stderr}"
    return result.stdout


def test_anchore_cli_accounts_and_users(server: ServerProcess) -> None:
    status = ok(anchore_cli(server, "system", "status"))
    for name in ("apiext", "catalog", "policy_engine", "simplequeue", "analyzer"):
        assert f"Service {name} " in status and "): up" in status
    assert "Engine DB Version" in status
    assert "Username: admin" in ok(anchore_cli(server, "account", "whoami"))

    ok(anchore_cli(server, "account", "add", "acme", "--email", "ops@acme.test"))
    assert json.loads(ok(anchore_cli(server, "--json", "account", "get", "acme")))["email"] == "ops@acme.test"
    listed = ok(anchore_cli(server, "account", "list"))
    assert "acme" in listed and "admin" in listed
    dup = anchore_cli(server, "account", "add", "acme")
    assert dup.returncode != 0 and "Account already exists" in dup.stdout + dup.stderr

    ok(anchore_cli(server, "account", "user", "add", "--account", "acme", "bob", "bobpass1"))
    assert "bob" in ok(anchore_cli(server, "account", "user", "list", "--account", "acme"))
    users = json.loads(ok(anchore_cli(server, "--json", "account", "user", "list", "--account", "acme")))
    assert [u["username"] for u in users] == ["bob"]
    assert "Name: bob" in ok(anchore_cli(server, "account", "user", "get", "--account", "acme", "bob"))
    ok(
        anchore_cli(
            server, "account", "user", "setpassword", "--account", "acme", "--username", "bob", "newpass2"
        )
    )
    assert "Username: bob" in ok(anchore_cli(server, "account", "whoami", user="bob", password="newpass2"))
    assert anchore_cli(server, "account", "whoami", user="bob", password="bobpass1").returncode != 0
    # a user may not list accounts
    denied = anchore_cli(server, "account", "list", user="bob", password="newpass2")
    assert denied.returncode != 0 and "403" in denied.stdout + denied.stderr

    ok(anchore_cli(server, "account", "disable", "acme"))
    assert "State: disabled" in ok(anchore_cli(server, "account", "get", "acme"))
    assert anchore_cli(server, "account", "whoami", user="bob", password="newpass2").returncode != 0
    ok(anchore_cli(server, "account", "enable", "acme"))
    assert "State: enabled" in ok(anchore_cli(server, "account", "get", "acme"))

    ok(anchore_cli(server, "account", "user", "del", "--account", "acme", "bob"))
    ok(anchore_cli(server, "account", "disable", "acme"))
    ok(anchore_cli(server, "account", "del", "acme", "--dontask"))
    # deletion is asynchronous: the account goes away once the cleanup task ran
    wait_for(lambda: anchore_cli(server, "account", "get", "acme").returncode != 0)
    assert ADMIN_PASSWORD not in server.log() and "newpass2" not in server.log()


def test_system_services_and_graceful_stop(server: ServerProcess) -> None:
    with server.client() as c:
        services = c.get("/v1/system/services").json()
        assert all(s["status"] and s["base_url"] == server.url for s in services)
    # uvicorn finishes in-flight requests, runs shutdown, then re-raises SIGTERM (rc -15)
    assert server.stop() in (0, -15)
    log = server.log()
    assert "services stopped" in log and "Traceback" not in log


def test_generated_admin_password_printed_once(fresh_database: str, tmp_path: Path) -> None:
    srv = start_server(tmp_path, fresh_database, extra_env={"DRYDOCK_ADMIN_PASSWORD": ""})
    try:
        out = srv.log()
        line = next(ln for ln in out.splitlines() if "password:" in ln)
        password = line.split("password:", 1)[1].strip()
        assert len(password) >= 16 and out.count(password) == 1
        assert httpx.get(f"{srv.url}/v1/account", auth=("admin", password)).status_code == 200
    finally:
        srv.stop()
    again = start_server(tmp_path, fresh_database, extra_env={"DRYDOCK_ADMIN_PASSWORD": ""})
    try:
        assert "password:" not in again.log()
    finally:
        again.stop()


def test_split_services_share_one_database(backend: str, fresh_database: str, tmp_path: Path) -> None:
    if backend != "postgresql":
        pytest.skip("a scale-out deployment runs on PostgreSQL")
    api = start_server(tmp_path, fresh_database, services="api", host_id="host-a")
    catalog = start_server(tmp_path, fresh_database, services="catalog", host_id="host-b")
    try:
        with api.client() as c:
            found = wait_for(
                lambda: {
                    (s["servicename"], s["hostid"], s["base_url"], s["status"])
                    for s in c.get("/v1/system/services").json()
                }
            )
        assert ("apiext", "host-a", api.url, True) in found
        assert ("catalog", "host-b", catalog.url, True) in found
        assert {s[0] for s in found} == {"apiext", "catalog"}
        # the catalog process serves status but not the External API routes
        assert httpx.get(f"{catalog.url}/health").text == "ok"
        assert httpx.get(f"{catalog.url}/v1/accounts", auth=("admin", ADMIN_PASSWORD)).status_code == 404
        # a stopped service is reported down by the others
        catalog.stop()
        with api.client() as c:
            wait_for(
                lambda: any(
                    s["servicename"] == "catalog" and not s["status"]
                    for s in c.get("/v1/system/services").json()
                )
            )
    finally:
        api.stop()
        catalog.stop()
