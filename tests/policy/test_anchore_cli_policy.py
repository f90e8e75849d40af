"""The real anchore-cli 0.9.3 against `drydock serve`: policy add/list/get/activate/del/
describe and evaluate check (exit 1 on a failing image, 0 on a passing one)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from drydock.policy.spec import default_bundle
from tests.platform.test_e2e_server import anchore_cli, ok
from tests.policy.factory import bundle_doc, rule
from tests.support.catalog import push_files
from tests.support.naming import unique
from tests.support.registry import RunningRegistry
from tests.support.server import ServerProcess, start_server

pytestmark = pytest.mark.e2e


@pytest.fixture
def server(backend: str, fresh_database: str, tmp_path: Path) -> Iterator[ServerProcess]:
    if backend != "sqlite":
        pytest.skip("the server's storage is covered on both backends by test_api; the CLI once is enough")
    srv = start_server(
        tmp_path,
        fresh_database,
        extra_env={"DRYDOCK_ANALYZER__POLL_SECONDS": "0.2", "DRYDOCK_ANALYZER__LAYER_WORKERS": "1"},
    )
    yield srv
    srv.stop()


def test_policy_and_evaluate_with_anchore_cli(
    server: ServerProcess, registry: RunningRegistry, tmp_path: Path
) -> None:
    default_id = default_bundle()["id"]
    listed = ok(anchore_cli(server, "policy", "list"))
    assert default_id in listed and "True" in listed
    described = ok(anchore_cli(server, "policy", "describe"))
    assert "vulnerabilities" in described and "passwd_file" in described
    params = ok(
        anchore_cli(server, "policy", "describe", "--gate", "vulnerabilities", "--trigger", "package")
    )
    assert "package_type" in params and "max_days_since_fix" in params

    bundle = tmp_path / "stop.json"
    bundle.write_text(
        json.dumps({**bundle_doc([rule("always", "always", "STOP")]), "id": "stop-all", "name": "stop-all"})
    )
    added = ok(anchore_cli(server, "policy", "add", str(bundle)))
    assert "Policy ID: stop-all" in added and "Active: False" in added
    got = json.loads(ok(anchore_cli(server, "policy", "get", "stop-all", "--detail")))
    assert got["id"] == "stop-all"
    invalid = tmp_path / "bad.json"
    invalid.write_text(json.dumps({**bundle_doc([rule("nogate", "x")]), "id": "bad"}))
    rejected = anchore_cli(server, "policy", "add", str(invalid))
    assert rejected.returncode != 0 and "Bundle failed validation" in rejected.stdout + rejected.stderr

    repo = unique("policycli")
    tag = f"{registry.host}/{repo}:v1"
    push_files(registry, f"{repo}:v1")
    ok(anchore_cli(server, "image", "add", tag))
    ok(anchore_cli(server, "image", "wait", tag, "--interval", "1", "--timeout", "120"))

    passing = anchore_cli(server, "evaluate", "check", tag, "--detail")
    assert passing.returncode == 0, passing.stdout + passing.stderr
    assert "Status: pass" in passing.stdout and "Final Action: warn" in passing.stdout
    assert "HEALTHCHECK" in passing.stdout and f"Policy ID: {default_id}" in passing.stdout

    assert "stop-all activated" in ok(anchore_cli(server, "policy", "activate", "stop-all"))
    failing = anchore_cli(server, "evaluate", "check", tag, "--detail")
    assert failing.returncode == 1, failing.stdout + failing.stderr
    assert (
        "Status: fail" in failing.stdout
        and "always" in failing.stdout
        and "Final Action: stop" in failing.stdout
    )
    history = anchore_cli(server, "evaluate", "check", tag, "--show-history")
    assert history.stdout.count("Status:") == 2

    assert anchore_cli(server, "policy", "del", "stop-all").returncode != 0  # active
    ok(anchore_cli(server, "policy", "activate", default_id))
    ok(anchore_cli(server, "policy", "del", "stop-all"))
    assert "stop-all" not in ok(anchore_cli(server, "policy", "list"))
