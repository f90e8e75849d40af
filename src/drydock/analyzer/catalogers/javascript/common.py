"""npm naming, PURLs, licence fields and dev-dependency pruning shared by the JS parsers."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from drydock.analyzer.catalogers.dependency_graph import ProvidesRequires, Specification, resolve
from drydock.analyzer.catalogers.lang_package import language_package
from drydock.analyzer.catalogers.lockfile_util import as_dict, as_list, as_str
from drydock.analyzer.catalogers.purl_util import package_url
from drydock.analyzer.model import CatalogResult, License, Location, Package, PackageType

LOCK_CATALOGER = "javascript-lock-cataloger"


def npm_purl(name: str, version: str, qualifiers: dict[str, str] | None = None) -> str:
    """``pkg:npm/<scope>/<name>@<version>``: the part before the first ``/`` is the namespace."""
    if not name:
        return ""
    namespace, sep, base = name.partition("/")
    if not sep:
        namespace, base = "", name
    return package_url("npm", base, version, namespace, qualifiers)


def split_name_version(ident: str) -> tuple[str, str]:
    """``@scope/name@1.2.3`` → (``@scope/name``, ``1.2.3``); the scope's ``@`` is not a separator."""
    at = ident.find("@", 1)
    return (ident, "") if at < 0 else (ident[:at], ident[at + 1 :])


def licences_from(value: Any, location: str) -> list[License]:
    """package.json / lock ``license``: a string, ``{type}`` object, or list of either."""
    where = [Location(path=location)]
    items = value if isinstance(value, list) else [value]
    out = []
    for item in items:
        text = as_str(item) or as_str(as_dict(item).get("type"))
        if text.strip():
            out.append(License(value=text.strip(), locations=list(where)))
    return out


def new_npm_package(
    name: str,
    version: str,
    found_by: str,
    location: Location,
    metadata_type: str,
    metadata: dict[str, Any],
    licenses: list[License] | None = None,
    purl: str | None = None,
) -> Package:
    purl = purl if purl is not None else npm_purl(name, version)
    return language_package(
        name,
        version,
        PackageType.NPM,
        "javascript",
        found_by,
        [location],
        purl,
        metadata_type,
        metadata,
        licenses,
    )


def string_map(value: Any) -> dict[str, str]:
    return {as_str(k): as_str(v) for k, v in as_dict(value).items()}


def reachable(roots: Iterable[str], edges: dict[str, list[str]]) -> set[str]:
    """Keys reachable from ``roots`` over ``edges`` (iterative: lock graphs can be deep)."""
    seen: set[str] = set()
    stack = list(roots)
    while stack:
        key = stack.pop()
        if key in seen:
            continue
        seen.add(key)
        stack.extend(edges.get(key, ()))
    return seen


def dev_only(prod_roots: Iterable[str], dev_roots: Iterable[str], edges: dict[str, list[str]]) -> set[str]:
    """Keys reachable from dev roots but not from production roots."""
    return reachable(dev_roots, edges) - reachable(prod_roots, edges)


def manifest_dependencies(manifest: dict[str, Any]) -> tuple[dict[str, str], dict[str, str]]:
    """(production, dev) dependency maps of a package.json; optional deps count as production."""
    prod = {**string_map(manifest.get("dependencies")), **string_map(manifest.get("optionalDependencies"))}
    return prod, string_map(manifest.get("devDependencies"))


def as_str_list(value: Any) -> list[str]:
    return [as_str(v) for v in as_list(value) if as_str(v)]


def prune_dev(result: CatalogResult, prod_names: Iterable[str], dev_names: Iterable[str]) -> CatalogResult:
    """Drop packages reachable only from dev dependencies (lock files that carry no dev flag)."""
    by_name: dict[str, list[str]] = {}
    for pkg in result.packages:
        by_name.setdefault(pkg.name, []).append(pkg.id)
    edges: dict[str, list[str]] = {}
    for rel in result.relationships:
        edges.setdefault(rel.to_id, []).append(rel.from_id)
    prod = [i for n in prod_names for i in by_name.get(n, ())]
    dev = [i for n in dev_names for i in by_name.get(n, ())]
    drop = dev_only(prod, dev, edges)
    if not drop:
        return result
    return CatalogResult(
        packages=[p for p in result.packages if p.id not in drop],
        relationships=[r for r in result.relationships if r.from_id not in drop and r.to_id not in drop],
        warnings=result.warnings,
    )


class PackageCollector:
    """Packages keyed by name@version (a lock may list one package at several paths)."""

    def __init__(self) -> None:
        self.packages: dict[tuple[str, str], Package] = {}
        self.specs: dict[str, Specification] = {}

    def add(self, pkg: Package, provides: list[str], requires: list[str]) -> None:
        key = (pkg.name, pkg.version)
        if key in self.packages:
            self.specs[self.packages[key].id].main.provides.extend(provides)
            return
        self.packages[key] = pkg
        self.specs[pkg.id] = Specification(main=ProvidesRequires(provides=provides, requires=requires))

    def replace(self, pkg: Package, provides: list[str], requires: list[str]) -> None:
        """Like ``add``, but a richer record for the same name@version supersedes a placeholder."""
        key = (pkg.name, pkg.version)
        old = self.packages.get(key)
        if old is None:
            self.add(pkg, provides, requires)
            return
        spec = self.specs.pop(old.id)
        self.packages[key] = pkg
        spec.main.provides.extend(provides)
        spec.main.requires = requires
        self.specs[pkg.id] = spec

    def result(self) -> CatalogResult:
        pkgs = list(self.packages.values())
        return CatalogResult(packages=pkgs, relationships=resolve(pkgs, lambda p: self.specs[p.id]))
