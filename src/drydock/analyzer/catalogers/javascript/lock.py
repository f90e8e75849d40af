"""``javascript-lock-cataloger``: npm, yarn, pnpm, bun and deno lock files."""

from __future__ import annotations

import posixpath
from typing import ClassVar

from drydock.analyzer.catalogers.base import CatalogContext, CatalogError, register_cataloger
from drydock.analyzer.catalogers.javascript.bun import parse_bun_lock
from drydock.analyzer.catalogers.javascript.common import LOCK_CATALOGER, manifest_dependencies, prune_dev
from drydock.analyzer.catalogers.javascript.deno import parse_deno_lock
from drydock.analyzer.catalogers.javascript.package_lock import parse_package_lock
from drydock.analyzer.catalogers.javascript.pnpm import parse_pnpm_lock
from drydock.analyzer.catalogers.javascript.yarn import parse_yarn_lock
from drydock.analyzer.catalogers.lockfile_util import as_dict, catalog_each, loads_json, read_text
from drydock.analyzer.filetree import FileResolver
from drydock.analyzer.model import CatalogResult

LOCK_NAMES = ("package-lock.json", "yarn.lock", "pnpm-lock.yaml", "bun.lock", "deno.lock")
LOCK_PATTERNS = tuple(f"**/{name}" for name in LOCK_NAMES)
# Read beside a lock: the project manifest (which deps are dev-only) and, for package-lock v1,
# installed manifests (licences).
SUPPORT_PATTERNS = ("**/package.json",)


def _project_manifest(resolver: FileResolver, lock_path: str) -> dict[str, object]:
    """The package.json beside a lock; unreadable or absent means nothing is known dev-only."""
    manifest = posixpath.join(posixpath.dirname(lock_path), "package.json")
    if not resolver.exists(manifest):
        return {}
    try:
        return as_dict(loads_json(read_text(resolver, manifest), manifest))
    except CatalogError:
        return {}


def parse_lock(resolver: FileResolver, path: str, include_dev: bool) -> CatalogResult:
    """Packages and dependency relationships of one lock file."""
    text = read_text(resolver, path)
    base = posixpath.basename(path)
    if base == "package-lock.json":
        return parse_package_lock(resolver, path, text, include_dev)
    if base == "pnpm-lock.yaml":
        return parse_pnpm_lock(text, path, include_dev)
    if base == "bun.lock":
        return parse_bun_lock(text, path, include_dev)
    if base == "deno.lock":
        return parse_deno_lock(text, path)
    result = parse_yarn_lock(text, path)
    if include_dev:
        return result
    prod, dev = manifest_dependencies(_project_manifest(resolver, path))
    return prune_dev(result, prod, dev)


@register_cataloger
class JavascriptLockCataloger:
    name: ClassVar[str] = LOCK_CATALOGER
    patterns: ClassVar[tuple[str, ...]] = LOCK_PATTERNS + SUPPORT_PATTERNS

    def catalog(self, resolver: FileResolver, context: CatalogContext) -> CatalogResult:
        include_dev = bool(context.config.get("javascript", {}).get("include_dev_dependencies", False))
        paths = [e.path for e in resolver.glob_any(LOCK_PATTERNS) if "/node_modules/" not in e.path]
        return catalog_each(resolver, paths, lambda r, p: parse_lock(r, p, include_dev))
