"""pnpm-lock.yaml, lockfile versions 5 to 9 (v9 splits metadata into packages + snapshots)."""

from __future__ import annotations

from typing import Any

from drydock.analyzer.catalogers.javascript.common import (
    LOCK_CATALOGER,
    PackageCollector,
    new_npm_package,
    prune_dev,
    split_name_version,
    string_map,
)
from drydock.analyzer.catalogers.lockfile_util import as_dict, as_str, loads_yaml_documents, primary
from drydock.analyzer.model import CatalogResult


def strip_peer_suffix(version: str) -> str:
    """``13.4.0(react@18.2.0)`` (v6+) or ``5.3.2_acorn@8.8.0`` (v5) → the bare version."""
    return version.split("(", 1)[0].split("_", 1)[0]


def _major(doc: dict[str, Any]) -> int:
    try:
        return int(float(str(doc.get("lockfileVersion", "0")).strip("'\"")))
    except ValueError:
        return 0


def parse_package_key(key: str, major: int) -> tuple[str, str]:
    """``/name/1.0.0_peer`` (v5), ``/name@1.0.0(peer)`` (v6), ``name@1.0.0(peer)`` (v9)."""
    key = key.lstrip("/")
    if major < 6:  # peer suffixes spell "/" as "+", so the last "/" separates the version
        name, _, version = key.rpartition("/")
    else:
        name, version = split_name_version(key.split("(", 1)[0])
    return name, strip_peer_suffix(version)


def _importer_deps(section: Any) -> dict[str, str]:
    """Importer dependencies: ``name: version`` (v5) or ``name: {specifier, version}`` (v6+)."""
    out = {}
    for name, value in as_dict(section).items():
        version = as_str(value) or as_str(as_dict(value).get("version"))
        if version and not version.startswith(("link:", "file:", "workspace:")):
            out[as_str(name)] = strip_peer_suffix(version)
    return out


def _importers(doc: dict[str, Any]) -> list[dict[str, Any]]:
    return [as_dict(v) for v in as_dict(doc.get("importers")).values()] or [doc]


def _dependencies(entry: dict[str, Any]) -> dict[str, str]:
    """Required dependencies (name → bare version); optional ones are not edges in syft."""
    return {name: strip_peer_suffix(v) for name, v in string_map(entry.get("dependencies")).items()}


def _add_document(
    doc: dict[str, Any], path: str, include_dev: bool, out: PackageCollector
) -> tuple[set[str], set[str]]:
    major = _major(doc)
    snapshot_deps: dict[str, dict[str, str]] = {}
    for skey, sval in as_dict(doc.get("snapshots")).items():
        snapshot_deps.setdefault(as_str(skey).split("(", 1)[0], {}).update(_dependencies(as_dict(sval)))
    prod: set[str] = set()
    dev: set[str] = set()
    for importer in _importers(doc):
        deps = _importer_deps(importer.get("dependencies"))
        prod.update(deps)
        dev.update(_importer_deps(importer.get("devDependencies")))
        for name, version in deps.items():
            pkg = new_npm_package(name, version, LOCK_CATALOGER, primary(path), "PnpmLockEntry", {})
            out.add(pkg, [f"{name}@{version}"], [])
    for key, raw in as_dict(doc.get("packages")).items():
        entry = as_dict(raw)
        if as_str(entry.get("dev")) == "true" and not include_dev:
            continue
        name, version = parse_package_key(as_str(key), major)
        if not name:
            continue
        deps = snapshot_deps.get(as_str(key), {}) if snapshot_deps else _dependencies(entry)
        resolution = as_dict(entry.get("resolution"))
        wanted = (("Integrity", "integrity"), ("Tarball", "tarball"))
        metadata: dict[str, Any] = {
            "Resolution": {
                ours: as_str(resolution[theirs]) for ours, theirs in wanted if resolution.get(theirs)
            },
            "Dependencies": deps,
        }
        pkg = new_npm_package(name, version, LOCK_CATALOGER, primary(path), "PnpmLockEntry", metadata)
        out.replace(pkg, [f"{name}@{version}"], [f"{d}@{v}" for d, v in deps.items()])
    return prod, dev


def parse_pnpm_lock(text: str, path: str, include_dev: bool) -> CatalogResult:
    out = PackageCollector()
    prod: set[str] = set()
    dev: set[str] = set()
    for doc in loads_yaml_documents(text, path):
        if isinstance(doc, dict):
            doc_prod, doc_dev = _add_document(doc, path, include_dev, out)
            prod |= doc_prod
            dev |= doc_dev
    result = out.result()
    return result if include_dev else prune_dev(result, prod, dev)
