"""Data model shared by every part of the analyzer.

Catalogers, sources and SBOM writers all speak these types, so they are kept free of I/O and
of any one output format. Field names follow syft's package model where one exists, because
the fixtures (and users comparing scanners) think in those terms.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class PackageType(StrEnum):
    """Package types, spelled as syft spells them (SBOM consumers key on these strings)."""

    DEB = "deb"
    APK = "apk"
    RPM = "rpm"
    PYTHON = "python"
    NPM = "npm"
    GEM = "gem"
    JAVA_ARCHIVE = "java-archive"
    JENKINS_PLUGIN = "jenkins-plugin"
    GO_MODULE = "go-module"
    RUST_CRATE = "rust-crate"
    DOTNET = "dotnet"
    PHP_COMPOSER = "php-composer"
    PHP_PEAR = "php-pear"
    PHP_PECL = "php-pecl"
    BINARY = "binary"
    UNKNOWN = "UnknownPackage"

    @property
    def is_os(self) -> bool:
        return self in (PackageType.DEB, PackageType.APK, PackageType.RPM)


@dataclass(frozen=True, slots=True)
class Location:
    """Where evidence for a package was found: a path in the squashed tree and the layer that
    last wrote it (``layer`` is the layer digest, None for ``dir:`` sources).

    ``access_path`` is how the evidence is reached when that is not the file itself: a jar
    nested in a war is ``/app.war:WEB-INF/lib/inner.jar`` (syft's ``accessPath``), while
    ``path`` stays the real file a layer holds, which ownership and layer lookups need."""

    path: str
    layer: str | None = None
    evidence: str | None = None  # "primary" | "supporting" | None, as syft's annotation
    access_path: str | None = None  # None: the same as ``path``

    @property
    def access(self) -> str:
        return self.access_path or self.path

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"path": self.path}
        if self.access_path and self.access_path != self.path:
            d["accessPath"] = self.access_path
        if self.layer:
            d["layer"] = self.layer
        if self.evidence:
            d["annotations"] = {"evidence": self.evidence}
        return d


@dataclass(slots=True)
class License:
    """One licence statement: an SPDX id or expression when known, else the raw value."""

    value: str
    spdx_expression: str | None = None
    type: str = "declared"  # "declared" | "concluded"
    locations: list[Location] = field(default_factory=list)
    urls: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"value": self.value, "type": self.type}
        if self.spdx_expression:
            d["spdxExpression"] = self.spdx_expression
        if self.locations:
            d["locations"] = [loc.to_dict() for loc in self.locations]
        if self.urls:
            d["urls"] = list(self.urls)
        return d


@dataclass(slots=True)
class Package:
    """A package found in the image.

    ``metadata`` holds the cataloger-specific record (dpkg fields, pom properties, ...) with
    syft's field names, tagged by ``metadata_type`` (the syft Go struct name, e.g.
    ``DpkgDBEntry``), so the SBOM writers and the policy engine can read it without knowing
    the cataloger. ``files`` lists the paths the package owns (OS packages), which is how
    language packages owned by an OS package are dropped.
    """

    name: str
    version: str
    type: PackageType
    found_by: str
    locations: list[Location] = field(default_factory=list)
    licenses: list[License] = field(default_factory=list)
    purl: str | None = None
    cpes: list[str] = field(default_factory=list)
    language: str = ""
    metadata_type: str | None = None
    metadata: dict[str, Any] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)

    @property
    def id(self) -> str:
        """Stable identity within one analysis: same package at the same place → same id (two
        copies of one jar nested in different archives of one file are different places)."""
        first = self.locations[0].access if self.locations else ""
        return f"{self.type}:{self.name}@{self.version}:{first}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "version": self.version,
            "type": str(self.type),
            "foundBy": self.found_by,
            "locations": [loc.to_dict() for loc in self.locations],
            "licenses": [lic.to_dict() for lic in self.licenses],
            "language": self.language,
            "cpes": list(self.cpes),
            "purl": self.purl or "",
            "metadataType": self.metadata_type or "",
            "metadata": self.metadata,
            "files": list(self.files),
        }


@dataclass(frozen=True, slots=True)
class Relationship:
    """``from_id`` relates to ``to_id``; types as syft: dependency-of, contains, ownership-by-file-overlap."""

    from_id: str
    to_id: str
    type: str

    def to_dict(self) -> dict[str, str]:
        return {"parent": self.to_id, "child": self.from_id, "type": self.type}


@dataclass(frozen=True, slots=True)
class Distro:
    """The Linux release of the image, as os-release (or its fallbacks) states it."""

    id: str
    version_id: str | None = None
    id_like: tuple[str, ...] = ()
    name: str | None = None
    pretty_name: str | None = None
    version_codename: str | None = None
    cpe_name: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "versionID": self.version_id or "",
            "idLike": list(self.id_like),
            "name": self.name or "",
            "prettyName": self.pretty_name or "",
            "versionCodename": self.version_codename or "",
            "cpeName": self.cpe_name or "",
        }


class FileType(StrEnum):
    REGULAR = "regular"
    DIRECTORY = "directory"
    SYMLINK = "symlink"
    HARDLINK = "hardlink"
    CHAR_DEVICE = "char-device"
    BLOCK_DEVICE = "block-device"
    FIFO = "fifo"
    OTHER = "other"


@dataclass(slots=True)
class FileEntry:
    """One path of the squashed tree (after whiteouts), with the layer that last wrote it."""

    path: str  # absolute, normalized, e.g. "/usr/bin/python3"
    type: FileType
    mode: int  # permission bits incl. setuid/setgid/sticky (no file-type bits)
    uid: int = 0
    gid: int = 0
    size: int = 0
    link_target: str | None = None  # symlink target as stored, or hard-link target path
    layer: str | None = None
    digests: dict[str, str] = field(default_factory=dict)  # algorithm -> hex
    mtime: int = 0

    @property
    def is_setuid(self) -> bool:
        return bool(self.mode & 0o4000)

    @property
    def is_setgid(self) -> bool:
        return bool(self.mode & 0o2000)

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {
            "path": self.path,
            "type": str(self.type),
            "mode": f"{self.mode:05o}",
            "uid": self.uid,
            "gid": self.gid,
            "size": self.size,
        }
        if self.link_target is not None:
            d["linkTarget"] = self.link_target
        if self.layer:
            d["layer"] = self.layer
        if self.digests:
            d["digests"] = [{"algorithm": k, "value": v} for k, v in sorted(self.digests.items())]
        return d


@dataclass(slots=True)
class CatalogResult:
    """What a cataloger run returns: packages, relationships between them, and the problems it
    met (malformed databases are reported here instead of failing the whole analysis)."""

    packages: list[Package] = field(default_factory=list)
    relationships: list[Relationship] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def extend(self, other: CatalogResult) -> None:
        self.packages.extend(other.packages)
        self.relationships.extend(other.relationships)
        self.warnings.extend(other.warnings)


@dataclass(slots=True)
class SecretMatch:
    """A named regex that matched a file, with the 1-based line numbers it matched on."""

    path: str
    name: str
    regex: str
    lines: list[int] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class MalwareMatch:
    """A file a malware scanner flagged: its path in the image, the signature that matched, and
    the layer that last wrote the file (the one to rebuild without it)."""

    path: str
    signature: str
    layer: str | None = None


@dataclass(slots=True)
class MalwareScan:
    """One scanner's run over the final tree: Anchore's ``malware`` content entry plus what was
    left out. ``error`` set means the scan did not complete (its findings may be incomplete and
    the policy gate treats it as not run); skipped files make the scan ``partial``."""

    scanner: str
    metadata: dict[str, Any] = field(default_factory=dict)
    findings: list[MalwareMatch] = field(default_factory=list)
    error: str | None = None
    files_scanned: int = 0
    bytes_scanned: int = 0
    skipped_too_large: int = 0  # files above the per-file limit
    skipped_over_total: int = 0  # files beyond the total-bytes limit

    @property
    def partial(self) -> bool:
        return bool(self.skipped_too_large or self.skipped_over_total)


@dataclass(slots=True)
class ImageAnalysis:
    """Everything one analysis found. The analysis document (what the platform stores) and
    every SBOM format are renderings of this object."""

    source: dict[str, Any]  # scheme, reference, digests, repo tags (ImageInfo summary)
    distro: Distro | None = None
    packages: list[Package] = field(default_factory=list)
    relationships: list[Relationship] = field(default_factory=list)
    files: list[FileEntry] = field(default_factory=list)
    secrets: list[SecretMatch] = field(default_factory=list)
    content_matches: list[SecretMatch] = field(default_factory=list)
    retrieved_files: dict[str, bytes] = field(default_factory=dict)
    image_metadata: dict[str, Any] = field(default_factory=dict)  # manifest, config, history, layers
    dockerfile: str | None = None
    dockerfile_mode: str = "Guessed"  # "Actual" when the user supplied one
    warnings: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    malware: list[MalwareScan] | None = None  # None: no malware scanner configured
