"""package-lock.json (lockfileVersion 1, 2 and 3)."""

from __future__ import annotations

import posixpath
from typing import Any

from drydock.analyzer.catalogers.javascript.common import (
    LOCK_CATALOGER,
    PackageCollector,
    licences_from,
    new_npm_package,
    split_name_version,
    string_map,
)
from drydock.analyzer.catalogers.lockfile_util import as_dict, as_str, loads_json, primary
from drydock.analyzer.filetree import FileResolver
from drydock.analyzer.model import CatalogResult, License, Package

MAX_NESTING = 256


def _alias(name: str, version: str) -> tuple[str, str]:
    """``npm:real-name@1.2.3`` versions name the real package behind an alias."""
    if version.startswith("npm:"):
        return split_name_version(version[4:])
    return name, version


def _installed_licences(resolver: FileResolver, lock_path: str, name: str) -> list[License]:
    """v1 locks carry no licence; the installed package.json beside the lock may."""
    manifest = posixpath.join(posixpath.dirname(lock_path), "node_modules", name, "package.json")
    try:
        data = loads_json(resolver.read_text(manifest), manifest)
    except Exception:  # noqa: BLE001 - absent or broken manifests just mean no licence
        return []
    return licences_from(as_dict(data).get("license"), lock_path)


def _lock_entry(
    name: str,
    version: str,
    entry: dict[str, Any],
    dependencies: dict[str, str],
    path: str,
    licences: list[License],
) -> Package:
    metadata = {
        "Resolved": as_str(entry.get("resolved")),
        "Integrity": as_str(entry.get("integrity")),
        "Dependencies": dependencies,
    }
    return new_npm_package(
        name, version, LOCK_CATALOGER, primary(path), "NpmPackageLockEntry", metadata, licences
    )


def _v1(
    resolver: FileResolver,
    path: str,
    deps: dict[str, Any],
    include_dev: bool,
    out: PackageCollector,
    depth: int,
) -> None:
    if depth > MAX_NESTING:
        return
    for key, raw in deps.items():
        entry = as_dict(raw)
        if entry.get("dev") is True and not include_dev:
            continue
        name, version = _alias(key, as_str(entry.get("version")))
        pkg = _lock_entry(name, version, entry, {}, path, _installed_licences(resolver, path, name))
        out.add(pkg, [name, key], [])
        _v1(resolver, path, as_dict(entry.get("dependencies")), include_dev, out, depth + 1)


def _v2(path: str, packages: dict[str, Any], include_dev: bool, out: PackageCollector) -> None:
    for key, raw in packages.items():
        entry = as_dict(raw)
        if entry.get("link") is True or (entry.get("dev") is True and not include_dev):
            continue
        path_name = key.rsplit("node_modules/", 1)[-1] if "node_modules/" in key else ""
        name = as_str(entry.get("name")) or path_name or posixpath.basename(key)
        if not name:
            continue
        name, version = _alias(name, as_str(entry.get("version")))
        dependencies = string_map(entry.get("dependencies"))
        pkg = _lock_entry(name, version, entry, dependencies, path, licences_from(entry.get("license"), path))
        out.add(pkg, [name] + ([path_name] if path_name else []), list(dependencies))


def parse_package_lock(resolver: FileResolver, path: str, text: str, include_dev: bool) -> CatalogResult:
    doc = as_dict(loads_json(text, path))
    out = PackageCollector()
    if isinstance(doc.get("packages"), dict) and doc.get("lockfileVersion") in (2, 3):
        _v2(path, doc["packages"], include_dev, out)
    else:
        _v1(resolver, path, as_dict(doc.get("dependencies")), include_dev, out, 0)
    return out.result()
