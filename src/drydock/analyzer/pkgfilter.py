"""Package-list post-processing: layers of locations, ownership by file overlap, and
de-duplication.

Ownership: a Python/npm/... package whose evidence lives in files that an OS package
installed (``python3-requests`` from apt) is the OS package's business: vulnerability data
for it comes through the distro, and listing it twice double-counts. Like syft we record an
``ownership-by-file-overlap`` relationship (OS package → owned package); like Anchore's
``enable_owned_package_filtering`` we then drop the owned package unless told not to. Paths
are compared after resolving directory symlinks (dpkg says ``/bin/x``, usrmerged trees store
``/usr/bin/x``).
"""

from __future__ import annotations

import dataclasses
import posixpath

from drydock.analyzer.filetree import FileResolver, normalize_path
from drydock.analyzer.model import License, Location, Package, Relationship

OWNERSHIP = "ownership-by-file-overlap"


class _RealPaths:
    """Real path of a file: its directory resolved through symlinks (cached per directory)."""

    def __init__(self, resolver: FileResolver) -> None:
        self._resolver = resolver
        self._dirs: dict[str, str] = {}

    def __call__(self, path: str) -> str:
        path = normalize_path(path)
        parent, base = posixpath.split(path)
        real = self._dirs.get(parent)
        if real is None:
            entry = self._resolver.resolve(parent)
            real = entry.path if entry is not None else parent
            self._dirs[parent] = real
        return posixpath.join(real, base)


def apply_ownership(
    packages: list[Package], resolver: FileResolver, drop_owned: bool
) -> tuple[list[Package], list[Relationship]]:
    """(packages kept, ownership relationships among the kept ones)."""
    real = _RealPaths(resolver)
    owner_of: dict[str, Package] = {}
    for pkg in packages:
        if pkg.type.is_os:
            for path in pkg.files:
                owner_of.setdefault(real(path), pkg)
    if not owner_of:
        return packages, []
    kept: list[Package] = []
    relationships: list[Relationship] = []
    for pkg in packages:
        owners = [] if pkg.type.is_os else _owners(pkg, owner_of, real)
        if owners and drop_owned:
            continue
        kept.append(pkg)
        relationships.extend(Relationship(from_id=o.id, to_id=pkg.id, type=OWNERSHIP) for o in owners)
    return kept, relationships


def _owners(pkg: Package, owner_of: dict[str, Package], real: _RealPaths) -> list[Package]:
    owners: dict[str, Package] = {}
    for loc in pkg.locations:
        owner = owner_of.get(real(loc.path))
        if owner is not None:
            owners[owner.id] = owner
    return list(owners.values())


def _with_layer(loc: Location, resolver: FileResolver) -> Location:
    if loc.layer is not None:
        return loc
    entry = resolver.entry(loc.path)
    if entry is None or entry.layer is None:
        return loc
    return dataclasses.replace(loc, layer=entry.layer)


def attach_layers(packages: list[Package], resolver: FileResolver) -> None:
    """Fill the layer of locations whose cataloger left it out, from the final tree: every
    location names the layer that last wrote its file (syft's layerID)."""
    for pkg in packages:
        pkg.locations = [_with_layer(loc, resolver) for loc in pkg.locations]
        for lic in pkg.licenses:
            lic.locations = [_with_layer(loc, resolver) for loc in lic.locations]


def _dedupe_key(pkg: Package) -> tuple[str, str, str, str, tuple[str, ...]]:
    return (
        str(pkg.type),
        pkg.name,
        pkg.version,
        pkg.purl or "",
        tuple(sorted(l.access for l in pkg.locations)),
    )


def _merge_into(kept: Package, dup: Package) -> None:
    for cpe in dup.cpes:
        if cpe not in kept.cpes:
            kept.cpes.append(cpe)
    seen = {(lic.value, lic.spdx_expression, lic.type) for lic in kept.licenses}
    for lic in dup.licenses:
        key = (lic.value, lic.spdx_expression, lic.type)
        if key not in seen:
            seen.add(key)
            kept.licenses.append(
                License(lic.value, lic.spdx_expression, lic.type, list(lic.locations), list(lic.urls))
            )
    for path in dup.files:
        if path not in kept.files:
            kept.files.append(path)


def dedupe(packages: list[Package]) -> list[Package]:
    """Packages reported twice for the same place (two catalogers, or a scanner and a cataloger
    of the same type) become one, keeping the first finder and the union of CPEs/licenses."""
    by_key: dict[tuple[str, str, str, str, tuple[str, ...]], Package] = {}
    for pkg in packages:
        key = _dedupe_key(pkg)
        if key in by_key:
            _merge_into(by_key[key], pkg)
        else:
            by_key[key] = pkg
    return list(by_key.values())


def keep_relationships(relationships: list[Relationship], packages: list[Package]) -> list[Relationship]:
    """Relationships whose both ends are still in the list, without repeats."""
    ids = {p.id for p in packages}
    out: dict[tuple[str, str, str], Relationship] = {}
    for rel in relationships:
        if rel.from_id in ids and rel.to_id in ids:
            out.setdefault((rel.from_id, rel.to_id, rel.type), rel)
    return list(out.values())
