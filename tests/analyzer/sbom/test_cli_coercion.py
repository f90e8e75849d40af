"""``drydock.cli.coercion``: plain parameters coerced as typer does, without pydantic."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Annotated, Any

import pytest
import typer
from typer.core import TyperGroup
from typer.testing import CliRunner

from drydock.cli.coercion import without_pydantic


class PatchedGroup(TyperGroup):
    """As ``drydock.cli.main.LazyGroup`` does: subcommands and the group's --help patched."""

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        return without_pydantic(super().get_command(ctx, cmd_name), ctx)

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        without_pydantic(self, ctx)
        result: list[str] = super().parse_args(ctx, args)
        return result


def probe_app(patched: bool) -> tuple[typer.Typer, list[tuple[Any, ...]]]:
    seen: list[tuple[Any, ...]] = []
    app = typer.Typer(cls=PatchedGroup) if patched else typer.Typer()

    @app.callback()
    def main() -> None:
        """Group form, as drydock's."""

    @app.command()
    def probe(
        name: str,
        tag: Annotated[list[str] | None, typer.Option("-t")] = None,
        path: Annotated[Path | None, typer.Option(exists=True)] = None,
        loud: Annotated[bool, typer.Option("--loud", envvar="PROBE_LOUD")] = False,
    ) -> None:
        seen.append((name, tag, path, loud))

    return app, seen


@pytest.mark.parametrize(
    ("args", "env"),
    [
        (["a", "-t", "1", "-t", "2", "--path", "."], {}),
        (["a", "--loud"], {}),
        (["a"], {"PROBE_LOUD": "yes"}),
        (["a", "--path", "/no/such/path"], {}),
    ],
)
def test_same_values_and_errors_as_typer(args: list[str], env: dict[str, str]) -> None:
    outcomes = []
    for patched in (False, True):
        app, seen = probe_app(patched)
        result = CliRunner().invoke(app, ["probe", *args], env=env)
        outcomes.append((result.exit_code, result.output, seen))
    assert outcomes[0] == outcomes[1]
    assert outcomes[1][0] in (0, 2)


def test_patched_parameters_are_typed(tmp_path: Path) -> None:
    app, seen = probe_app(True)
    result = CliRunner().invoke(app, ["probe", "a", "-t", "1", "--path", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert seen == [("a", ["1"], tmp_path, False)]
    assert type(seen[0][2]) is type(tmp_path)


def test_drydock_sbom_runs_without_importing_pydantic(tmp_path: Path) -> None:
    """The start-up cost this module exists for: a real ``drydock sbom`` with a list, a path
    and a string option never imports pydantic (nor rich, in a pipe: ``terminal_console``)."""
    root = tmp_path / "root"
    (root / "etc").mkdir(parents=True)
    (root / "etc/os-release").write_text('ID=debian\nVERSION_ID="12"\n')
    out = tmp_path / "sbom.json"
    probe = (
        "import sys\n"
        "from drydock.cli.main import app\n"
        f"args = ['sbom', 'dir:{root}', '-o', 'cyclonedx-json', '--file', '{out}', '--platform', 'linux/arm64']\n"
        "try:\n"
        "    app(args, prog_name='drydock')\n"
        "except SystemExit as exc:\n"
        "    assert not exc.code, exc.code\n"
        "print(sorted(m for m in sys.modules if m.startswith(('pydantic', 'rich'))))\n"
    )
    run = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert run.stdout.strip() == "[]"
    assert json.loads(out.read_text())["bomFormat"] == "CycloneDX"
