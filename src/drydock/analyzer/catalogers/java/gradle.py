"""java-gradle-lockfile-cataloger: ``gradle.lockfile`` (``group:artifact:version=configurations``)."""

from __future__ import annotations

from drydock.analyzer.catalogers.base import CatalogContext, register_cataloger
from drydock.analyzer.catalogers.java.package import java_package
from drydock.analyzer.catalogers.lockfile_util import catalog_each, primary, read_text
from drydock.analyzer.filetree import FileResolver
from drydock.analyzer.model import CatalogResult, Package

CATALOGER_NAME = "java-gradle-lockfile-cataloger"


def parse_gradle_lockfile(path: str, text: str) -> list[Package]:
    out: list[Package] = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        coords = line.split("=", 1)[0]
        parts = coords.split(":")
        if len(parts) != 3 or not all(parts):
            continue  # "empty=..." and anything not group:artifact:version
        group, artifact, version = parts
        metadata = {
            "PomProject": {"GroupID": group, "ArtifactID": artifact, "Version": version, "Name": artifact}
        }
        out.append(java_package(artifact, version, CATALOGER_NAME, primary(path), metadata))
    return out


@register_cataloger
class GradleLockfileCataloger:
    name = CATALOGER_NAME
    patterns = ("**/gradle.lockfile*",)

    def catalog(self, resolver: FileResolver, context: CatalogContext) -> CatalogResult:
        paths = [e.path for e in resolver.glob_any(self.patterns)]
        return catalog_each(
            resolver,
            paths,
            lambda r, path: CatalogResult(packages=parse_gradle_lockfile(path, read_text(r, path))),
        )
