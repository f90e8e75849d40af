"""deno.lock (v3+): npm and jsr packages plus remote module URLs."""

from __future__ import annotations

import re
from typing import Any

from drydock.analyzer.catalogers.javascript.common import (
    LOCK_CATALOGER,
    PackageCollector,
    new_npm_package,
    npm_purl,
    split_name_version,
)
from drydock.analyzer.catalogers.lockfile_util import as_dict, as_list, as_str, loads_json, primary
from drydock.analyzer.catalogers.purl_util import package_url
from drydock.analyzer.model import CatalogResult

JSR_REGISTRY = "https://jsr.io"
_REMOTE = re.compile(r"^(https?)://([^/]+)/(.+?)@([^/]+)/")


def _npm_key(key: str) -> tuple[str, str]:
    """``name@1.2.3_peer@4`` → (name, 1.2.3): deno appends resolved peers after ``_``."""
    name, version = split_name_version(key)
    return name, version.split("_", 1)[0]


def _specifier_ref(specifiers: dict[str, Any], dep: str) -> str:
    """``jsr:@std/bytes@^1.0.0`` → ``@std/bytes@1.0.2``, the version the lock resolved it to."""
    bare = dep.split(":", 1)[-1]
    resolved = as_str(specifiers.get(dep))
    return f"{split_name_version(bare)[0]}@{resolved}" if resolved else bare


def _remote(url: str, integrity: str, path: str) -> tuple[str, Any] | None:
    """``https://deno.land/std@0.140.0/path/mod.ts`` → the module ``deno.land/std@0.140.0``."""
    m = _REMOTE.match(url)
    if not m:
        return None
    scheme, host, module, version = m.groups()
    name = f"{host}/{module}"
    purl = package_url("npm", name, version, qualifiers={"repository_url": f"{scheme}://{host}"})
    metadata = {"URL": url, "Integrity": integrity}
    pkg = new_npm_package(
        name, version, LOCK_CATALOGER, primary(path), "DenoRemoteLockEntry", metadata, purl=purl
    )
    return f"{name}@{version}", pkg


def parse_deno_lock(text: str, path: str) -> CatalogResult:
    doc = as_dict(loads_json(text, path))
    specifiers = as_dict(doc.get("specifiers"))
    out = PackageCollector()
    for key, raw in as_dict(doc.get("npm")).items():
        entry = as_dict(raw)
        name, version = _npm_key(as_str(key))
        deps = [as_str(d) for d in as_list(entry.get("dependencies"))]
        metadata: dict[str, Any] = {"Integrity": as_str(entry.get("integrity")), "Dependencies": deps}
        pkg = new_npm_package(name, version, LOCK_CATALOGER, primary(path), "NpmPackageLockEntry", metadata)
        out.add(pkg, [f"{name}@{version}"], ["@".join(_npm_key(d)) for d in deps])
    for key, raw in as_dict(doc.get("jsr")).items():
        entry = as_dict(raw)
        name, version = split_name_version(as_str(key))
        deps = [as_str(d) for d in as_list(entry.get("dependencies"))]
        metadata = {"Integrity": as_str(entry.get("integrity")), "Dependencies": deps}
        purl = npm_purl(name, version, {"repository_url": JSR_REGISTRY})
        pkg = new_npm_package(
            name, version, LOCK_CATALOGER, primary(path), "DenoLockEntry", metadata, purl=purl
        )
        out.add(pkg, [f"{name}@{version}"], [_specifier_ref(specifiers, d) for d in deps])
    for url, integrity in as_dict(doc.get("remote")).items():
        remote = _remote(as_str(url), as_str(integrity), path)
        if remote:
            out.add(remote[1], [remote[0]], [])
    return out.result()
