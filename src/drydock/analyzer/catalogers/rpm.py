"""RPM packages: the rpmdb (SQLite, Berkeley DB, NDB), CBL-Mariner's distroless manifest and
loose ``.rpm`` files.

The databases are decoded by ``drydock.analyzer.rpmdb`` (pure Python, no librpm). As in syft,
a package's metadata file list keeps only files present in the scanned tree, while
``Package.files`` keeps every path the header claims that is present or that rpm laid down
(not %ghost, not skipped by nodocs): the orchestrator's ownership filter needs the first, and
``packages:verify`` reports the rest missing.
"""

from __future__ import annotations

import struct
from collections.abc import Callable
from typing import Any, ClassVar

from drydock.analyzer.catalogers.base import (
    CatalogContext,
    CatalogError,
    register_cataloger,
    register_scanner,
)
from drydock.analyzer.catalogers.lockfile_util import primary
from drydock.analyzer.filetree import FileResolver
from drydock.analyzer.model import (
    CatalogResult,
    Distro,
    FileEntry,
    FileType,
    License,
    Location,
    Package,
    PackageType,
)
from drydock.analyzer.ospkg import build_purl, read_databases
from drydock.analyzer.rpmdb import HeaderError, RpmHeaderInfo, read_packages
from drydock.analyzer.rpmdb.header import file_flags, header_info, parse_header
from drydock.analyzer.rpmdb.signature import format_signature, parse_signatures

DB_CATALOGER = "rpm-db-cataloger"
ARCHIVE_CATALOGER = "rpm-archive-cataloger"
MANIFEST_NAME = "container-manifest-2"
# distros whose packages are Red Hat's: the purl namespace is "redhat", not the distro id
REDHAT_NAMESPACE_IDS = frozenset({"rhel", "hummingbird"})

RPM_LEAD_MAGIC = b"\xed\xab\xee\xdb"
RPM_HEADER_MAGIC = b"\x8e\xad\xe8\x01"
RPM_LEAD_SIZE = 96


def el_version(epoch: int | None, version: str, release: str) -> str:
    """``[epoch:]version-release``; an explicit epoch 0 is kept, an absent one is not shown."""
    return f"{epoch}:{version}-{release}" if epoch is not None else f"{version}-{release}"


def rpm_purl(name: str, version: str, release: str, epoch: int | None, arch: str, srpm: str,
             distro: Distro | None) -> str:
    namespace = distro.id if distro is not None else ""
    if namespace in REDHAT_NAMESPACE_IDS:
        namespace = "redhat"
    qualifiers = {
        "arch": arch,
        "epoch": str(epoch) if epoch is not None else "",
        "upstream": srpm,
    }
    # the epoch is a qualifier in purl, not part of the version
    return build_purl("rpm", namespace, name, f"{version}-{release}", qualifiers, distro)


def _signatures(info: RpmHeaderInfo) -> list[dict[str, Any]]:
    summaries = []
    for packet in (info.RSAHeader, info.PGP):
        if packet:
            try:
                summaries.append(format_signature(packet))
            except (ValueError, IndexError, struct.error):
                continue  # an undecodable signature is no reason to lose the package
    signatures, _ = parse_signatures(list(dict.fromkeys(summaries)))
    return signatures


def rpm_metadata(info: RpmHeaderInfo, keep_file: Callable[[str], bool]) -> dict[str, Any]:
    """syft's RpmDBEntry; ``keep_file`` decides which owned files are listed."""
    files = [
        {
            "Path": f.path,
            "Mode": f.mode,
            "Size": f.size,
            **({"Digest": {"Algorithm": info.DigestAlgorithm, "Value": f.digest}} if f.digest else {}),
            "UserName": f.username,
            "GroupName": f.groupname,
            "Flags": file_flags(f.flags),
        }
        for f in info.files
        if keep_file(f.path)
    ]
    metadata: dict[str, Any] = {
        "Name": info.Name,
        "Version": info.Version,
        "Epoch": info.Epoch,
        "Arch": info.Arch,
        "Release": info.Release,
        "SourceRpm": info.SourceRpm,
        "Size": info.Size,
        "Vendor": info.Vendor,
        "ModularityLabel": info.ModularityLabel,
        "Provides": info.Provides,
        "Requires": info.Requires,
        "Files": files,
    }
    signatures = _signatures(info)
    if signatures:
        metadata["Signatures"] = signatures
    return metadata


def _package(metadata: dict[str, Any], license_value: str, location: str, found_by: str,
             metadata_type: str, distro: Distro | None, files: list[str]) -> Package:
    m = metadata
    return Package(
        name=m["Name"],
        version=el_version(m["Epoch"], m["Version"], m["Release"]),
        type=PackageType.RPM,
        found_by=found_by,
        locations=[primary(location)],
        licenses=[License(value=license_value, locations=[Location(path=location)])] if license_value else [],
        purl=rpm_purl(m["Name"], m["Version"], m["Release"], m["Epoch"], m["Arch"], m["SourceRpm"], distro),
        metadata_type=metadata_type,
        metadata=m,
        files=files,
    )


def parse_manifest_line(line: str) -> dict[str, Any]:
    """One line of ``rpm -qa --qf "%{NAME}\\t%{VERSION}-%{RELEASE}\\t%{INSTALLTIME}\\t%{BUILDTIME}
    \\t%{VENDOR}\\t%{EPOCH}\\t%{SIZE}\\t%{ARCH}\\t%{EPOCHNUM}\\t%{SOURCERPM}"`` → RpmDBEntry."""
    parts = line.split("\t")
    if len(parts) < 10:
        raise CatalogError(f"unexpected number of fields in line: {line!r}")
    version_release = parts[1].split("-")
    if len(version_release) != 2:
        raise CatalogError(f"unexpected version field: {parts[1]!r}")
    epoch = int(parts[8]) if parts[5] != "(none)" and parts[8].isdigit() else None
    return {
        "Name": parts[0],
        "Version": version_release[0],
        "Epoch": epoch,
        "Arch": parts[7],
        "Release": version_release[1],
        "SourceRpm": parts[9],
        "Size": int(parts[6]) if parts[6].isdigit() else 0,
        "Vendor": parts[4],
    }


@register_cataloger
class RpmDBCataloger:
    """syft's rpm-db-cataloger: the rpmdb in any backend, plus Mariner's rpm manifest."""

    name: ClassVar[str] = DB_CATALOGER
    DB_PATTERNS: ClassVar[tuple[str, ...]] = (
        "**/{var/lib,usr/share,usr/lib/sysimage}/rpm/{Packages,Packages.db,rpmdb.sqlite}",
    )
    MANIFEST_PATTERN: ClassVar[str] = f"**/var/lib/rpmmanifest/{MANIFEST_NAME}"
    patterns: ClassVar[tuple[str, ...]] = (*DB_PATTERNS, MANIFEST_PATTERN)

    def catalog(self, resolver: FileResolver, context: CatalogContext) -> CatalogResult:
        result = CatalogResult()
        for path, data in read_databases(resolver, self.patterns, self.name, result):
            if path.endswith("/" + MANIFEST_NAME):
                self._manifest(data, path, context.distro, result)
            else:
                self._database(resolver, data, path, context.distro, result)
        return result

    def _database(self, resolver: FileResolver, data: bytes, path: str, distro: Distro | None,
                  result: CatalogResult) -> None:
        def warn(message: str) -> None:
            result.warnings.append(f"{self.name}: {path}: {message}")

        def exists(p: str) -> bool:
            return resolver.entry(p) is not None

        try:
            for info in read_packages(data, warn):
                if not info.Name:
                    warn("ignoring a header without a package name")
                    continue
                meta = rpm_metadata(info, exists)
                files = [f.path for f in info.files if f.expected_on_disk or exists(f.path)]
                result.packages.append(_package(meta, info.License, path, self.name, "RpmDBEntry", distro, files))
        except HeaderError as exc:
            warn(f"unable to read rpm database: {exc}")

    def _manifest(self, data: bytes, path: str, distro: Distro | None, result: CatalogResult) -> None:
        for lineno, line in enumerate(data.decode("utf-8", errors="replace").splitlines(), 1):
            if not line.strip():
                continue
            try:
                meta = parse_manifest_line(line)
            except CatalogError as exc:
                result.warnings.append(f"{self.name}: {path}:{lineno}: {exc}")
                continue
            result.packages.append(_package(meta, "", path, self.name, "RpmDBEntry", distro, []))


def parse_rpm_archive(data: bytes) -> RpmHeaderInfo:
    """The main header of a .rpm file (lead, signature header padded to 8 bytes, header)."""
    if len(data) < RPM_LEAD_SIZE + 16 or data[:4] != RPM_LEAD_MAGIC:
        raise CatalogError("not an RPM file (bad lead magic)")
    try:
        if data[RPM_LEAD_SIZE : RPM_LEAD_SIZE + 4] != RPM_HEADER_MAGIC:
            raise HeaderError("bad signature header magic")
        _, sig_end = parse_header(data, RPM_LEAD_SIZE + 8)
        start = (sig_end + 7) // 8 * 8
        if data[start : start + 4] != RPM_HEADER_MAGIC:
            raise HeaderError("bad header magic")
        tags, _ = parse_header(data, start + 8)
        return header_info(tags)
    except HeaderError as exc:
        raise CatalogError(f"invalid RPM file: {exc}") from exc


@register_scanner
class RpmArchiveScanner:
    """syft's rpm-archive-cataloger, as a file scanner so large .rpm files stream past."""

    name: ClassVar[str] = ARCHIVE_CATALOGER

    def wants(self, entry: FileEntry) -> bool:
        return entry.type is FileType.REGULAR and entry.path.endswith(".rpm")

    def scan(self, entry: FileEntry, data: bytes, context: CatalogContext) -> CatalogResult:
        result = CatalogResult()
        try:
            info = parse_rpm_archive(data)
        except CatalogError as exc:
            result.warnings.append(f"{self.name}: {entry.path}: {exc}")
            return result
        meta = rpm_metadata(info, lambda _: True)
        files = [f.path for f in info.files]
        # a loose .rpm is not installed: no distro applies to it
        result.packages.append(_package(meta, info.License, entry.path, self.name, "RpmArchive", None, files))
        return result
