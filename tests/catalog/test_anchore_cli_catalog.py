"""The real anchore-cli 0.9.3 against `drydock serve` and a real registry: image, repo,
registry, subscription and event commands, plain and --json."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.platform.test_e2e_server import anchore_cli, ok
from tests.support.catalog import push_files
from tests.support.naming import unique
from tests.support.registry import RunningRegistry
from tests.support.server import ServerProcess, start_server

pytestmark = pytest.mark.e2e


@pytest.fixture
def server(fresh_database: str, tmp_path: Path) -> Iterator[ServerProcess]:
    srv = start_server(
        tmp_path,
        fresh_database,
        extra_env={"DRYDOCK_ANALYZER__POLL_SECONDS": "0.2", "DRYDOCK_ANALYZER__LAYER_WORKERS": "1"},
    )
    yield srv
    srv.stop()


def test_images_with_anchore_cli(server: ServerProcess, registry: RunningRegistry) -> None:
    repo = unique("cli")
    tag = f"{registry.host}/{repo}:v1"
    digest = push_files(registry, f"{repo}:v1")
    out = ok(anchore_cli(server, "image", "add", tag))
    assert "Image Digest: " + digest in out and "Analysis Status: not_analyzed" in out
    waited = ok(anchore_cli(server, "image", "wait", tag, "--interval", "1", "--timeout", "120"))
    assert "analyzed" in waited
    listed = ok(anchore_cli(server, "image", "list"))
    assert tag in listed and "analyzed" in listed
    got = json.loads(ok(anchore_cli(server, "--json", "image", "get", tag)))
    assert got[0]["imageDigest"] == digest and got[0]["analysis_status"] == "analyzed"
    content = ok(anchore_cli(server, "image", "content", tag, "os"))
    assert "libpam-runtime" in content and "1.1.8-3.6" in content
    assert "/var/lib/dpkg/status" in ok(anchore_cli(server, "image", "content", tag, "files"))
    assert "manifest" in ok(anchore_cli(server, "image", "metadata", tag))
    assert "schemaVersion" in ok(anchore_cli(server, "image", "metadata", tag, "manifest"))
    by_digest = json.loads(ok(anchore_cli(server, "--json", "image", "get", digest)))
    assert by_digest[0]["imageDigest"] == digest

    subs = ok(anchore_cli(server, "subscription", "list"))
    assert "analysis_update" in subs and tag in subs
    ok(anchore_cli(server, "subscription", "activate", "vuln_update", tag))
    active = json.loads(ok(anchore_cli(server, "--json", "subscription", "list")))
    assert any(s["subscription_type"] == "vuln_update" and s["active"] for s in active)
    ok(anchore_cli(server, "subscription", "deactivate", "vuln_update", tag))
    ok(anchore_cli(server, "subscription", "deactivate", "tag_update", tag))

    events = ok(anchore_cli(server, "event", "list"))
    assert "user.image.analysis.completed" in events
    event_list = json.loads(ok(anchore_cli(server, "--json", "event", "list")))
    event_id = event_list["results"][0]["generated_uuid"]
    assert "type: user.image" in ok(anchore_cli(server, "event", "get", event_id))
    ok(anchore_cli(server, "event", "delete", event_id))

    ok(anchore_cli(server, "image", "del", tag, "--force"))
    missing = anchore_cli(server, "image", "get", "sha256:" + "0" * 64)
    assert missing.returncode != 0


def test_repo_and_registry_with_anchore_cli(server: ServerProcess, auth_registry: RunningRegistry) -> None:
    host = auth_registry.host
    bad = anchore_cli(server, "registry", "add", host, "tester", "wrongpw", "--insecure")
    assert bad.returncode != 0 and "406" in bad.stdout + bad.stderr
    ok(anchore_cli(server, "registry", "add", host, "tester", "secret", "--insecure"))
    assert host in ok(anchore_cli(server, "registry", "list"))
    assert (
        json.loads(ok(anchore_cli(server, "--json", "registry", "get", host)))[0]["registry_user"] == "tester"
    )
    ok(anchore_cli(server, "registry", "update", host, "tester", "secret", "--insecure"))

    repo = unique("repo")
    for t in ("a", "b"):
        push_files(auth_registry, f"{repo}:{t}", {f"etc/{t}": t.encode()})
    key = f"{host}/{repo}"
    added = ok(anchore_cli(server, "repo", "add", key))
    assert key in added
    assert key in ok(anchore_cli(server, "repo", "list"))
    assert key in ok(anchore_cli(server, "repo", "get", key))
    ok(anchore_cli(server, "repo", "unwatch", key))
    ok(anchore_cli(server, "repo", "watch", key))
    ok(anchore_cli(server, "repo", "del", key))
    assert key not in ok(anchore_cli(server, "repo", "list"))
    images = json.loads(ok(anchore_cli(server, "--json", "image", "list")))
    assert {d["tag"] for i in images for d in i["image_detail"]} >= {"a", "b"}
    ok(anchore_cli(server, "registry", "del", host))
    assert host not in ok(anchore_cli(server, "registry", "list"))
