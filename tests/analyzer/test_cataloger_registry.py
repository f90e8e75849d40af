"""The cataloger tables in ``catalogers/base.py`` against the modules themselves.

The tables let an analysis import a cataloger's module only when the squashed tree has a file
it reads; they must name every registered cataloger and scanner, with the module that
registers it and the patterns its class declares, or a cataloger would silently not run."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from drydock.analyzer.catalogers import base
from drydock.analyzer.catalogers.base import CatalogContext, DeferredCataloger
from drydock.analyzer.filetree import DirectoryResolver

PREFIX = "drydock.analyzer.catalogers."


def test_tables_match_the_registered_classes() -> None:
    base.import_all()
    catalogers = dict(base._CATALOGERS)
    assert sorted(row[0] for row in base.CATALOGER_TABLE) == sorted(catalogers)
    for name, module, patterns in base.CATALOGER_TABLE:
        cls = catalogers[name]
        assert cls.__module__ == PREFIX + module, name
        assert patterns is None or patterns == tuple(cls.patterns), name
    assert {name: PREFIX + module for name, module in base.SCANNER_TABLE} == {
        name: cls.__module__ for name, cls in base._SCANNERS.items()
    }


def test_a_deferred_cataloger_finds_nothing_in_a_tree_without_its_files(tmp_path: Path) -> None:
    """What a deferred cataloger answers without importing its module (no file matches its
    patterns) is what the cataloger itself answers on such a tree."""
    (tmp_path / "etc").mkdir()
    (tmp_path / "etc/hostname").write_text("box\n")
    resolver = DirectoryResolver(tmp_path)
    base.import_all()
    for cataloger in base.all_catalogers():
        if isinstance(cataloger, DeferredCataloger):
            real = base._CATALOGERS[cataloger.name]().catalog(resolver, CatalogContext())
            assert (real.packages, real.relationships, real.warnings) == ([], [], []), cataloger.name
            assert cataloger.catalog(resolver, CatalogContext()).packages == []


@pytest.mark.parametrize(("files", "expected"), [({}, False), ({"app/Cargo.lock": ""}, True)])
def test_a_module_is_imported_when_its_files_exist(
    tmp_path: Path, files: dict[str, str], expected: bool
) -> None:
    for rel, text in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text)
    probe = (
        "import sys\n"
        "from drydock.analyzer.analyze import analyze\n"
        "from drydock.analyzer.config import AnalyzerConfig\n"
        f"analyze('dir:{tmp_path}', AnalyzerConfig(workers=1))\n"
        "print(f'{PREFIX}rust.cargo_lock' in sys.modules, f'{PREFIX}python.installed' in sys.modules)\n"
    ).replace("{PREFIX}", PREFIX)
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.split() == [str(expected), "False"]
