"""``drydock feeds`` commands against the database."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from drydock.feeds.cli import feeds_app

from .conftest import FEEDS

runner = CliRunner()


def test_import_export_verify_list(database_url: str, tmp_path: Path) -> None:
    db = ["--database-url", database_url]
    r = runner.invoke(feeds_app, ["import", str(FEEDS / "raw" / "kev-small"), "--flush", *db])
    assert r.exit_code == 0, r.output
    assert "2 records written" in r.output
    bundle = tmp_path / "kev.tar.gz"
    r = runner.invoke(feeds_app, ["export", str(bundle), "--group", "kev:catalog", *db])
    assert r.exit_code == 0 and "1 groups" in r.output, r.output
    assert "OK" in runner.invoke(feeds_app, ["verify", str(bundle)]).output
    bundle.write_bytes(bundle.read_bytes()[:-40])
    bad = runner.invoke(feeds_app, ["verify", str(bundle)])
    assert bad.exit_code == 1
    listing = runner.invoke(feeds_app, ["list", *db])
    assert "kev:catalog" in listing.output
    assert runner.invoke(feeds_app, ["import", str(FEEDS / "kev"), "--driver", "nope", *db]).exit_code == 2
    assert "osv" in runner.invoke(feeds_app, ["drivers"]).output
