"""``drydock sbom``: output selection, files, quiet failure, and a real run on a ``dir:`` source."""

from __future__ import annotations

import gc
import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import typer
from tests.analyzer.sbom.sbom_corpus import PKGDB, realistic_analysis
from typer.testing import CliRunner

from drydock.analyzer.model import ImageAnalysis
from drydock.analyzer.sbom import UnknownFormat
from drydock.cli import sbom as sbom_cli
from drydock.cli.sbom import (
    OutputTarget,
    parse_outputs,
    register,
    render_without_collections,
    terminal_console,
)


def make_app() -> typer.Typer:
    app = typer.Typer()
    register(app)

    @app.callback()
    def main() -> None:
        """Forces the group form, so the command is invoked as ``sbom`` like in drydock."""

    return app


@pytest.fixture
def fake_analysis(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str, bool]]:
    calls: list[tuple[str, str, bool]] = []

    def run(source: str, platform: str, insecure: bool, progress: object, config: object) -> ImageAnalysis:
        calls.append((source, platform, insecure))
        return realistic_analysis()

    monkeypatch.setattr(sbom_cli, "run_analysis", run)
    return calls


def test_parse_outputs(tmp_path: Path) -> None:
    assert parse_outputs([], None) == [OutputTarget("table", None)]
    out = tmp_path / "a.json"
    assert parse_outputs(["cyclonedx", f"spdx-json={out}"], None) == [
        OutputTarget("cyclonedx-json", None),
        OutputTarget("spdx-json", out),
    ]
    assert parse_outputs(["json"], out) == [OutputTarget("json", out)]
    with pytest.raises(ValueError, match="only one output may go to stdout"):
        parse_outputs(["json", "table"], None)
    with pytest.raises(ValueError, match="names no file"):
        parse_outputs(["json="], None)
    with pytest.raises(ValueError, match="--file needs"):
        parse_outputs([f"json={out}"], tmp_path / "b")
    with pytest.raises(UnknownFormat):
        parse_outputs(["xml"], None)


PLATFORM_MODULES = (
    "sqlalchemy",
    "pydantic_settings",
    "drydock.feeds",
    "drydock.queue",
    "drydock.core.config",
)


def test_the_sbom_command_loads_no_platform_module() -> None:
    """``drydock sbom`` is a local tool: the database, settings and service clients that the
    other subcommands need are imported only by those subcommands."""
    probe = (
        "import sys\n"
        "from typer.testing import CliRunner\n"
        "from drydock.cli.main import app\n"
        "result = CliRunner().invoke(app, ['sbom', '--help'])\n"
        "assert result.exit_code == 0 and 'docker-archive' in result.output, result.output\n"
        f"print(sorted(m for m in sys.modules if m.startswith({PLATFORM_MODULES!r})))\n"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
    listing = subprocess.run(
        [sys.executable, "-m", "drydock", "--help"], capture_output=True, text=True, check=True
    ).stdout
    for command in ("serve", "db", "roles", "queue", "feeds", "sbom", "scan"):
        assert f" {command} " in listing


def test_files_are_digested_only_for_a_format_that_prints_them() -> None:
    def digests(*formats: str) -> tuple[str, ...]:
        config = sbom_cli.analyzer_config([OutputTarget(f, None) for f in formats])
        assert (config.secret_regexes, config.retrieve_files) == ({}, ())
        return config.digest_algorithms

    assert digests("table") == digests("cyclonedx-json", "spdx-json") == ()
    assert digests("spdx-json", "json") == ("sha256",)


def test_document_on_stdout_and_others_in_files(fake_analysis: list, tmp_path: Path) -> None:
    spdx_path = tmp_path / "sbom.spdx.json"
    result = CliRunner().invoke(
        make_app(),
        [
            "sbom",
            "registry.example/app:1",
            "-o",
            "cyclonedx-json",
            "-o",
            f"spdx-json={spdx_path}",
            "--platform",
            "linux/arm64",
            "--insecure",
        ],
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["bomFormat"] == "CycloneDX"
    assert json.loads(spdx_path.read_text())["spdxVersion"] == "SPDX-2.3"
    assert result.stderr == ""
    assert len(result.stdout.splitlines()) == 1  # compact JSON: no person reads a pipe
    assert fake_analysis == [("registry.example/app:1", "linux/arm64", True)]


def test_file_option_and_plain_table(fake_analysis: list, tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    result = CliRunner().invoke(make_app(), ["sbom", "dir:/x", "-o", "json", "--file", str(target)])
    assert result.exit_code == 0 and result.stdout == ""
    assert len(json.loads(target.read_text())["artifacts"]) == len(realistic_analysis().packages)
    assert len(target.read_text().splitlines()) == 1
    result = CliRunner().invoke(make_app(), ["sbom", "dir:/x"])
    assert result.stdout.splitlines()[0].split() == ["NAME", "VERSION", "TYPE"]


def test_failure_is_one_line_and_exit_1(monkeypatch: pytest.MonkeyPatch) -> None:
    from drydock.analyzer.sources import SourceError

    def fail(*_: object) -> ImageAnalysis:
        raise SourceError("docker-archive:/nope.tar: no such file\n(check the path)")

    monkeypatch.setattr(sbom_cli, "run_analysis", fail)
    result = CliRunner().invoke(make_app(), ["sbom", "docker-archive:/nope.tar"])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == "error: docker-archive:/nope.tar: no such file (check the path)\n"


def test_unwritable_output_file_is_an_error(fake_analysis: list, tmp_path: Path) -> None:
    result = CliRunner().invoke(
        make_app(), ["sbom", "dir:/x", "-o", f"json={tmp_path / 'missing' / 'x.json'}"]
    )
    assert result.exit_code == 1
    assert result.stderr.startswith("error: ") and len(result.stderr.splitlines()) == 1


@pytest.mark.parametrize(
    "args",
    [["-o", "cyclonedx-xml"], ["--scope", "all-layers"], ["-o", "json", "-o", "table"]],
)
def test_usage_errors_exit_2(fake_analysis: list, args: list[str]) -> None:
    result = CliRunner().invoke(make_app(), ["sbom", "dir:/x", *args])
    assert result.exit_code == 2
    assert fake_analysis == []


def pipeline_ready() -> bool:
    try:
        from drydock.analyzer.analyze import analyze  # noqa: F401
        from drydock.analyzer.cpe import generate_cpes  # noqa: F401 - the pipeline calls it
    except ImportError:
        return False
    return True


@pytest.mark.skipif(
    not pipeline_ready(), reason="the analysis pipeline (drydock.analyzer.analyze/cpe) has not landed"
)
def test_real_run_on_a_directory(tmp_path: Path) -> None:
    from cyclonedx.schema import SchemaVersion
    from cyclonedx.validation.json import JsonStrictValidator

    root = tmp_path / "rootfs"
    shutil.copytree(PKGDB / "dpkg" / "image-dpkg", root, ignore=shutil.ignore_patterns("expected.json"))
    cdx = tmp_path / "bom.cdx.json"
    result = CliRunner().invoke(
        make_app(), ["sbom", f"dir:{root}", "-o", "table", "-o", f"cyclonedx-json={cdx}"]
    )
    assert result.exit_code == 0, result.output
    assert any(
        line.split()[:3] == ["libpam-runtime", "1.1.8-3.6", "deb"] for line in result.stdout.splitlines()
    )
    assert JsonStrictValidator(SchemaVersion.V1_6).validate_str(cdx.read_text()) is None


@pytest.fixture(scope="module")
def archive_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], Path, Any]:
    """One real ``drydock sbom`` run on a docker-archive: native JSON on stdout, SPDX in a file."""
    if not pipeline_ready():
        pytest.skip("the analysis pipeline (drydock.analyzer.analyze/cpe) has not landed")
    from tests.support.images import build_image, write_docker_archive

    tmp_path = tmp_path_factory.mktemp("archive")
    image = build_image([PKGDB / "dpkg" / "image-dpkg", {"app/readme": b"hello"}])
    archive = write_docker_archive(tmp_path / "img.tar", [(["demo:1"], image)])
    spdx_path = tmp_path / "sbom.spdx.json"
    result = CliRunner().invoke(
        make_app(), ["sbom", f"docker-archive:{archive}", "-o", "json", "-o", f"spdx={spdx_path}"]
    )
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout), spdx_path, image


def test_real_run_on_a_docker_archive(archive_run: tuple[dict[str, Any], Path, Any]) -> None:
    from spdx_tools.spdx.parser.json import json_parser
    from spdx_tools.spdx.validation.document_validator import validate_full_spdx_document

    doc, spdx_path, image = archive_run
    assert doc["source"]["type"] == "image"
    assert doc["source"]["version"] == doc["source"]["metadata"]["manifestDigest"]
    assert doc["source"]["metadata"]["imageID"] == image.config_digest
    assert doc["source"]["metadata"]["tags"] == ["docker.io/demo:1"]
    assert [a["name"] for a in doc["artifacts"]] == ["libpam-runtime"]
    (readme,) = [f for f in doc["files"] if f["location"]["path"] == "/app/readme"]
    assert readme["digests"] == [{"algorithm": "sha256", "value": hashlib.sha256(b"hello").hexdigest()}]
    messages = validate_full_spdx_document(json_parser.parse_from_file(str(spdx_path)))
    assert [m.validation_message for m in messages] == []


def test_package_locations_name_their_layer(archive_run: tuple[dict[str, Any], Path, Any]) -> None:
    doc, _, image = archive_run
    (pam,) = doc["artifacts"]
    assert {loc.get("layerID") for loc in pam["locations"]} <= {layer.diff_id for layer in image.layers}


def test_rendering_runs_without_cycle_collections_and_turns_them_back_on() -> None:
    seen: list[bool] = []
    render_without_collections(lambda: seen.append(gc.isenabled()))
    assert seen == [False] and gc.isenabled()

    def broken() -> None:
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        render_without_collections(broken)
    assert gc.isenabled()


def test_terminal_console_answers_as_rich_does(monkeypatch: pytest.MonkeyPatch) -> None:
    """Captured output is no terminal; the variables that make rich call it one still do."""
    for name in ("FORCE_COLOR", "TTY_COMPATIBLE"):
        monkeypatch.delenv(name, raising=False)
    assert terminal_console() is None and terminal_console(stderr=True) is None
    monkeypatch.setenv("FORCE_COLOR", "1")
    console = terminal_console(stderr=True)
    assert console is not None and console.is_terminal and console.stderr
    monkeypatch.setenv("TTY_COMPATIBLE", "0")
    assert terminal_console() is None
