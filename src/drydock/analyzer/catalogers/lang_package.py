"""One constructor for language packages, so every ecosystem fills the same fields the same way
(a single primary location, language, metadata without empty fields)."""

from __future__ import annotations

from typing import Any

from drydock.analyzer.catalogers.lockfile_util import primary
from drydock.analyzer.model import License, Location, Package, PackageType


def language_package(
    name: str,
    version: str,
    type_: PackageType,
    language: str,
    found_by: str,
    location: str | list[Location],
    purl: str,
    metadata_type: str | None = None,
    metadata: dict[str, Any] | None = None,
    licenses: list[License] | None = None,
    cpes: list[str] | None = None,
) -> Package:
    return Package(
        name=name,
        version=version,
        type=type_,
        found_by=found_by,
        locations=[primary(location)] if isinstance(location, str) else location,
        licenses=licenses or [],
        purl=purl,
        cpes=cpes or [],
        language=language,
        metadata_type=metadata_type,
        metadata={k: v for k, v in (metadata or {}).items() if v not in ("", None, [], {})},
    )
