"""The real anchore-cli against a real server: `system feeds list`, `system wait --feedsready`,
`system feeds sync` and `config`, with feeds synced from a configured local directory."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.paths import REPO
from tests.support.server import ADMIN_PASSWORD, ServerProcess, start_server

from .conftest import FEEDS

pytestmark = pytest.mark.e2e
ANCHORE_CLI = Path(os.environ.get("DRYDOCK_ANCHORECLI", REPO / ".venv-anchorecli" / "bin" / "anchore-cli"))


@pytest.fixture
def server(fresh_database: str, tmp_path: Path) -> Iterator[ServerProcess]:
    env = {
        "DRYDOCK_FEEDS__LOCAL_SOURCE": str(FEEDS / "alpine-secdb" / "v3.8"),
        "DRYDOCK_FEEDS__CHECK_INTERVAL_SECONDS": "1",
    }
    srv = start_server(tmp_path, fresh_database, extra_env=env)
    yield srv
    srv.stop()


def cli(server: ServerProcess, *args: str, answer: str = "") -> str:
    if not ANCHORE_CLI.exists():
        pytest.skip(f"anchore-cli not installed at {ANCHORE_CLI}; run scripts/test once")
    env = {
        "PATH": os.environ.get("PATH", ""),
        "ANCHORE_CLI_URL": f"{server.url}/v1",
        "ANCHORE_CLI_USER": "admin",
        "ANCHORE_CLI_PASS": ADMIN_PASSWORD,
        "HOME": str(server.log_path.parent),
    }
    result = subprocess.run([str(ANCHORE_CLI), *args], check=False, env=env, input=answer, capture_output=True, text=True, timeout=90)
    assert result.returncode == 0, f"{args}: rc={result.returncode}\n{result.stdout}\n{result.stderr}\n{server.log()[-3000:]}"
    return result.stdout


def test_anchore_cli_feeds(server: ServerProcess) -> None:
    cli(server, "system", "wait", "--timeout", "60", "--interval", "1", "--feedsready", "vulnerabilities")
    listing = cli(server, "system", "feeds", "list")
    assert "vulnerabilities" in listing and "alpine:3.8" in listing and "1508" in listing
    synced = cli(server, "system", "feeds", "sync", "--flush", answer="y\n")
    assert "alpine:3.8" in synced and "success" in synced and "1508" in synced
    disabled = cli(server, "system", "feeds", "config", "vulnerabilities", "--group", "alpine:3.8", "--disable")
    assert "alpine:3.8(disabled)" in disabled
    cli(server, "system", "feeds", "config", "vulnerabilities", "--disable")
    assert "vulnerabilities(disabled)" in cli(server, "system", "feeds", "list")
    cli(server, "system", "feeds", "config", "vulnerabilities", "--enable")
    cli(server, "system", "feeds", "delete", "vulnerabilities", "--group", "alpine:3.8")
    assert "alpine:3.8" not in cli(server, "system", "feeds", "list")
