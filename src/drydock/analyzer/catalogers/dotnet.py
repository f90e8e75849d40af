""".NET: ``*.deps.json`` (what a built app loads), NuGet ``packages.lock.json`` files, and
assemblies (PE files with a CLR header) named by their version resources.

A deps.json and the assemblies published beside it describe the same packages, so they are
correlated as syft's dotnet-deps-binary-cataloger does: an assembly at a path the deps.json
claims for a library (``targets…runtime|resources|compile`` with the ``lib/<tfm>/`` prefix
trimmed, or ``native`` as is, relative to the deps.json directory) becomes supporting evidence
of that library's package (``Executables`` keyed by the claimed target path) instead of a
package of its own. Libraries without a matching assembly are kept (syft's default
``dep-packages-must-have-dll: false``); assemblies no deps.json claims stay packages.
"""

from __future__ import annotations

import posixpath
import re
from typing import Any, ClassVar

from drydock.analyzer.catalogers.base import CatalogContext, CatalogError, register_cataloger
from drydock.analyzer.catalogers.dependency_graph import (
    DEPENDENCY_OF,
    ProvidesRequires,
    Specification,
    resolve,
)
from drydock.analyzer.catalogers.lang_package import language_package
from drydock.analyzer.catalogers.lockfile_util import (
    as_dict,
    as_str,
    catalog_text_files,
    loads_json,
    read_text,
)
from drydock.analyzer.catalogers.purl_util import package_url
from drydock.analyzer.filetree import FileResolver
from drydock.analyzer.model import CatalogResult, Location, Package, PackageType, Relationship

DEPS_CATALOGER = "dotnet-deps-cataloger"
LOCK_CATALOGER = "dotnet-packages-lock-cataloger"
PE_CATALOGER = "dotnet-portable-executable-cataloger"

_NOT_PACKAGES = {"referenceassembly"}
_VERSION = re.compile(r"^(\d+)(?:\.(\d+))?(\.\d+)*$")
_NETCORE_RUNTIME = re.compile(r"^(?:runtimepack\.)?Microsoft\.NETCore\.App(?:\.Runtime\..+)?$")
_ASPNET_RUNTIME = re.compile(r"^(?:runtimepack\.)?Microsoft\.AspNetCore\.App(?:\.Runtime\..+)?$")
_DEPS_PREFIX = re.compile(r"([^\\/]+)\.deps\.json$")
_EXE_PREFIX = re.compile(r"([^\\/]+)\.exe$")
_LIB_PREFIX = re.compile(r"^(?:runtimes/[^/]+/)?lib/net[^/]+/(.+)")
# Where a library's target entry claims assemblies, in the order syft tries them.
_CLAIM_SECTIONS = ("runtime", "resources", "compile")


def nuget_purl(name: str, version: str) -> str:
    return package_url("nuget", name, version)


def runtime_cpe_attributes(name: str, version: str) -> dict[str, str] | None:
    """Vendor/product/version of a .NET runtime package (declared CPE), else None.

    .NET Core was renamed .NET at 5.0, and NVD names the products accordingly.
    """
    m = _VERSION.match(version)
    if not m:
        return None
    full = version if m.group(2) is not None else f"{version}.0"
    if _ASPNET_RUNTIME.match(name):
        product = "asp.net_core"
    elif _NETCORE_RUNTIME.match(name):
        product = ".net_core" if int(m.group(1)) < 5 else ".net"
    else:
        return None
    return {"Part": "a", "Vendor": "microsoft", "Product": product, "Version": full}


def _cpes(name: str, version: str) -> list[str]:
    attrs = runtime_cpe_attributes(name, version)
    if not attrs:
        return []
    return [f"cpe:2.3:{attrs['Part']}:{attrs['Vendor']}:{attrs['Product']}:{attrs['Version']}:*:*:*:*:*:*:*"]


def _package(
    name: str,
    version: str,
    found_by: str,
    path: str | list[Location],
    metadata_type: str,
    metadata: dict[str, Any],
) -> Package:
    purl = nuget_purl(name, version)
    return language_package(
        name,
        version,
        PackageType.DOTNET,
        "dotnet",
        found_by,
        path,
        purl,
        metadata_type,
        metadata,
        cpes=_cpes(name, version),
    )


def assembly_package(
    name: str, version: str, vr: dict[str, str], path: str, layer: str | None
) -> Package | None:
    """A .NET assembly as syft's dotnet-portable-executable-cataloger reports it (nuget purl,
    ``DotnetPortableExecutableEntry``); None without a name and a version, as syft, since an
    assembly that does not say what it is identifies nothing a feed could match."""
    if not name or not version:
        return None
    metadata = {
        "AssemblyVersion": vr.get("Assembly Version", ""),
        "LegalCopyright": vr.get("LegalCopyright", ""),
        "Comments": vr.get("Comments", ""),
        "InternalName": vr.get("InternalName", ""),
        "CompanyName": vr.get("CompanyName", ""),
        "ProductName": vr.get("ProductName", ""),
        "ProductVersion": vr.get("ProductVersion", ""),
    }
    location = [Location(path, layer, "primary")]
    return _package(name, version, PE_CATALOGER, location, "DotnetPortableExecutableEntry", metadata)


def _by_name(packages: list[Package], deps: dict[str, list[str]]) -> list[Any]:
    specs = {
        p.id: Specification(main=ProvidesRequires(provides=[p.name], requires=deps.get(p.id, [])))
        for p in packages
    }
    return resolve(packages, lambda p: specs[p.id])


def _runtime_target(doc: dict[str, Any]) -> dict[str, Any]:
    """The deps.json target the app runs (``runtimeTarget``), else the first one listed."""
    targets = as_dict(doc.get("targets"))
    name = as_str(as_dict(doc.get("runtimeTarget")).get("name"))
    return as_dict(targets.get(name)) or next((as_dict(t) for t in targets.values()), {})


def parse_deps_json(text: str, path: str) -> CatalogResult:
    doc = loads_json(text, path)
    if not isinstance(doc, dict):
        raise CatalogError(f"{path}: deps.json is not an object")
    target = _runtime_target(doc)
    packages: list[Package] = []
    deps: dict[str, list[str]] = {}
    for key, raw in as_dict(doc.get("libraries")).items():
        lib = as_dict(raw)
        name, _, version = as_str(key).partition("/")
        if not name or as_str(lib.get("type")) in _NOT_PACKAGES:
            continue
        metadata = {
            "Name": name,
            "Version": version,
            "Sha512": as_str(lib.get("sha512")),
            "Path": as_str(lib.get("path")),
            "HashPath": as_str(lib.get("hashPath")),
            "Type": as_str(lib.get("type")),
        }
        pkg = _package(name, version, DEPS_CATALOGER, path, "DotnetDepsEntry", metadata)
        packages.append(pkg)
        deps[pkg.id] = list(as_dict(as_dict(target.get(key)).get("dependencies")))
    return CatalogResult(packages=packages, relationships=_by_name(packages, deps))


def parse_packages_lock(text: str, path: str) -> CatalogResult:
    doc = loads_json(text, path)
    if not isinstance(doc, dict):
        raise CatalogError(f"{path}: packages.lock.json is not an object")
    seen: dict[tuple[str, str], Package] = {}
    deps: dict[str, list[str]] = {}
    for framework in as_dict(doc.get("dependencies")).values():
        for name, raw in as_dict(framework).items():
            entry = as_dict(raw)
            version = as_str(entry.get("resolved"))
            if (name, version) in seen:
                continue
            metadata = {
                "Name": name,
                "Version": version,
                "ContentHash": as_str(entry.get("contentHash")),
                "Type": as_str(entry.get("type")),
            }
            pkg = _package(name, version, LOCK_CATALOGER, path, "DotnetPackagesLockEntry", metadata)
            seen[(name, version)] = pkg
            deps[pkg.id] = list(as_dict(entry.get("dependencies")))
    packages = list(seen.values())
    return CatalogResult(packages=packages, relationships=_by_name(packages, deps))


def deps_json_file_prefix(path: str) -> str:
    """The app a ``<App>.deps.json`` (or single-file ``<App>.exe``) belongs to; Windows or
    POSIX separators, since the name is all that matters."""
    m = _DEPS_PREFIX.search(path) or _EXE_PREFIX.search(path)
    return m.group(1) if m else ""


def _is_runtime(name: str) -> bool:
    return bool(_NETCORE_RUNTIME.match(name) or _ASPNET_RUNTIME.match(name))


def _trim_lib_prefix(path: str) -> str:
    """``lib/net8.0/X.dll`` or ``runtimes/linux-x64/lib/netcoreapp3.1/X.dll`` → ``X.dll``: the
    path a published app places the assembly at, relative to its deps.json."""
    m = _LIB_PREFIX.match(path)
    return m.group(1) if m else path


def claimed_assemblies(text: str, path: str) -> dict[str, dict[str, str]]:
    """``Name/Version`` → {published relative path → claimed target path} of a deps.json."""
    doc = as_dict(loads_json(text, path))
    target = _runtime_target(doc)
    out: dict[str, dict[str, str]] = {}
    for key, raw in target.items():
        entry = as_dict(raw)
        claims: dict[str, str] = {}
        for section in _CLAIM_SECTIONS:
            for claimed in as_dict(entry.get(section)):
                claims.setdefault(_trim_lib_prefix(claimed), claimed)
        for native in as_dict(entry.get("native")):
            claims.setdefault(native, native)
        out[as_str(key)] = claims
    return out


def _inside(directory: str, parent: str) -> bool:
    return parent == "/" or directory == parent or directory.startswith(parent + "/")


class _DepsDoc:
    """One deps.json: its packages by ``Name/Version`` and the assemblies each one claims."""

    def __init__(self, path: str, packages: dict[str, Package], claims: dict[str, dict[str, str]]):
        self.path = path
        self.app_dir = posixpath.dirname(path) or "/"
        self.packages = packages
        self.claims = claims

    def root(self) -> Package | None:
        """The project the file is named after: by convention only, so it may be absent."""
        name = deps_json_file_prefix(self.path)
        for pkg in self.packages.values():
            if pkg.name == name and pkg.metadata.get("Type") == "project":
                return pkg
        return None

    def attach(self, assembly: Package) -> bool:
        """Make ``assembly`` evidence of every package claiming its path; False if none does."""
        where = assembly.locations[0]
        if not _inside(posixpath.dirname(where.path), self.app_dir):
            return False
        relative = where.path[len(self.app_dir) :].lstrip("/")
        found = False
        for key, claims in self.claims.items():
            target = claims.get(relative)
            pkg = self.packages.get(key)
            if target is None or pkg is None:
                continue
            pkg.locations.append(Location(where.path, where.layer, "supporting", where.access_path))
            pkg.metadata.setdefault("Executables", {})[target] = dict(assembly.metadata)
            found = True
        return found


def _deps_docs(result: CatalogResult, resolver: FileResolver) -> list[_DepsDoc]:
    by_doc: dict[str, dict[str, Package]] = {}
    for pkg in result.packages:
        if pkg.found_by == DEPS_CATALOGER and pkg.locations:
            key = f"{pkg.metadata.get('Name', '')}/{pkg.metadata.get('Version', '')}"
            by_doc.setdefault(pkg.locations[0].path, {})[key] = pkg
    docs = []
    for path, packages in by_doc.items():
        try:
            claims = claimed_assemblies(read_text(resolver, path), path)
        except CatalogError as exc:  # it parsed a moment ago; only a vanished file lands here
            result.warnings.append(str(exc))
            continue
        docs.append(_DepsDoc(path, packages, claims))
    # The most specific deps.json first, as syft; one assembly may still serve several.
    return sorted(docs, key=lambda d: len(d.path), reverse=True)


def correlate_assemblies(result: CatalogResult, resolver: FileResolver) -> None:
    """Fold assemblies (dotnet-portable-executable-cataloger) into the deps.json packages that
    claim them, and make every .NET runtime package a dependency of every app root — syft's
    dotnet-deps-binary-cataloger over the two catalogers' findings. Runs after the layer
    scanners, which read the assemblies while the layers stream past."""
    docs = _deps_docs(result, resolver)
    if not docs:
        return
    consumed: set[int] = set()
    for pkg in result.packages:
        if pkg.found_by == PE_CATALOGER and pkg.locations:
            attached = [doc.attach(pkg) for doc in docs]
            if any(attached):
                consumed.add(id(pkg))
    result.packages = [p for p in result.packages if id(p) not in consumed]
    runtimes = [p for doc in docs for p in doc.packages.values() if _is_runtime(p.name)]
    roots = [r for r in (doc.root() for doc in docs) if r is not None]
    result.relationships.extend(
        Relationship(from_id=rt.id, to_id=root.id, type=DEPENDENCY_OF) for root in roots for rt in runtimes
    )


@register_cataloger
class DotnetDepsCataloger:
    name: ClassVar[str] = DEPS_CATALOGER
    patterns: ClassVar[tuple[str, ...]] = ("**/*.deps.json",)

    def catalog(self, resolver: FileResolver, context: CatalogContext) -> CatalogResult:
        return catalog_text_files(resolver, self.patterns, parse_deps_json)


@register_cataloger
class DotnetPackagesLockCataloger:
    name: ClassVar[str] = LOCK_CATALOGER
    patterns: ClassVar[tuple[str, ...]] = ("**/packages.lock.json",)

    def catalog(self, resolver: FileResolver, context: CatalogContext) -> CatalogResult:
        return catalog_text_files(resolver, self.patterns, parse_packages_lock)
