""".NET: ``*.deps.json`` (what a built app loads), NuGet ``packages.lock.json`` files, and
assemblies (PE files with a CLR header) named by their version resources."""

from __future__ import annotations

import re
from typing import Any, ClassVar

from drydock.analyzer.catalogers.base import CatalogContext, CatalogError, register_cataloger
from drydock.analyzer.catalogers.dependency_graph import ProvidesRequires, Specification, resolve
from drydock.analyzer.catalogers.lang_package import language_package
from drydock.analyzer.catalogers.lockfile_util import (
    as_dict,
    as_str,
    catalog_text_files,
    loads_json,
)
from drydock.analyzer.catalogers.purl_util import package_url
from drydock.analyzer.filetree import FileResolver
from drydock.analyzer.model import CatalogResult, Location, Package, PackageType

DEPS_CATALOGER = "dotnet-deps-cataloger"
LOCK_CATALOGER = "dotnet-packages-lock-cataloger"
PE_CATALOGER = "dotnet-portable-executable-cataloger"

_NOT_PACKAGES = {"referenceassembly"}
_VERSION = re.compile(r"^(\d+)(?:\.(\d+))?(\.\d+)*$")
_NETCORE_RUNTIME = re.compile(r"^(?:runtimepack\.)?Microsoft\.NETCore\.App(?:\.Runtime\..+)?$")
_ASPNET_RUNTIME = re.compile(r"^(?:runtimepack\.)?Microsoft\.AspNetCore\.App(?:\.Runtime\..+)?$")


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


def parse_deps_json(text: str, path: str) -> CatalogResult:
    doc = loads_json(text, path)
    if not isinstance(doc, dict):
        raise CatalogError(f"{path}: deps.json is not an object")
    target_name = as_str(as_dict(doc.get("runtimeTarget")).get("name"))
    targets = as_dict(doc.get("targets"))
    target = as_dict(targets.get(target_name)) or next((as_dict(t) for t in targets.values()), {})
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
