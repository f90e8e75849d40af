"""Java archives (jar, war, ear, hpi, ...) → packages, as syft's java-archive-cataloger.

One archive gives a *main* package (from MANIFEST.MF, refined by the pom.properties/pom.xml
that matches the file name), *aux* packages for every other ``META-INF/maven/**/pom.properties``
(shaded dependencies), and, recursively, the packages of archives nested inside it
(``WEB-INF/lib/*.jar``, Spring Boot ``BOOT-INF/lib``), named by the virtual path
``outer.war:WEB-INF/lib/inner.jar``.

Everything is read from memory with ``zipfile``; nothing is extracted. ``ArchiveBudget``
bounds what a hostile archive can cost: nesting depth, entry count, bytes inflated in total and
per member, and the compression ratio of large members (zip bombs).
"""

from __future__ import annotations

import hashlib
import io
import lzma
import posixpath
import zipfile
import zlib
from dataclasses import dataclass, field
from typing import Any

from drydock.analyzer.catalogers.base import CatalogError
from drydock.analyzer.catalogers.java.filename import ArchiveFilename, parse_archive_filename
from drydock.analyzer.catalogers.java.manifest import (
    JavaManifest,
    ManifestError,
    parse_manifest,
    select_name,
    select_version,
)
from drydock.analyzer.catalogers.java.maven import MavenResolver
from drydock.analyzer.catalogers.java.package import java_package
from drydock.analyzer.catalogers.java.pom import (
    PomError,
    PomProperties,
    PomXML,
    parse_pom_properties,
    parse_pom_xml,
    pom_licenses,
    project_metadata,
    spdx_expression,
)
from drydock.analyzer.catalogers.java.purl import group_id, maven_purl
from drydock.analyzer.catalogers.license_text import classify as classify_license_text
from drydock.analyzer.model import License, Location, Package, PackageType

CATALOGER_NAME = "java-archive-cataloger"

JAVA_ARCHIVE_EXTENSIONS = (
    ".jar",
    ".war",
    ".ear",
    ".par",
    ".sar",
    ".nar",
    ".jpi",
    ".hpi",
    ".kar",
    ".lpkg",
    ".rar",
    ".far",
    ".zap",
)
_LICENSE_FILE_NAMES = ("LICENSE", "LICENSE.txt", "LICENSE.md", "LICENCE", "LICENCE.txt", "COPYING")
_JENKINS_GROUPS = ("io.jenkins.plugins", "org.jenkins-ci.plugins")


# what inflating one damaged member can raise (deflate, bzip2 and lzma streams, CRC, encryption)
_MEMBER_ERRORS = (
    zipfile.BadZipFile,
    OSError,
    ValueError,
    EOFError,
    NotImplementedError,
    RuntimeError,
    zlib.error,
    lzma.LZMAError,
)


@dataclass(slots=True)
class ArchiveBudget:
    """Shared by one top-level archive and everything nested in it."""

    max_depth: int = 6
    max_entries: int = 100_000
    max_total_bytes: int = 512 << 20
    max_member_bytes: int = 128 << 20
    max_ratio: int = 200  # inflated/compressed, checked for members over 1 MiB
    spent: int = 0

    def take(self, info: zipfile.ZipInfo) -> str | None:
        """Reserve the inflated size of a member; the reason it is refused, or None."""
        if info.file_size > self.max_member_bytes:
            return f"{info.filename}: {info.file_size} bytes exceeds the per-member limit"
        if info.file_size > 1 << 20 and info.file_size > self.max_ratio * max(info.compress_size, 1):
            return f"{info.filename}: compression ratio looks like a zip bomb"
        if self.spent + info.file_size > self.max_total_bytes:
            return f"{info.filename}: archive exceeds the total inflate budget"
        self.spent += info.file_size
        return None


@dataclass(slots=True)
class ArchiveResult:
    packages: list[Package] = field(default_factory=list)
    edges: list[tuple[Package, Package]] = field(default_factory=list)  # (dependency, dependant)
    warnings: list[str] = field(default_factory=list)


class ZipView:
    """A zip opened from bytes, with budgeted member reads."""

    def __init__(self, data: bytes, label: str, budget: ArchiveBudget) -> None:
        try:
            self.zf = zipfile.ZipFile(io.BytesIO(data))
            self.infos = self.zf.infolist()
        except (*_MEMBER_ERRORS, zipfile.LargeZipFile) as exc:
            raise CatalogError(f"{label}: not a readable zip archive: {exc}") from exc
        if len(self.infos) > budget.max_entries:
            raise CatalogError(
                f"{label}: {len(self.infos)} entries exceeds the limit of {budget.max_entries}"
            )
        self.label = label
        self.budget = budget
        self.names = [i.filename for i in self.infos if not i.is_dir()]

    def read(self, name: str, warnings: list[str]) -> bytes | None:
        info = self.zf.getinfo(name)
        refused = self.budget.take(info)
        if refused:
            warnings.append(f"{self.label}: {refused}")
            return None
        try:
            return self.zf.read(info)
        except _MEMBER_ERRORS as exc:
            warnings.append(f"{self.label}: cannot read {name}: {exc}")
            return None

    def text(self, name: str, warnings: list[str]) -> str | None:
        raw = self.read(name, warnings)
        return None if raw is None else raw.decode("utf-8", "replace")

    def maven_files(self, leaf: str) -> list[str]:
        return sorted(n for n in self.names if n.startswith("META-INF/maven/") and n.endswith("/" + leaf))


def is_java_archive_name(path: str) -> bool:
    return path.lower().endswith(JAVA_ARCHIVE_EXTENSIONS)


@dataclass(slots=True)
class _PomInfo:
    properties: dict[str, PomProperties]  # by parent dir
    projects: dict[str, PomXML]

    def resolve(self, pom: PomXML) -> Any:
        """Values of a pom inside an archive: no repository to consult, only the pom itself."""
        return MavenResolver().resolver_for(pom)


def _read_poms(z: ZipView, warnings: list[str]) -> _PomInfo:
    properties: dict[str, PomProperties] = {}
    for name in z.maven_files("pom.properties"):
        text = z.text(name, warnings)
        if text is None:
            continue
        props = parse_pom_properties(name, text)
        if props.version and props.artifact_id:
            properties[posixpath.dirname(name)] = props
    projects: dict[str, PomXML] = {}
    for name in z.maven_files("pom.xml"):
        raw = z.read(name, warnings)
        if raw is None:
            continue
        try:
            projects[posixpath.dirname(name)] = parse_pom_xml(name, raw)
        except PomError as exc:
            warnings.append(f"{z.label}: {exc}")
    return _PomInfo(properties, projects)


def _artifact_matches(artifact: str, group: str, file_name: str, known: set[str]) -> int:
    """How well a pom names this archive: 3 exact artifact, 2 group-qualified file name
    (``org.multiple-thename``), 1 prefix/suffix; 0 no match."""
    if not artifact or not file_name:
        return 0
    if artifact == file_name:
        return 3
    if file_name in (f"{group}.{artifact}", f"{group}-{artifact}"):
        return 2
    if file_name in known:
        return 0
    return 1 if artifact.startswith(file_name) or file_name.endswith(artifact) else 0


def _main_pom(info: _PomInfo, fname: ArchiveFilename) -> tuple[PomProperties | None, PomXML | None]:
    """The pom.properties / pom.xml describing the archive itself: the best-matching one by
    artifactId against the file name, ties broken by path so the choice is stable."""
    known = {p.artifact_id for p in info.properties.values()}
    best: tuple[int, str] | None = None
    for parent, props in sorted(info.properties.items()):
        score = _artifact_matches(props.artifact_id, props.group_id, fname.name, known)
        if score and (best is None or score > best[0]):
            best = (score, parent)
    if best is not None:
        return info.properties[best[1]], info.projects.get(best[1])
    if not info.properties:
        for _, pom in sorted(info.projects.items()):
            resolve = info.resolve(pom)
            group = resolve(pom.group_id) or (pom.parent.group_id if pom.parent else "")
            if _artifact_matches(resolve(pom.artifact_id), group, fname.name, set()):
                return None, pom
    return None, None


def _manifest_licenses(manifest: JavaManifest, location: Location) -> list[License]:
    for key in ("Bundle-License", "Plugin-License-Name"):
        value = manifest.field_anywhere(key)
        if value:
            return [
                License(value=value, spdx_expression=spdx_expression(value) or None, locations=[location])
            ]
    return []


def _file_licenses(z: ZipView, location: Location, warnings: list[str]) -> list[License]:
    """LICENSE files shipped in the archive, recognised by their text (a concluded licence)."""
    out: list[License] = []
    for base in ("META-INF/", ""):
        for leaf in _LICENSE_FILE_NAMES:
            if base + leaf not in z.names:
                continue
            text = z.text(base + leaf, warnings)
            spdx = classify_license_text(text) if text else None
            if spdx:
                out.append(License(value=spdx, spdx_expression=spdx, type="concluded", locations=[location]))
        if out:
            break
    return out


def _finalize(pkg: Package) -> None:
    pkg.purl = maven_purl(pkg.name, pkg.version, pkg.metadata)
    if any(g in pkg.purl for g in _JENKINS_GROUPS):
        pkg.type = PackageType.JENKINS_PLUGIN


class _ArchiveParser:
    def __init__(
        self,
        data: bytes,
        real_path: str,
        virtual_path: str,
        layer: str | None,
        budget: ArchiveBudget,
        depth: int,
    ) -> None:
        self.z = ZipView(data, virtual_path, budget)
        self.data = data
        nested = virtual_path if virtual_path != real_path else None
        self.location = Location(real_path, layer, "primary", access_path=nested)
        self.virtual_path = virtual_path
        self.fname = parse_archive_filename(virtual_path.rsplit(":", 1)[-1])
        self.budget = budget
        self.depth = depth
        self.result = ArchiveResult()

    def parse(self, parent: Package | None) -> ArchiveResult:
        warnings = self.result.warnings
        poms = _read_poms(self.z, warnings)
        main = self._main_package(poms)
        if main is not None:
            # aux packages may rename the main one (its own pom.properties): finalize after
            aux = self._aux_packages(poms, main)
            _finalize(main)
            self.result.packages.append(main)
            if parent is not None:
                self.result.edges.append((main, parent))
            for pkg in aux:
                _finalize(pkg)
                self.result.packages.append(pkg)
                self.result.edges.append((pkg, main))
        self._nested(main if main is not None else parent)
        return self.result

    def _main_package(self, poms: _PomInfo) -> Package | None:
        warnings = self.result.warnings
        manifests = [n for n in self.z.names if n == "META-INF/MANIFEST.MF"]
        if not manifests:
            return None
        text = self.z.text(manifests[0], warnings)
        if text is None:
            return None
        try:
            manifest = parse_manifest(text)
        except ManifestError as exc:
            warnings.append(f"{self.virtual_path}: {exc}")
            return None
        if manifest.has("Weave-Classes"):
            # instrumentation jars (New Relic) name the library they weave, not themselves
            return None
        props, pom = _main_pom(poms, self.fname)
        resolve = poms.resolve(pom) if pom is not None else None
        name = (props.artifact_id if props else "") or (resolve(pom.artifact_id) if pom and resolve else "")
        version = (props.version if props else "") or (_pom_version(pom, resolve) if pom and resolve else "")
        name = name or select_name(manifest, self.fname)
        version = version or select_version(manifest, self.fname)
        licenses = _manifest_licenses(manifest, self.location) or _file_licenses(
            self.z, self.location, warnings
        )
        if not licenses and pom is not None:
            licenses = pom_licenses(pom.licenses, self.location)
        metadata: dict[str, Any] = {
            "VirtualPath": self.virtual_path,
            "Manifest": manifest.to_dict(),
            "ArchiveDigests": [{"Algorithm": "sha1", "Value": hashlib.sha1(self.data).hexdigest()}],
        }
        if pom is not None and resolve is not None:
            metadata["PomProject"] = project_metadata(pom, resolve)
        if props is not None:
            metadata["PomProperties"] = props.to_dict()
        kind = props.package_type if props else self.fname.package_type
        return java_package(name, version, CATALOGER_NAME, self.location, metadata, licenses, kind)

    def _aux_packages(self, poms: _PomInfo, main: Package) -> list[Package]:
        out: list[Package] = []
        main_group = group_id(main.metadata)
        for parent_dir, props in sorted(poms.properties.items()):
            pom = poms.projects.get(parent_dir)
            same = (props.group_id, props.artifact_id, props.version) == (main_group, main.name, main.version)
            virtual = (
                self.virtual_path if same else f"{self.virtual_path}:{props.group_id}:{props.artifact_id}"
            )
            if same or virtual == main.metadata["VirtualPath"] or props.artifact_id == main.name:
                _absorb(main, props)
                continue
            metadata: dict[str, Any] = {"VirtualPath": virtual, "PomProperties": props.to_dict()}
            licenses: list[License] = []
            if pom is not None:
                resolve = poms.resolve(pom)
                metadata["PomProject"] = project_metadata(pom, resolve)
                licenses = pom_licenses(pom.licenses, self.location)
            out.append(
                java_package(
                    props.artifact_id,
                    props.version,
                    CATALOGER_NAME,
                    self.location,
                    metadata,
                    licenses,
                    props.package_type,
                )
            )
        return out

    def _nested(self, parent: Package | None) -> None:
        nested = sorted(n for n in self.z.names if is_java_archive_name(n))
        if not nested:
            return
        if self.depth + 1 > self.budget.max_depth:
            self.result.warnings.append(
                f"{self.virtual_path}: nested archives deeper than {self.budget.max_depth} skipped"
            )
            return
        for name in nested:
            data = self.z.read(name, self.result.warnings)
            if data is None:
                continue
            try:
                sub = _ArchiveParser(
                    data,
                    self.location.path,
                    f"{self.virtual_path}:{name}",
                    self.location.layer,
                    self.budget,
                    self.depth + 1,
                ).parse(parent)
            except CatalogError as exc:
                self.result.warnings.append(str(exc))
                continue
            self.result.packages.extend(sub.packages)
            self.result.edges.extend(sub.edges)
            self.result.warnings.extend(sub.warnings)


def _pom_version(pom: PomXML, resolve: Any) -> str:
    return resolve(pom.version) or (resolve(pom.parent.version) if pom.parent else "")


def _absorb(main: Package, props: PomProperties) -> None:
    """The pom.properties describes the archive itself: it is a better source of name and
    version than the manifest (syft's updateParentPackage). Once one pom.properties has been
    chosen for the archive, another with the same artifactId (a fork from another group)
    does not override it."""
    if "PomProperties" in main.metadata:
        return
    main.name = props.artifact_id
    main.version = props.version
    main.type = props.package_type
    main.metadata["PomProperties"] = props.to_dict()


def parse_java_archive(
    data: bytes,
    real_path: str,
    virtual_path: str,
    layer: str | None = None,
    budget: ArchiveBudget | None = None,
    parent: Package | None = None,
    depth: int = 0,
) -> ArchiveResult:
    """Packages in one Java archive (and its nested archives). Raises CatalogError when the
    bytes are not a zip archive at all."""
    parser = _ArchiveParser(data, real_path, virtual_path, layer, budget or ArchiveBudget(), depth)
    return parser.parse(parent)
