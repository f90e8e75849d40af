"""``javascript-package-cataloger``: every package.json (installed node_modules and projects)."""

from __future__ import annotations

from typing import Any, ClassVar

from drydock.analyzer.catalogers.base import CatalogContext, register_cataloger
from drydock.analyzer.catalogers.javascript.common import licences_from, new_npm_package
from drydock.analyzer.catalogers.lockfile_util import (
    as_dict,
    as_str,
    catalog_each,
    loads_json,
    primary,
    read_text,
)
from drydock.analyzer.filetree import FileResolver
from drydock.analyzer.model import CatalogResult, License, Package

CATALOGER = "javascript-package-cataloger"


def _person(value: Any) -> str:
    """``name <email> (url)`` from a person string or object."""
    if isinstance(value, str):
        return value.strip()
    person = as_dict(value)
    text = as_str(person.get("name"))
    if person.get("email"):
        text += f" <{as_str(person['email'])}>"
    if person.get("url"):
        text += f" ({as_str(person['url'])})"
    return text.strip()


def authors(manifest: dict[str, Any]) -> str:
    """Everyone credited (author, authors, contributors, maintainers), comma-joined."""
    people: list[str] = []
    for key in ("author", "authors", "contributors", "maintainers"):
        value = manifest.get(key)
        for item in value if isinstance(value, list) else [value]:
            if item is not None:
                text = _person(item)
                if text:
                    people.append(text)
    return ", ".join(people)


def manifest_licences(manifest: dict[str, Any], path: str) -> list[License]:
    """``license`` (string/object), else ``licenses`` objects; bare strings there are invalid."""
    if manifest.get("license"):
        return licences_from(manifest["license"], path)
    items = manifest.get("licenses")
    return licences_from([i for i in items if isinstance(i, dict)], path) if isinstance(items, list) else []


def package_from_manifest(manifest: dict[str, Any], path: str) -> Package:
    repo = manifest.get("repository")
    metadata: dict[str, Any] = {
        "Name": as_str(manifest.get("name")),
        "Version": as_str(manifest.get("version")),
        "Author": authors(manifest),
        "Homepage": as_str(manifest.get("homepage")),
        "Description": as_str(manifest.get("description")),
        "URL": as_str(repo) or as_str(as_dict(repo).get("url")),
        "Private": manifest.get("private") is True,
    }
    return new_npm_package(
        metadata["Name"],
        metadata["Version"],
        CATALOGER,
        primary(path),
        "NpmPackage",
        {k: v for k, v in metadata.items() if v},
        manifest_licences(manifest, path),
    )


def parse_package_json(resolver: FileResolver, path: str) -> CatalogResult:
    manifest = loads_json(read_text(resolver, path), path)
    if not isinstance(manifest, dict):
        return CatalogResult(warnings=[f"{path}: package.json is not an object"])
    return CatalogResult(packages=[package_from_manifest(manifest, path)])


@register_cataloger
class JavascriptPackageCataloger:
    name: ClassVar[str] = CATALOGER
    patterns: ClassVar[tuple[str, ...]] = ("**/package.json",)

    def catalog(self, resolver: FileResolver, context: CatalogContext) -> CatalogResult:
        paths = [e.path for e in resolver.glob_any(self.patterns)]
        result = catalog_each(resolver, paths, parse_package_json)
        # Nameless manifests (``{"type": "module"}`` in a package's dist/ folder) are not packages;
        # syft drops them in its compliance pass, which drydock does in the cataloger.
        result.packages = [p for p in result.packages if p.name]
        return result
