"""The real anchore-cli 0.9.3 against ``drydock serve``: ``image vuln`` and the ``query``
commands on an Alpine image matched against imported secdb and GHSA records."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from drydock.core.db import Database
from drydock.feeds.sync import import_paths
from tests.platform.test_e2e_server import anchore_cli, ok
from tests.support.catalog import push_files
from tests.support.naming import unique
from tests.support.paths import SHARED
from tests.support.registry import RunningRegistry
from tests.support.server import ServerProcess, start_server
from tests.vulns.images import image_files, write_secdb

pytestmark = pytest.mark.e2e


@pytest.fixture
def server(fresh_database: str, tmp_path: Path) -> Iterator[ServerProcess]:
    srv = start_server(
        tmp_path,
        fresh_database,
        extra_env={"DRYDOCK_ANALYZER__POLL_SECONDS": "0.2", "DRYDOCK_ANALYZER__LAYER_WORKERS": "1"},
    )
    db = Database(fresh_database)
    try:
        with db.session() as s:
            paths = [write_secdb(tmp_path / "feeds", {"openssl", "musl"}), SHARED / "feeds" / "osv" / "ghsa"]
            assert import_paths(s, paths).ok
    finally:
        db.dispose()
    yield srv
    srv.stop()


def test_image_vuln_and_queries(server: ServerProcess, registry: RunningRegistry) -> None:
    repo = unique("cvuln")
    tag = f"{registry.host}/{repo}:v1"
    digest = push_files(registry, f"{repo}:v1", image_files())
    ok(anchore_cli(server, "image", "add", tag))
    ok(anchore_cli(server, "image", "wait", tag, "--interval", "1", "--timeout", "120"))

    assert "os: available" in ok(anchore_cli(server, "image", "vuln", tag))
    table = ok(anchore_cli(server, "image", "vuln", tag, "os"))
    assert "CVE-2019-1543" in table and "openssl-1.1.1a-r1" in table and "alpine:3.10" in table
    assert "event-stream" not in table
    non_os = ok(anchore_cli(server, "image", "vuln", tag, "non-os"))
    assert "GHSA-mh6f-8j2x-4483" in non_os and "event-stream-3.3.6" in non_os
    all_rows = json.loads(ok(anchore_cli(server, "--json", "image", "vuln", tag, "all")))
    assert all_rows["imageDigest"] == digest
    assert {"CVE-2019-14697", "GHSA-mh6f-8j2x-4483"} <= {r["vuln"] for r in all_rows["vulnerabilities"]}

    by_vuln = ok(
        anchore_cli(server, "query", "images-by-vulnerability", "--vulnerability-id", "CVE-2019-14697")
    )
    assert tag in by_vuln and "musl-1.1.22-r2" in by_vuln and digest in by_vuln
    by_pkg = ok(
        anchore_cli(server, "query", "images-by-package", "--name", "openssl", "--package-type", "APKG")
    )
    assert tag in by_pkg and "openssl-1.1.1a-r1" in by_pkg
    none = ok(anchore_cli(server, "query", "images-by-package", "--name", "no-such-package"))
    assert tag not in none
