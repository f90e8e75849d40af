"""`drydock queue ...` (the Typer app the main CLI mounts) against a real server process."""

from __future__ import annotations

import json

import httpx
import pytest
from typer.testing import CliRunner

from drydock.queue.cli import queue_app
from tests.support.server import ServerProcess

pytestmark = pytest.mark.e2e


def run(server: ServerProcess, *args: str, password: str | None = None):  # type: ignore[no-untyped-def]
    env = {
        "DRYDOCK_URL": server.url,
        "DRYDOCK_USER": "admin",
        "DRYDOCK_PASSWORD": password or server.admin_password,
    }
    return CliRunner().invoke(queue_app, list(args), env=env)


def dead_letters(http: httpx.Client, queue: str, n: int) -> list[int]:
    ids = [
        http.post(f"/v1/queues/{queue}/messages", json={"payload": {"n": i}, "max_attempts": 1}).json()["id"]
        for i in range(n)
    ]
    for m in http.post(f"/v1/queues/{queue}/lease", params={"count": n}).json():
        r = http.post(
            f"/v1/queues/{queue}/messages/{m['id']}/fail",
            json={"receipt": m["receipt"], "error": f"E{m['payload']['n']}"},
        )
        assert r.json()["state"] == "dead"
    return ids


def test_queue_cli(queue_server: ServerProcess, queue: str) -> None:
    with queue_server.client() as http:
        ids = dead_letters(http, queue, 3)
        http.post(f"/v1/queues/{queue}/messages", json={"payload": {"fresh": True}})

    listed = run(queue_server, "list", "--json")
    assert listed.exit_code == 0, listed.output
    assert {"queue": queue, "available": 1, "inflight": 0, "delayed": 0, "dead": 3} in json.loads(
        listed.stdout
    )
    assert queue in run(queue_server, "list").stdout

    shown = run(queue_server, "show", queue, "--state", "dead", "--json")
    assert [m["id"] for m in json.loads(shown.stdout)["messages"]] == ids
    table = run(queue_server, "show", queue, "--state", "dead").stdout
    assert "E0" in table and "1/1" in table

    one = run(queue_server, "retry", queue, str(ids[0]))
    assert one.exit_code == 0 and "revived 1 message(s)" in one.stdout
    rest = run(queue_server, "retry", queue, "--all-dead")
    assert rest.exit_code == 0 and "revived 2 message(s)" in rest.stdout
    dropped = run(queue_server, "drop", queue, str(ids[1]))
    assert dropped.exit_code == 0 and f"dropped message {ids[1]}" in dropped.stdout
    purged = run(queue_server, "purge", queue, "--state", "available")
    assert "deleted 3 message(s)" in purged.stdout
    assert json.loads(run(queue_server, "show", queue, "--json").stdout)["messages"] == []


def test_queue_cli_errors(queue_server: ServerProcess, queue: str) -> None:
    missing = run(queue_server, "drop", queue, "999999999")
    assert missing.exit_code == 1 and "not found" in missing.output
    both = run(queue_server, "retry", queue, "5", "--all-dead")
    assert both.exit_code == 2 and "either a message ID or --all-dead" in both.output
    neither = run(queue_server, "retry", queue)
    assert neither.exit_code == 2
    bad_state = run(queue_server, "show", queue, "--state", "sleeping")
    assert bad_state.exit_code == 1 and "unknown message state" in bad_state.output
    bad_name = run(queue_server, "show", "../accounts")
    assert bad_name.exit_code == 2 and "invalid queue name" in bad_name.output
    denied = run(queue_server, "list", password="wrong")
    assert denied.exit_code == 1 and "401" in denied.output
