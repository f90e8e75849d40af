"""PHP: Composer (composer.lock, vendor/composer/installed.json v1/v2) and PEAR/PECL registries."""

from __future__ import annotations

import posixpath
from typing import Any, ClassVar

from drydock.analyzer.catalogers.base import CatalogContext, CatalogError, register_cataloger
from drydock.analyzer.catalogers.dependency_graph import ProvidesRequires, Specification, resolve
from drydock.analyzer.catalogers.lang_package import language_package
from drydock.analyzer.catalogers.lockfile_util import (
    as_dict,
    as_list,
    as_str,
    catalog_each,
    catalog_text_files,
    loads_json,
    read_bytes,
)
from drydock.analyzer.catalogers.php_serialized import PhpUnserializeError, unserialize
from drydock.analyzer.catalogers.purl_util import package_url
from drydock.analyzer.filetree import FileResolver
from drydock.analyzer.model import CatalogResult, License, Location, Package, PackageType

LOCK_CATALOGER = "php-composer-lock-cataloger"
INSTALLED_CATALOGER = "php-composer-installed-cataloger"
PEAR_CATALOGER = "php-pear-serialized-cataloger"
DEFAULT_PEAR_CHANNEL = "pecl.php.net"

_STRINGS = {
    "name": "Name",
    "version": "Version",
    "type": "Type",
    "notification-url": "NotificationURL",
    "description": "Description",
    "homepage": "Homepage",
    "time": "Time",
}
_MAPS = {
    "require": "Require",
    "require-dev": "RequireDev",
    "suggest": "Suggest",
    "provide": "Provide",
    "conflict": "Conflict",
    "replace": "Replace",
}
_SOURCE = {"type": "Type", "url": "URL", "reference": "Reference", "shasum": "Shasum"}
_AUTHOR = {"name": "Name", "email": "Email", "homepage": "Homepage", "role": "Role"}


def composer_purl(name: str, version: str) -> str:
    """``vendor/name`` → namespace + name; extra path segments are folded into the name."""
    vendor, sep, rest = name.partition("/")
    if not sep:
        return package_url("composer", name, version)
    return package_url("composer", rest.replace("/", "-"), version, vendor)


def _pick(raw: dict[str, Any], fields: dict[str, str]) -> dict[str, str]:
    return {ours: as_str(raw[theirs]) for theirs, ours in fields.items() if as_str(raw.get(theirs))}


def composer_metadata(entry: dict[str, Any]) -> dict[str, Any]:
    meta: dict[str, Any] = _pick(entry, _STRINGS)
    for theirs, ours in (("source", "Source"), ("dist", "Dist")):
        picked = _pick(as_dict(entry.get(theirs)), _SOURCE)
        if picked:
            meta[ours] = picked
    for theirs, ours in _MAPS.items():
        value = {as_str(k): as_str(v) for k, v in as_dict(entry.get(theirs)).items()}
        if value:
            meta[ours] = value
    authors = [_pick(as_dict(a), _AUTHOR) for a in as_list(entry.get("authors"))]
    if authors:
        meta["Authors"] = authors
    for theirs, ours in (("keywords", "Keywords"), ("bin", "Bin")):
        items = [as_str(v) for v in as_list(entry.get(theirs)) if as_str(v)]
        if items:
            meta[ours] = items
    return meta


def _composer_packages(entries: list[Any], path: str, found_by: str, metadata_type: str) -> CatalogResult:
    packages = []
    for entry in map(as_dict, entries):
        meta = composer_metadata(entry)
        name, version = meta.get("Name", ""), meta.get("Version", "")
        if not name:
            continue
        licence_value = entry.get("license")
        licences = [
            License(value=as_str(v), locations=[Location(path=path)])
            for v in (licence_value if isinstance(licence_value, list) else [licence_value])
            if as_str(v)
        ]
        purl = composer_purl(name, version)
        packages.append(
            language_package(
                name,
                version,
                PackageType.PHP_COMPOSER,
                "php",
                found_by,
                path,
                purl,
                metadata_type,
                meta,
                licences,
            )
        )

    def spec(pkg: Package) -> Specification:
        return Specification(
            main=ProvidesRequires(provides=[pkg.name], requires=list(pkg.metadata.get("Require", {})))
        )

    return CatalogResult(packages=packages, relationships=resolve(packages, spec))


def parse_composer_lock(text: str, path: str) -> CatalogResult:
    doc = loads_json(text, path)
    if not isinstance(doc, dict):
        raise CatalogError(f"{path}: composer.lock is not an object")
    return _composer_packages(as_list(doc.get("packages")), path, LOCK_CATALOGER, "PhpComposerLockEntry")


def parse_installed_json(text: str, path: str) -> CatalogResult:
    """Composer 1 writes a bare array; Composer 2 wraps it as ``{"packages": [...]}``."""
    doc = loads_json(text, path)
    entries = doc if isinstance(doc, list) else as_list(as_dict(doc).get("packages"))
    if not isinstance(doc, (list, dict)):
        raise CatalogError(f"{path}: installed.json is neither a list nor an object")
    return _composer_packages(entries, path, INSTALLED_CATALOGER, "PhpComposerInstalledEntry")


def pear_purl(name: str, channel: str, version: str) -> str:
    return package_url("pear", name, version, channel or DEFAULT_PEAR_CHANNEL)


def parse_pear_registry(data: bytes, path: str, legacy_pecl: bool = False) -> CatalogResult:
    """A PEAR registry entry (``.registry/.channel.<host>/<name>.reg``, PHP-serialised)."""
    try:
        doc = unserialize(data)
    except PhpUnserializeError as exc:
        raise CatalogError(f"{path}: malformed PEAR registry ({exc})") from exc
    entry = as_dict(doc)
    name = as_str(entry.get("name"))
    version_field = entry.get("version")
    version = as_str(as_dict(version_field).get("release")) or as_str(version_field)
    if not name or not version:
        raise CatalogError(f"{path}: PEAR registry entry without name/version")
    channel = as_str(entry.get("channel"))
    licence_field = entry.get("license")
    licence = as_str(as_dict(licence_field).get("_content")) or as_str(licence_field)
    meta: dict[str, Any] = {
        "Name": name,
        "Channel": channel,
        "Version": version,
        "License": [licence] if licence else [],
    }
    pkg = language_package(
        name,
        version,
        PackageType.PHP_PECL if legacy_pecl else PackageType.PHP_PEAR,
        "php",
        PEAR_CATALOGER,
        path,
        pear_purl(name, channel, version),
        "PhpPeclEntry" if legacy_pecl else "PhpPearEntry",
        meta,
        [License(value=licence, locations=[Location(path=path)])] if licence else [],
    )
    return CatalogResult(packages=[pkg])


@register_cataloger
class ComposerLockCataloger:
    name: ClassVar[str] = LOCK_CATALOGER
    patterns: ClassVar[tuple[str, ...]] = ("**/composer.lock",)

    def catalog(self, resolver: FileResolver, context: CatalogContext) -> CatalogResult:
        return catalog_text_files(resolver, self.patterns, parse_composer_lock)


@register_cataloger
class ComposerInstalledCataloger:
    name: ClassVar[str] = INSTALLED_CATALOGER
    patterns: ClassVar[tuple[str, ...]] = ("**/installed.json",)

    def catalog(self, resolver: FileResolver, context: CatalogContext) -> CatalogResult:
        return catalog_text_files(resolver, self.patterns, parse_installed_json)


@register_cataloger
class PearCataloger:
    """PEAR and PECL share one registry format; ``php.legacy_pecl_type`` reports them with syft's
    deprecated ``php-pecl`` type for consumers that still expect it."""

    name: ClassVar[str] = PEAR_CATALOGER
    patterns: ClassVar[tuple[str, ...]] = ("**/php/.registry/**/*.reg",)

    def catalog(self, resolver: FileResolver, context: CatalogContext) -> CatalogResult:
        legacy = bool(context.config.get("php", {}).get("legacy_pecl_type", False))
        paths = [e.path for e in resolver.glob_any(self.patterns) if posixpath.basename(e.path) != ".reg"]
        return catalog_each(resolver, paths, lambda r, p: parse_pear_registry(read_bytes(r, p), p, legacy))
