"""Shared fixture plumbing for the OS-package tests: where the pkgdb corpus lives."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from drydock.analyzer.catalogers.base import CatalogContext
from drydock.analyzer.filetree import DirectoryResolver

REPO = Path(__file__).resolve().parents[3]
PKGDB = REPO.parent / "shared" / "fixtures" / "pkgdb"


def case_dirs(ecosystem: str) -> list[Path]:
    return sorted(p.parent for p in (PKGDB / ecosystem).glob("*/expected.json"))


def load_case(case_dir: Path) -> dict[str, Any]:
    return json.loads((case_dir / "expected.json").read_text())


def scan_root(case_dir: Path, case: dict[str, Any]) -> Path:
    return case_dir / (case.get("scan_root") or ".")


def normalize(value: Any) -> Any:
    """Drop zero values recursively: the corpus omits fields whose value is the Go zero value."""
    if isinstance(value, dict):
        out = {k: normalize(v) for k, v in value.items()}
        return {k: v for k, v in out.items() if v not in (None, "", 0, [], {}, False, ())}
    if isinstance(value, (list, tuple)):
        return [normalize(v) for v in value]
    return value


def _path(loc: Any) -> str:
    return (loc["path"] if isinstance(loc, dict) else loc).lstrip("/")


def expected_view(pkg: dict[str, Any], ignored_metadata: tuple[str, ...] = ()) -> dict[str, Any]:
    """An expected package object reduced to what the upstream comparison checks."""
    licenses: list[tuple[str, tuple[str, ...]]] = []
    for lic in pkg.get("licenses") or []:
        if isinstance(lic, str):
            licenses.append((lic, ()))
        else:
            licenses.append((lic["value"], tuple(sorted(_path(p) for p in lic.get("locations", [])))))
    metadata = {k: v for k, v in (pkg.get("metadata") or {}).items() if k not in ignored_metadata}
    return {
        "name": pkg["name"],
        "version": pkg.get("version") or "",
        "type": pkg["type"],
        "purl": pkg.get("purl") or "",
        "licenses": sorted(licenses),
        "locations": sorted({_path(loc) for loc in pkg.get("locations") or []}),
        "metadataType": pkg.get("metadataType") or "",
        "metadata": normalize(metadata),
    }


def actual_view(pkg: Any, expected: dict[str, Any], ignored_metadata: tuple[str, ...] = ()) -> dict[str, Any]:
    """Our Package in the same reduced shape; licence locations are only compared when the
    expectation pinned them (plain-string licences in the corpus carry values only)."""
    pinned = any(isinstance(lic, dict) for lic in expected.get("licenses") or [])
    licenses = sorted(
        (lic.value, tuple(sorted(loc.path.lstrip("/") for loc in lic.locations)) if pinned else ())
        for lic in pkg.licenses
    )
    metadata = {k: v for k, v in pkg.metadata.items() if k not in ignored_metadata}
    return {
        "name": pkg.name,
        "version": pkg.version,
        "type": str(pkg.type),
        "purl": pkg.purl or "",
        "licenses": licenses,
        "locations": sorted({loc.path.lstrip("/") for loc in pkg.locations}) if expected.get("locations") else [],
        "metadataType": (pkg.metadata_type or "") if expected.get("metadataType") else "",
        "metadata": normalize(metadata) if "metadata" in expected else {},
    }


def assert_packages_match(actual: list[Any], expected: list[dict[str, Any]], ignored: tuple[str, ...] = ()) -> None:
    by_key = {(p.name, p.version): p for p in actual}
    assert sorted(by_key) == sorted((e["name"], e.get("version") or "") for e in expected)
    for exp in expected:
        got = by_key[(exp["name"], exp.get("version") or "")]
        assert actual_view(got, exp, ignored) == expected_view(exp, ignored), exp["name"]


def dependency_map(packages: list[Any], relationships: list[Any]) -> dict[str, list[str]]:
    names = {p.id: p.name for p in packages}
    deps: dict[str, set[str]] = {}
    for rel in relationships:
        assert rel.type == "dependency-of"
        deps.setdefault(names[rel.to_id], set()).add(names[rel.from_id])
    return {k: sorted(v) for k, v in deps.items()}


def paths_read(cataloger: Any, root: Path) -> set[str]:
    """Root-relative paths whose contents ``cataloger`` read while cataloging ``root``."""
    resolver = RecordingResolver(root)
    cataloger.catalog(resolver, CatalogContext())
    return resolver.read


class RecordingResolver(DirectoryResolver):
    """A directory resolver that remembers which files' contents were read."""

    def __init__(self, root: Path) -> None:
        super().__init__(root)
        self.read: set[str] = set()

    def read_bytes(self, path: str) -> bytes:
        data = super().read_bytes(path)
        self.read.add(path.lstrip("/"))
        return data
