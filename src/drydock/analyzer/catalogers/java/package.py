"""The one way Java packages are built, whichever file they come from (archive, pom, lock)."""

from __future__ import annotations

from typing import Any

from drydock.analyzer.catalogers.java.purl import maven_purl
from drydock.analyzer.model import License, Location, Package, PackageType


def java_package(
    name: str,
    version: str,
    found_by: str,
    location: Location,
    metadata: dict[str, Any],
    licenses: list[License] | None = None,
    type: PackageType = PackageType.JAVA_ARCHIVE,
) -> Package:
    """A ``JavaArchive``-metadata package with its maven PURL (group inferred from metadata)."""
    return Package(
        name=name,
        version=version,
        type=type,
        found_by=found_by,
        locations=[location],
        licenses=licenses or [],
        language="java",
        purl=maven_purl(name, version, metadata),
        metadata_type="JavaArchive",
        metadata=metadata,
    )
