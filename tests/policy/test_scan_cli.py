"""``drydock scan --policy``: local analysis + evaluation, exit codes for CI."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from typer.testing import CliRunner

from drydock.cli.scan import register
from drydock.core import migrate
from tests.policy.factory import bundle_doc, rule
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


def test_scan_rejects_invalid_bundle(tmp_path: Path) -> None:
    code, out = run(tmp_path, [rule("nogate", "x")])
    assert code == 2 and "unknown gate 'nogate'" in out
