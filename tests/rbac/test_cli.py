"""`drydock roles ...` against a real server process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.support.server import ADMIN_PASSWORD, start_server

pytestmark = pytest.mark.e2e


def drydock(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DRYDOCK_URL": url, "DRYDOCK_USER": "admin", "DRYDOCK_PASSWORD": ADMIN_PASSWORD}
    return subprocess.run(
        [sys.executable, "-m", "drydock", "roles", *args], env=env, capture_output=True, text=True, timeout=60
    )


def test_roles_cli(fresh_database: str, tmp_path: Path) -> None:
    srv = start_server(tmp_path, fresh_database, extra_env={"DRYDOCK_RBAC__DEFAULT_USER_ROLE": ""})
    try:
        with srv.client() as c:
            assert c.post("/v1/accounts", json={"name": "teamx"}).status_code == 200
            assert (
                c.post(
                    "/v1/accounts/teamx/users", json={"username": "carol", "password": "carolpw1"}
                ).status_code
                == 200
            )
        listed = drydock(srv.url, "list", "--json")
        assert listed.returncode == 0, listed.stderr
        assert "image-analyzer" in {r["name"] for r in json.loads(listed.stdout)}
        assert "listImages" in drydock(srv.url, "get", "read-only").stdout
        added = drydock(srv.url, "add-member", "image-analyzer", "carol", "--account", "teamx")
        assert added.returncode == 0 and "granted image-analyzer to carol in account teamx" in added.stdout
        members = json.loads(
            drydock(srv.url, "members", "image-analyzer", "--account", "teamx", "--json").stdout
        )
        assert [m["username"] for m in members] == ["carol"]
        assert (
            httpx.get(f"{srv.url}/v1/my_roles", auth=("carol", "carolpw1")).json()[0]["role"]
            == "image-analyzer"
        )
        missing = drydock(srv.url, "add-member", "no-such-role", "carol", "--account", "teamx")
        assert missing.returncode == 1 and "Role no-such-role not found" in missing.stderr
        assert (
            drydock(srv.url, "remove-member", "image-analyzer", "carol", "--account", "teamx").returncode == 0
        )
        assert json.loads(drydock(srv.url, "user", "carol", "--json").stdout) == []
    finally:
        srv.stop()
