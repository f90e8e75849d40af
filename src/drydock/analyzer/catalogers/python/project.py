"""The ``python-package-cataloger``: declared dependencies of Python projects (lock files,
requirements files, setup.py), with dependency relationships where the lock records them."""

from __future__ import annotations

import posixpath
from collections.abc import Callable
from typing import Any, ClassVar

from drydock.analyzer.catalogers.base import CatalogContext, register_cataloger
from drydock.analyzer.catalogers.dependency_graph import resolve
from drydock.analyzer.catalogers.lockfile_util import catalog_each, loads_json, loads_toml, read_text
from drydock.analyzer.catalogers.python import locks
from drydock.analyzer.catalogers.python.requirements import parse_requirements, parse_setup_py
from drydock.analyzer.filetree import FileResolver, glob_match
from drydock.analyzer.model import CatalogResult, Package

CATALOGER = "python-package-cataloger"

_LOCKS: dict[str, tuple[Callable[[str, str], Any], Callable[[Any, str], list[Package]]]] = {
    "poetry.lock": (loads_toml, locks.parse_poetry_lock),
    "Pipfile.lock": (loads_json, locks.parse_pipfile_lock),
    "pdm.lock": (loads_toml, locks.parse_pdm_lock),
    "uv.lock": (loads_toml, locks.parse_uv_lock),
}
_LOCK_PATTERNS = tuple(f"**/{name}" for name in _LOCKS) + ("**/*.py.lock",)
REQUIREMENTS_PATTERN = "**/*requirements*.txt"
SETUP_PATTERN = "**/setup.py"


def parse_project_file(resolver: FileResolver, path: str, guess_unpinned: bool = False) -> CatalogResult:
    """Packages (and relationships, for locks) declared by one project file."""
    text = read_text(resolver, path)
    base = posixpath.basename(path)
    if glob_match(REQUIREMENTS_PATTERN, path):
        return CatalogResult(packages=parse_requirements(text, path, guess_unpinned))
    if base == "setup.py":
        return CatalogResult(packages=parse_setup_py(text, path))
    loads, parse = _LOCKS.get(base, _LOCKS["uv.lock"])  # *.py.lock: uv's PEP 723 script lock
    doc = loads(text, path)
    if not isinstance(doc, dict):
        return CatalogResult(warnings=[f"{path}: not a {base} document"])
    packages = parse(doc, path)
    relationships = [] if base == "Pipfile.lock" else resolve(packages, locks.specification)
    return CatalogResult(packages=packages, relationships=relationships)


@register_cataloger
class PythonPackageCataloger:
    name: ClassVar[str] = CATALOGER
    patterns: ClassVar[tuple[str, ...]] = (REQUIREMENTS_PATTERN, SETUP_PATTERN) + _LOCK_PATTERNS

    def catalog(self, resolver: FileResolver, context: CatalogContext) -> CatalogResult:
        guess = bool(context.config.get("python", {}).get("guess_unpinned_requirements", False))
        paths = [e.path for e in resolver.glob_any(self.patterns)]
        return catalog_each(resolver, paths, lambda r, p: parse_project_file(r, p, guess))
