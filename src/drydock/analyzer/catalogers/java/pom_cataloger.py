"""java-pom-cataloger: ``pom.xml`` files of source trees → the project and its dependencies.

Configuration (``context.config["java"]``): ``maven_local_repository_dir`` (a directory of the
scanned tree laid out as a Maven repository, e.g. ``/root/.m2/repository``) enables parent,
BOM and licence resolution; ``resolve_transitive_dependencies`` also follows each dependency's
own pom found there.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from drydock.analyzer.catalogers.base import CatalogContext, CatalogError, register_cataloger
from drydock.analyzer.catalogers.java.maven import Coordinates, MavenResolver
from drydock.analyzer.catalogers.java.package import java_package
from drydock.analyzer.catalogers.java.pom import (
    PomError,
    PomXML,
    parse_pom_xml,
    pom_licenses,
    project_metadata,
)
from drydock.analyzer.catalogers.lockfile_util import catalog_each, primary, read_bytes
from drydock.analyzer.filetree import FileResolver
from drydock.analyzer.model import CatalogResult, FileType, Location, Package, Relationship

CATALOGER_NAME = "java-pom-cataloger"
_MAX_TRANSITIVE = 2000


@dataclass(frozen=True, slots=True)
class PomConfig:
    repository_dir: str = ""
    transitive: bool = False

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> PomConfig:
        java = config.get("java") or {}
        return cls(
            repository_dir=java.get("maven_local_repository_dir", "") or "",
            transitive=bool(java.get("resolve_transitive_dependencies", False)),
        )


def _project_package(pom: PomXML, maven: MavenResolver, location: Location) -> Package:
    project = {k: v for k, v in project_metadata(pom, maven.resolver_for(pom)).items() if k != "Path"}
    metadata = {"PomProject": project}
    coords = maven.coordinates(pom)
    licenses = pom_licenses(maven.licenses(pom), location)
    return java_package(coords.artifact, coords.version, CATALOGER_NAME, location, metadata, licenses)


@dataclass(slots=True)
class _Walk:
    maven: MavenResolver
    location: Location
    transitive: bool
    result: CatalogResult = field(default_factory=CatalogResult)
    visited: set[Coordinates] = field(default_factory=set)

    def dependencies(self, pom: PomXML, owner: Package) -> None:
        for dep in pom.dependencies:
            if len(self.result.packages) >= _MAX_TRANSITIVE:
                self.result.warnings.append(f"{self.location.path}: dependency graph truncated")
                return
            coords = self.maven.dependency(pom, dep)
            props = {
                k: v
                for k, v in (("GroupID", coords.group), ("ArtifactID", coords.artifact), ("Scope", dep.scope))
                if v
            }
            metadata: dict[str, Any] = {"PomProperties": props}
            dep_pom = self.maven.load(coords) if self.transitive else None
            licenses = []
            if dep_pom is not None:
                project = project_metadata(dep_pom, self.maven.resolver_for(dep_pom))
                metadata = {
                    "PomProject": {
                        k: v
                        for k, v in project.items()
                        if k in ("GroupID", "ArtifactID", "Version", "Parent")
                    },
                    "PomProperties": props,
                }
                # the licence is declared by a repository pom, not by the file being scanned
                licenses = pom_licenses(self.maven.licenses(dep_pom), None)
            pkg = java_package(
                coords.artifact, coords.version, CATALOGER_NAME, self.location, metadata, licenses
            )
            self.result.packages.append(pkg)
            self.result.relationships.append(Relationship(pkg.id, owner.id, "dependency-of"))
            if dep_pom is not None and coords not in self.visited:
                self.visited.add(coords)
                self.dependencies(dep_pom, pkg)


def catalog_pom(files: FileResolver, path: str, config: PomConfig) -> CatalogResult:
    try:
        pom = parse_pom_xml(path, read_bytes(files, path))
    except PomError as exc:
        raise CatalogError(str(exc)) from exc
    maven = MavenResolver(files, config.repository_dir)
    location = primary(path)
    main = _project_package(pom, maven, location)
    walk = _Walk(maven, location, config.transitive)
    walk.visited.add(maven.coordinates(pom))
    walk.result.packages.append(main)
    walk.dependencies(pom, main)
    return walk.result


@register_cataloger
class PomCataloger:
    name = CATALOGER_NAME
    patterns = ("**/pom.xml", "**/.m2/repository/**/*.pom")

    def catalog(self, resolver: FileResolver, context: CatalogContext) -> CatalogResult:
        config = PomConfig.from_config(context.config)
        paths = [e.path for e in resolver.glob("**/pom.xml") if e.type is FileType.REGULAR]
        return catalog_each(resolver, paths, lambda r, p: catalog_pom(r, p, config))
