"""Small catalogers and a scanner with the real contracts, so the pipeline can be tested
without depending on the ecosystem catalogers (which have their own tests)."""

from __future__ import annotations

from typing import ClassVar

from drydock.analyzer.catalogers.base import CatalogContext, CatalogError
from drydock.analyzer.filetree import FileResolver
from drydock.analyzer.model import CatalogResult, FileEntry, FileType, Location, Package, PackageType


class ListDbCataloger:
    """Reads ``/var/lib/fake/db`` lines ``name version file1,file2`` as OS (deb) packages."""

    name: ClassVar[str] = "fake-db-cataloger"
    patterns: ClassVar[tuple[str, ...]] = ("/var/lib/fake/db",)

    def catalog(self, resolver: FileResolver, context: CatalogContext) -> CatalogResult:
        out = CatalogResult()
        for entry in resolver.glob(self.patterns[0]):
            for line in resolver.read_text(entry.path).splitlines():
                name, version, files = line.split()
                out.packages.append(
                    Package(
                        name=name,
                        version=version,
                        type=PackageType.DEB,
                        found_by=self.name,
                        locations=[Location(entry.path, entry.layer, "primary")],
                        files=files.split(","),
                    )
                )
        return out


class ManifestCataloger:
    """Every ``**/fake.manifest`` (``name==version``) is a python package."""

    name: ClassVar[str] = "fake-manifest-cataloger"
    patterns: ClassVar[tuple[str, ...]] = ("**/fake.manifest",)

    def catalog(self, resolver: FileResolver, context: CatalogContext) -> CatalogResult:
        out = CatalogResult()
        for entry in resolver.glob(self.patterns[0]):
            name, _, version = resolver.read_text(entry.path).strip().partition("==")
            out.packages.append(
                Package(
                    name=name,
                    version=version,
                    type=PackageType.PYTHON,
                    found_by=self.name,
                    locations=[Location(entry.path, None, "primary")],
                    language="python",  # pipeline adds the layer
                )
            )
        return out


class BrokenCataloger:
    name: ClassVar[str] = "broken-cataloger"
    patterns: ClassVar[tuple[str, ...]] = ()

    def catalog(self, resolver: FileResolver, context: CatalogContext) -> CatalogResult:
        raise RuntimeError("boom")


class MagicScanner:
    """A 'binary classifier': executables starting with ``MAGIC name version``."""

    name: ClassVar[str] = "fake-magic-scanner"

    def wants(self, entry: FileEntry) -> bool:
        return entry.type in (FileType.REGULAR, FileType.HARDLINK) and bool(entry.mode & 0o111)

    def scan(self, entry: FileEntry, data: bytes, context: CatalogContext) -> CatalogResult:
        if data.startswith(b"BAD"):
            raise CatalogError("unparsable binary")
        if not data.startswith(b"MAGIC "):
            return CatalogResult()
        _, name, version = data.split()[:3]
        return CatalogResult(
            packages=[
                Package(
                    name=name.decode(),
                    version=version.decode(),
                    type=PackageType.BINARY,
                    found_by=self.name,
                    locations=[Location(entry.path, entry.layer, "primary")],
                )
            ]
        )
