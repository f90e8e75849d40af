"""Cargo.lock: every crate the workspace resolved, with ``dependency-of`` edges.

Cargo.lock names a dependency as ``name``, ``name version`` or ``name version (source)`` —
only as precise as needed to be unambiguous — so each crate provides all three spellings.
"""

from __future__ import annotations

from typing import Any, ClassVar

from drydock.analyzer.catalogers.base import CatalogContext, CatalogError, register_cataloger
from drydock.analyzer.catalogers.dependency_graph import ProvidesRequires, Specification, resolve
from drydock.analyzer.catalogers.lockfile_util import (
    as_dict,
    as_list,
    as_str,
    catalog_text_files,
    loads_toml,
)
from drydock.analyzer.catalogers.rust.common import cargo_purl, new_crate
from drydock.analyzer.filetree import FileResolver
from drydock.analyzer.model import CatalogResult, Package

CATALOGER = "rust-cargo-lock-cataloger"


def crate_purl(name: str, version: str, source: str) -> str:
    """Crates without a source are local path crates: no registry identity, so no PURL."""
    return cargo_purl(name, version) if source else ""


def dependency_specification(pkg: Package) -> Specification:
    meta = pkg.metadata
    provides = [pkg.name, f"{pkg.name} {pkg.version}"]
    source = as_str(meta.get("Source")).split("#", 1)[0]
    if source:
        provides.append(f"{pkg.name} {pkg.version} ({source})")
    return Specification(
        main=ProvidesRequires(provides=provides, requires=list(meta.get("Dependencies") or []))
    )


def parse_cargo_lock(text: str, path: str) -> CatalogResult:
    doc = loads_toml(text, path)
    if "package" in doc and not isinstance(doc["package"], list):
        raise CatalogError(f"{path}: [package] is not an array of tables")
    packages = []
    for entry in map(as_dict, as_list(doc.get("package"))):
        name, version, source = (
            as_str(entry.get("name")),
            as_str(entry.get("version")),
            as_str(entry.get("source")),
        )
        if not name:
            continue
        metadata: dict[str, Any] = {
            "Name": name,
            "Version": version,
            "Source": source,
            "Checksum": as_str(entry.get("checksum")),
            "Dependencies": [as_str(d) for d in as_list(entry.get("dependencies"))],
        }
        packages.append(
            new_crate(
                name,
                version,
                CATALOGER,
                path,
                "RustCargoLockEntry",
                metadata,
                crate_purl(name, version, source),
            )
        )
    return CatalogResult(packages=packages, relationships=resolve(packages, dependency_specification))


@register_cataloger
class CargoLockCataloger:
    name: ClassVar[str] = CATALOGER
    patterns: ClassVar[tuple[str, ...]] = ("**/Cargo.lock",)

    def catalog(self, resolver: FileResolver, context: CatalogContext) -> CatalogResult:
        return catalog_text_files(resolver, self.patterns, parse_cargo_lock)
