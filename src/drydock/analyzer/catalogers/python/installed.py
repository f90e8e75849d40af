"""Installed Python distributions: ``*.dist-info`` / ``*.egg-info`` metadata in site-packages.

Core metadata (METADATA / PKG-INFO) names the distribution; RECORD (or installed-files.txt)
lists its files, top_level.txt its import names, direct_url.json a VCS origin. Licences come
from License-Expression / License, else a recognised licence file next to the metadata, else the
"License ::" trove classifiers.

Dependency edges come from each distribution's Requires-Dist, resolved only among the
distributions one interpreter sees: a site-packages directory on its own, or a virtualenv's
together with the system one when its ``pyvenv.cfg`` includes system site-packages (see venv).
"""

from __future__ import annotations

import csv
import io
import posixpath
from typing import Any, ClassVar

from drydock.analyzer.catalogers.base import CatalogContext, CatalogError, register_cataloger
from drydock.analyzer.catalogers.dependency_graph import ProvidesRequires, Specification, resolve
from drydock.analyzer.catalogers.license_text import classify
from drydock.analyzer.catalogers.lockfile_util import (
    as_dict,
    as_str,
    catalog_each,
    loads_json,
    primary,
    read_text,
    supporting,
)
from drydock.analyzer.catalogers.python.common import new_package, package_ref, requirement_name
from drydock.analyzer.catalogers.python.venv import (
    PYVENV_PATTERN,
    VirtualEnv,
    parse_pyvenv_cfg,
    site_groups,
    site_packages_dir,
)
from drydock.analyzer.filetree import FileResolver
from drydock.analyzer.model import CatalogResult, FileType, License, Location, Package, Relationship

CATALOGER = "python-installed-package-cataloger"
_DIST = "{dist-info,DIST-INFO}"
_EGG = "{egg-info,EGG-INFO}"
_ANY = "{dist-info,DIST-INFO,egg-info,EGG-INFO}"
METADATA_PATTERNS = (f"**/*{_DIST}/METADATA", f"**/*{_EGG}/PKG-INFO", f"**/*{_EGG}")
LICENSE_PATTERNS = tuple(f"**/*{_ANY}/{stem}*" for stem in ("LICENSE", "LICENCE", "COPYING", "NOTICE"))
DECLARED_LICENSE_PATTERNS = (f"**/*{_DIST}/licenses/**",)
_CONTENT = (FileType.REGULAR, FileType.HARDLINK)  # entries whose bytes can be read
SIDE_FILES = ("RECORD", "installed-files.txt", "top_level.txt", "direct_url.json")

# Core-metadata keys (lower-cased, dashes removed) that become PythonPackage fields.
_SCALARS = {
    "name": "Name",
    "version": "Version",
    "author": "Author",
    "authoremail": "AuthorEmail",
    "platform": "Platform",
    "requirespython": "RequiresPython",
}
_LISTS = {"requiresdist": "RequiresDist", "providesextra": "ProvidesExtra"}
_LICENSE_KEYS = {"license": "License", "licenseexpression": "LicenseExpression", "licensefile": "LicenseFile"}
_LICENSE_CLASSIFIERS = "LicenseClassifiers"  # internal: "License :: ..." trove classifiers
_NOT_METADATA = {*_LICENSE_KEYS.values(), _LICENSE_CLASSIFIERS}


def parse_core_metadata(text: str) -> dict[str, Any]:
    """RFC 822-style header block of METADATA/PKG-INFO (the body after the blank line is prose).

    Returns PythonPackage fields plus the raw licence keys ``License``, ``LicenseExpression``,
    ``LicenseFile`` and ``LicenseClassifiers`` (the last segment of each licence classifier).
    """
    fields: dict[str, Any] = {}
    key = ""
    for line in text.splitlines():
        if not line:  # a whitespace-only line continues a field; only an empty one ends the headers
            if fields:
                break
            continue
        if line[0] in " \t" and key:
            if key in _SCALARS or key in _LICENSE_KEYS:
                target = _SCALARS.get(key) or _LICENSE_KEYS[key]
                fields[target] = (fields.get(target, "") + "\n" + line.strip()).strip()
            continue
        raw_key, sep, value = line.partition(":")
        if not sep:
            continue
        key = raw_key.strip().lower().replace("-", "")
        value = value.strip()
        if key in _SCALARS:
            fields[_SCALARS[key]] = value
        elif key in _LICENSE_KEYS:
            fields[_LICENSE_KEYS[key]] = value
        elif key in _LISTS:
            fields.setdefault(_LISTS[key], []).append(value)
        elif key == "classifier" and value.startswith("License ::"):
            fields.setdefault(_LICENSE_CLASSIFIERS, []).append(value.rsplit("::", 1)[-1].strip())
    return fields


def parse_record(text: str) -> list[dict[str, Any]]:
    """RECORD rows (path, algorithm=digest, size); rows of another shape are skipped."""
    files: list[dict[str, Any]] = []
    try:
        rows = list(csv.reader(io.StringIO(text)))
    except csv.Error:
        return files
    for row in rows:
        if len(row) != 3 or not row[0]:
            continue
        entry: dict[str, Any] = {"Path": row[0]}
        algorithm, sep, value = row[1].partition("=")
        if sep:
            entry["Digest"] = {"Algorithm": algorithm, "Value": value}
        if row[2]:
            entry["Size"] = row[2]
        files.append(entry)
    return files


def parse_installed_files(text: str) -> list[dict[str, Any]]:
    return [{"Path": line.strip()} for line in text.splitlines() if line.strip()]


def parse_direct_url(text: str, path: str) -> dict[str, str]:
    doc = as_dict(loads_json(text, path))
    vcs = as_dict(doc.get("vcs_info"))
    origin = {
        "URL": as_str(doc.get("url")),
        "VCS": as_str(vcs.get("vcs")),
        "CommitID": as_str(vcs.get("commit_id")),
    }
    return {k: v for k, v in origin.items() if v}


class _Dist:
    """One distribution's metadata directory (or single egg-info file) and what lies beside it."""

    def __init__(
        self, resolver: FileResolver, metadata_path: str, licence_index: dict[str, list[str]]
    ) -> None:
        self.resolver = resolver
        self.metadata_path = metadata_path
        entry = resolver.resolve(metadata_path)
        self.single_file = posixpath.basename(metadata_path) not in ("METADATA", "PKG-INFO")
        self.dir = posixpath.dirname(metadata_path) if not self.single_file else ""
        self.licence_files = licence_index.get(self.dir, []) if self.dir else []
        self.is_file = entry is not None and entry.type in _CONTENT

    def side(self, name: str) -> str | None:
        if not self.dir:
            return None
        path = posixpath.join(self.dir, name)
        entry = self.resolver.resolve(path)
        return path if entry is not None and entry.type in _CONTENT else None


def _licence_field(value: str) -> str:
    """Some projects paste their whole licence text into ``License:``; name it, or keep line one."""
    if "\n" not in value:
        return value
    return classify(value) or value.split("\n", 1)[0].strip()


def _licences(dist: _Dist, fields: dict[str, Any]) -> list[License]:
    where = [Location(path=dist.metadata_path)]
    if fields.get("LicenseExpression"):
        return [
            License(
                value=fields["LicenseExpression"],
                spdx_expression=fields["LicenseExpression"],
                locations=where,
            )
        ]
    if fields.get("License"):
        return [License(value=_licence_field(fields["License"]), locations=where)]
    candidates = list(dist.licence_files)
    if fields.get("LicenseFile") and dist.dir:
        declared = posixpath.join(dist.dir, fields["LicenseFile"])
        candidates = [declared] + [c for c in candidates if c != declared]
    for path in candidates:
        try:
            spdx = classify(read_text(dist.resolver, path, limit=1024 * 1024))
        except CatalogError:  # an unreadable licence file just yields no licence
            spdx = None
        if spdx:
            return [
                License(value=spdx, spdx_expression=spdx, type="concluded", locations=[Location(path=path)])
            ]
    # Last resort: trove classifiers ("License :: OSI Approved :: MIT License").
    return [License(value=v, locations=list(where)) for v in fields.get(_LICENSE_CLASSIFIERS, []) if v]


def parse_distribution(
    resolver: FileResolver, metadata_path: str, licence_index: dict[str, list[str]] | None = None
) -> CatalogResult:
    """One installed distribution (no package for the interpreter's own egg-info or a nameless one)."""
    dist = _Dist(resolver, metadata_path, licence_index or {})
    out = CatalogResult()
    if not dist.is_file:
        return out
    fields = parse_core_metadata(read_text(resolver, metadata_path))
    name = fields.get("Name", "")
    if not name or name == "Python":
        return out
    metadata = {k: v for k, v in fields.items() if k not in _NOT_METADATA}
    root = posixpath.dirname(dist.dir if dist.dir else metadata_path)
    metadata["SitePackagesRootPath"] = root
    locations = [primary(metadata_path)]
    record = dist.side("RECORD")
    installed = dist.side("installed-files.txt")
    if record:
        metadata["Files"] = parse_record(read_text(resolver, record))
        locations.append(supporting(record))
    elif installed:
        metadata["Files"] = parse_installed_files(read_text(resolver, installed))
        locations.append(supporting(installed))
    top_level = dist.side("top_level.txt")
    if top_level:
        metadata["TopLevelPackages"] = [
            ln.strip() for ln in read_text(resolver, top_level).splitlines() if ln.strip()
        ]
        locations.append(supporting(top_level))
    direct_url = dist.side("direct_url.json")
    if direct_url:
        try:
            metadata["DirectURLOrigin"] = parse_direct_url(read_text(resolver, direct_url), direct_url)
            locations.append(supporting(direct_url))
        except Exception as exc:  # noqa: BLE001 - a bad direct_url.json only loses the origin
            out.warnings.append(str(exc))
    pkg = new_package(
        name,
        fields.get("Version", ""),
        CATALOGER,
        locations,
        "PythonPackage",
        metadata,
        _licences(dist, fields),
    )
    out.packages.append(pkg)
    return out


def _specification(pkg: Package) -> Specification:
    """An installed distribution provides its name and requires every Requires-Dist name,
    extras included (a relationship exists only when that distribution is installed)."""
    requires = [requirement_name(spec) for spec in pkg.metadata.get("RequiresDist") or []]
    return Specification(main=ProvidesRequires([package_ref(pkg.name)], [r for r in requires if r]))


def installed_relationships(packages: list[Package], venvs: list[VirtualEnv]) -> list[Relationship]:
    """``dependency-of`` edges among the distributions each interpreter can import together."""
    by_site: dict[str, dict[str, Package]] = {}
    for pkg in packages:
        site = site_packages_dir(pkg.locations[0].path if pkg.locations else "")
        by_site.setdefault(site, {}).setdefault(pkg.name, pkg)
    out: dict[tuple[str, str], Relationship] = {}
    for group in site_groups(venvs, list(by_site)):
        visible: dict[str, Package] = {}
        for site in group:
            for name, pkg in by_site.get(site, {}).items():
                visible.setdefault(name, pkg)
        for rel in resolve(visible.values(), _specification):
            out.setdefault((rel.from_id, rel.to_id), rel)
    return list(out.values())


def _virtual_envs(resolver: FileResolver, warnings: list[str]) -> list[VirtualEnv]:
    venvs = []
    for entry in resolver.glob(PYVENV_PATTERN):
        if entry.type not in _CONTENT:
            continue
        try:
            venvs.append(parse_pyvenv_cfg(read_text(resolver, entry.path), entry.path))
        except CatalogError as exc:  # an unreadable pyvenv.cfg: its venv resolves as a plain site
            warnings.append(str(exc))
    return venvs


@register_cataloger
class PythonInstalledCataloger:
    name: ClassVar[str] = CATALOGER
    patterns: ClassVar[tuple[str, ...]] = (
        METADATA_PATTERNS
        + LICENSE_PATTERNS
        + DECLARED_LICENSE_PATTERNS
        + tuple(f"**/*{_ANY}/{f}" for f in SIDE_FILES)
        + (PYVENV_PATTERN,)
    )

    def catalog(self, resolver: FileResolver, context: CatalogContext) -> CatalogResult:
        licence_index: dict[str, list[str]] = {}
        for entry in resolver.glob_any(LICENSE_PATTERNS):
            licence_index.setdefault(posixpath.dirname(entry.path), []).append(entry.path)
        paths = [e.path for e in resolver.glob_any(METADATA_PATTERNS) if e.type is not FileType.DIRECTORY]
        result = catalog_each(resolver, paths, lambda r, p: parse_distribution(r, p, licence_index))
        venvs = _virtual_envs(resolver, result.warnings)
        result.relationships.extend(installed_relationships(result.packages, venvs))
        return result
