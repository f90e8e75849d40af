"""``drydock scan --policy`` with a packages:verify rule computes the digests the package
databases use (and only then), so a tampered apk file stops the build locally too."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from drydock.policy.gates.pkgverify import bundle_verifies_packages
from tests.policy.factory import bundle_doc, rule
from tests.policy.pkgimages import apk_layer, messages
from tests.policy.test_scan_cli import app
from tests.support.images import build_image, write_docker_archive


def test_scan_verify_stops_on_a_tampered_file(tmp_path: Path) -> None:
    later = {"usr/bin/demo-helper": b"\x7fELF trojan"}
    archive = tmp_path / "image.tar"
    write_docker_archive(archive, [(["verify:1"], build_image([apk_layer(), later]))])
    bundle = tmp_path / "bundle.json"
    bundle.write_text(json.dumps(bundle_doc([rule("packages", "verify", "STOP")])))
    result = CliRunner().invoke(
        app,
        [
            "scan",
            f"docker-archive:{archive}",
            "--policy",
            str(bundle),
            "--json",
            "--database-url",
            f"sqlite:///{tmp_path / 'none.db'}",
        ],
    )
    doc = json.loads(result.output)
    rows = doc["result"][doc["image_id"]]["result"]["rows"]
    assert result.exit_code == 1 and doc["final_action"] == "stop"
    assert [row[5] for row in rows] == messages("demo-tool", ("/usr/bin/demo-helper", "changed"))
    assert doc["evaluation_problems"] == []


def test_bundle_verifies_packages() -> None:
    assert bundle_verifies_packages(bundle_doc([rule("always", "always"), rule("packages", "verify")]))
    assert not bundle_verifies_packages(bundle_doc([rule("packages", "blacklist", name="x")]))
    assert not bundle_verifies_packages({"policies": "nonsense"})
