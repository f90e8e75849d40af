"""bun.lock: bun's text lock (JSONC); each package is a tuple whose shape depends on its source."""

from __future__ import annotations

from typing import Any

from drydock.analyzer.catalogers.javascript.common import (
    LOCK_CATALOGER,
    PackageCollector,
    manifest_dependencies,
    new_npm_package,
    prune_dev,
    split_name_version,
    string_map,
)
from drydock.analyzer.catalogers.lockfile_util import (
    as_dict,
    as_list,
    as_str,
    loads_json,
    primary,
    strip_jsonc,
)
from drydock.analyzer.model import CatalogResult

_FIRST_PARTY = ("workspace:", "root:", "link:", "file:")
_INFO_FIELDS = {
    "dependencies": "Dependencies",
    "optionalDependencies": "OptionalDependencies",
    "peerDependencies": "PeerDependencies",
    "bin": "Bin",
}


def _entry_metadata(entry: list[Any]) -> dict[str, Any]:
    """Integrity (the trailing ``sha*`` string) and the info object's fields."""
    info = next((as_dict(e) for e in entry[1:] if isinstance(e, dict)), {})
    metadata: dict[str, Any] = {}
    integrity = next((e for e in reversed(entry[1:]) if isinstance(e, str) and e.startswith("sha")), "")
    if integrity:
        metadata["Integrity"] = integrity
    for theirs, ours in _INFO_FIELDS.items():
        if info.get(theirs):
            metadata[ours] = string_map(info[theirs])
    for theirs, ours in (("os", "OS"), ("cpu", "CPU")):
        value = info.get(theirs)
        if value:
            metadata[ours] = ", ".join(as_str(v) for v in as_list(value)) or as_str(value)
    return metadata


def parse_bun_lock(text: str, path: str, include_dev: bool) -> CatalogResult:
    doc = as_dict(loads_json(strip_jsonc(text), path))
    out = PackageCollector()
    for key, raw in as_dict(doc.get("packages")).items():
        entry = as_list(raw)
        if not entry or not isinstance(entry[0], str):
            continue
        name, version = split_name_version(entry[0])
        if not name or not version or version.startswith(_FIRST_PARTY):
            continue
        metadata = _entry_metadata(entry)
        requires = [*metadata.get("Dependencies", {}), *metadata.get("OptionalDependencies", {})]
        pkg = new_npm_package(name, version, LOCK_CATALOGER, primary(path), "BunLockEntry", metadata)
        out.add(pkg, [name, as_str(key)], requires)
    result = out.result()
    if include_dev:
        return result
    prod: set[str] = set()
    dev: set[str] = set()
    for workspace in as_dict(doc.get("workspaces")).values():
        ws_prod, ws_dev = manifest_dependencies(as_dict(workspace))
        prod |= set(ws_prod)
        dev |= set(ws_dev)
    return prune_dev(result, prod, dev)
