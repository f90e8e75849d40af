"""``drydock feeds`` commands against the database."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from drydock.feeds.cli import feeds_app

from .conftest import FEEDS, REPO

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


def test_first_command_on_a_fresh_install_creates_the_store(tmp_path: Path) -> None:
    """No `drydock serve` or `db upgrade` before: the data directory and schema are made."""
    env = {**os.environ, "DRYDOCK_DATA_DIR": str(tmp_path / "data")}
    env.pop("DRYDOCK_DATABASE_URL", None)
    packuments = REPO / "tests" / "feeds" / "data" / "npm-registry"
    imported = subprocess.run(
        [sys.executable, "-m", "drydock.cli.main", "feeds", "import", str(packuments)],
        check=False, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert imported.returncode == 0, imported.stderr
    listed = subprocess.run(
        [sys.executable, "-m", "drydock.cli.main", "feeds", "list"],
        check=False, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert listed.returncode == 0 and "npm" in listed.stdout, listed.stdout + listed.stderr
    assert (tmp_path / "data" / "drydock.db").is_file()
