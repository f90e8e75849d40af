"""``drydock scan --policy``: local analysis + evaluation, exit codes for CI."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from typer.testing import CliRunner

from drydock.cli.scan import register
from drydock.core import migrate
from drydock.core.db import Database
from drydock.feeds import store
from drydock.feeds.drivers import get_driver
from tests.policy.factory import DEBIAN_FEED, bundle_doc, rule
from tests.support.catalog import DPKG_ROOT

app = typer.Typer()
register(app)
app.command("noop", hidden=True)(lambda: None)  # a second command keeps `scan` a subcommand


def run(tmp_path: Path, rules: list[dict], *extra: str, db: str | None = None) -> tuple[int, str]:
    bundle = tmp_path / "bundle.json"
    bundle.write_text(json.dumps(bundle_doc(rules)))
    url = db or f"sqlite:///{tmp_path / 'none.db'}"
    result = CliRunner().invoke(
        app, ["scan", f"dir:{DPKG_ROOT}", "--policy", str(bundle), "--database-url", url, *extra]
    )
    return result.exit_code, result.output


def test_scan_stop_and_go(tmp_path: Path) -> None:
    code, out = run(tmp_path, [rule("packages", "blacklist", "STOP", name="libpam-runtime")])
    assert code == 1 and "Package is blacklisted: libpam-runtime" in out and "Final action: stop" in out
    code, out = run(tmp_path, [rule("packages", "blacklist", "STOP", name="not-installed")])
    assert code == 0 and "Final action: go" in out


def test_scan_json_and_feed_store(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'feeds.db'}"
    migrate.upgrade(url)  # a store with no feed data yet
    code, out = run(
        tmp_path, [rule("vulnerabilities", "vulnerability_data_unavailable", "WARN")], "--json", db=url
    )
    doc = json.loads(out)
    assert code == 0 and doc["final_action"] == "warn"
    assert doc["result"][doc["image_id"]]["result"]["rows"][0][5].startswith(
        "Feed data unavailable, cannot perform CVE scan for distro: debian"
    )


CHROMIUM_STATUS = b"""Package: chromium
Status: install ok installed
Architecture: amd64
Version: 97.0.4692.99-1
Description: browser
"""
DEBIAN_12 = b'ID=debian\nVERSION_ID="12"\nPRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\n'


def test_scan_matches_against_the_local_feed_store(tmp_path: Path) -> None:
    root = tmp_path / "rootfs"
    (root / "var/lib/dpkg").mkdir(parents=True)
    (root / "etc").mkdir()
    (root / "var/lib/dpkg/status").write_bytes(CHROMIUM_STATUS)
    (root / "etc/os-release").write_bytes(DEBIAN_12)
    url = f"sqlite:///{tmp_path / 'feeds.db'}"
    migrate.upgrade(url)
    db = Database(url)
    with db.session() as session:
        for data in store.partition(get_driver("debian").parse(DEBIAN_FEED), "debian").values():
            store.replace_group(session, data)
    db.dispose()
    bundle = tmp_path / "bundle.json"
    bundle.write_text(
        json.dumps(bundle_doc([rule("vulnerabilities", "package", package_type="os", fix_available="true")]))
    )
    result = CliRunner().invoke(
        app, ["scan", f"dir:{root}", "--policy", str(bundle), "--database-url", url, "--json"]
    )
    doc = json.loads(result.output)
    assert result.exit_code == 1 and doc["final_action"] == "stop"
    assert "CVE-2022-0456+chromium" in {row[2] for row in doc["result"][doc["image_id"]]["result"]["rows"]}


def test_scan_rejects_invalid_bundle(tmp_path: Path) -> None:
    code, out = run(tmp_path, [rule("nogate", "x")])
    assert code == 2 and "unknown gate 'nogate'" in out
