"""Installed-distribution dependency edges follow what each interpreter can import: a real
``python -m venv`` environment sees the system site-packages only when created with them."""

from __future__ import annotations

import sys
import venv
from pathlib import Path

import pytest

from drydock.analyzer.catalogers.python.installed import PythonInstalledCataloger
from drydock.analyzer.catalogers.python.venv import parse_pyvenv_cfg, site_groups

from .fixture_support import run

PY = f"python{sys.version_info.major}.{sys.version_info.minor}"


def _dist(site: Path, name: str, version: str, *requires: str) -> None:
    info = site / f"{name}-{version}.dist-info"
    info.mkdir(parents=True)
    lines = ["Metadata-Version: 2.1", f"Name: {name}", f"Version: {version}"]
    lines += [f"Requires-Dist: {r}" for r in requires]
    (info / "METADATA").write_text("\n".join(lines) + "\n\n")


def _edges(root: Path) -> set[tuple[str, str]]:
    result = run([PythonInstalledCataloger()], root)
    assert not result.warnings
    where = {p.id: f"{p.name}@{p.version}" for p in result.packages}
    return {(where[r.from_id], where[r.to_id]) for r in result.relationships}


def _layout(root: Path, system_site_packages: bool) -> None:
    env = root / "app" / "venv"
    venv.create(env, system_site_packages=system_site_packages, with_pip=False, symlinks=True)
    own = env / "lib" / PY / "site-packages"
    _dist(own, "webapp", "1.0", "requests (>=2)", "six; python_version >= '3'")
    _dist(own, "six", "1.16.0")
    system = root / "usr" / "lib" / PY / "site-packages"
    _dist(system, "requests", "2.31.0", "urllib3<3,>=1.21.1")
    _dist(system, "urllib3", "2.0.7")
    _dist(system, "six", "1.15.0")


@pytest.mark.parametrize("include_system", [True, False])
def test_venv_packages_resolve_against_what_the_venv_sees(tmp_path: Path, include_system: bool) -> None:
    _layout(tmp_path, include_system)
    cfg = parse_pyvenv_cfg((tmp_path / "app/venv/pyvenv.cfg").read_text(), "/app/venv/pyvenv.cfg")
    assert cfg.include_system_site_packages is include_system
    assert cfg.major_minor() == PY.removeprefix("python")
    expected = {("urllib3@2.0.7", "requests@2.31.0"), ("six@1.16.0", "webapp@1.0")}
    if include_system:  # the venv's own six shadows the system one
        expected.add(("requests@2.31.0", "webapp@1.0"))
    assert _edges(tmp_path) == expected


def test_unmatched_venv_leaves_every_site_on_its_own() -> None:
    cfg = parse_pyvenv_cfg("version = 3.9.5\ninclude-system-site-packages = true\n", "/opt/env/pyvenv.cfg")
    sites = ["/usr/lib/python3.9/site-packages", "/usr/lib/python3.9/dist-packages"]
    # no /opt/env/lib/python3.9/site-packages, and two system candidates: no linking at all
    assert site_groups([cfg], sites) == [[sites[1]], [sites[0]], ["", ""]]
