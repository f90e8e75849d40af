"""The java-archive FileScanner: Java archives, plus zip and tar files that merely wrap them
(distribution bundles such as ``jdk-app.tar.gz``), scanned from the bytes as a layer streams.
"""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import posixpath
import tarfile
from collections.abc import Callable

import zstandard

from drydock.analyzer.catalogers.base import CatalogContext, CatalogError, register_scanner
from drydock.analyzer.catalogers.java.archive import (
    CATALOGER_NAME,
    ArchiveBudget,
    ArchiveResult,
    ZipView,
    is_java_archive_name,
    parse_java_archive,
)
from drydock.analyzer.model import CatalogResult, FileEntry, FileType, Relationship

MAX_ARCHIVE_BYTES = 1 << 30

_ZIP_WRAPPERS = (".zip",)
# extension → decompressor for the tar stream (None: plain tar; missing codec: unsupported)
_TAR_WRAPPERS: dict[str, Callable[[bytes], bytes] | None] = {
    ".tar": None,
    ".tar.gz": gzip.decompress,
    ".tgz": gzip.decompress,
    ".tar.bz": bz2.decompress,
    ".tar.bz2": bz2.decompress,
    ".tbz": bz2.decompress,
    ".tbz2": bz2.decompress,
    ".tar.xz": lzma.decompress,
    ".txz": lzma.decompress,
    ".tar.zst": None,
    ".tar.zstd": None,
    ".tzst": None,
    ".tzstd": None,
    ".tar.br": None,
    ".tbr": None,
    ".tar.lz4": None,
    ".tlz4": None,
    ".tar.sz": None,
    ".tsz": None,
}
_ZSTD = (".tar.zst", ".tar.zstd", ".tzst", ".tzstd")
_UNSUPPORTED = (".tar.br", ".tbr", ".tar.lz4", ".tlz4", ".tar.sz", ".tsz")


def _tar_suffix(path: str) -> str | None:
    lower = path.lower()
    return next((s for s in sorted(_TAR_WRAPPERS, key=len, reverse=True) if lower.endswith(s)), None)


def _decompress_tar(suffix: str, data: bytes, limit: int) -> bytes:
    if suffix in _UNSUPPORTED:
        raise CatalogError(f"{suffix} compression is not supported")
    if suffix in _ZSTD:
        with zstandard.ZstdDecompressor().stream_reader(io.BytesIO(data)) as reader:
            out = reader.read(limit + 1)
    else:
        decompress = _TAR_WRAPPERS[suffix]
        out = decompress(data) if decompress else data
    if len(out) > limit:
        raise CatalogError("decompressed archive exceeds the size limit")
    return out


def _java_members(tf: tarfile.TarFile, path: str, budget: ArchiveBudget) -> list[tuple[str, bytes]]:
    members = tf.getmembers()
    if len(members) > budget.max_entries:
        raise CatalogError(f"{path}: too many entries")
    out = []
    for m in sorted(members, key=lambda m: m.name):
        if m.isfile() and is_java_archive_name(m.name) and m.size <= budget.max_member_bytes:
            fh = tf.extractfile(m)
            if fh is not None:
                out.append((m.name, fh.read()))
    return out


def to_catalog_result(result: ArchiveResult) -> CatalogResult:
    rels = [Relationship(dep.id, dependant.id, "dependency-of") for dep, dependant in result.edges]
    return CatalogResult(packages=result.packages, relationships=rels, warnings=result.warnings)


@register_scanner
class JavaArchiveScanner:
    name = CATALOGER_NAME

    def wants(self, entry: FileEntry) -> bool:
        if entry.type is not FileType.REGULAR or entry.size > MAX_ARCHIVE_BYTES:
            return False
        base = posixpath.basename(entry.path).lower()
        return is_java_archive_name(base) or base.endswith(_ZIP_WRAPPERS) or _tar_suffix(base) is not None

    def scan(self, entry: FileEntry, data: bytes, context: CatalogContext) -> CatalogResult:
        path = entry.path
        if is_java_archive_name(path):
            return to_catalog_result(parse_java_archive(data, path, path, entry.layer))
        budget = ArchiveBudget()
        merged = ArchiveResult()
        for inner_name, inner in self._wrapped_archives(path, data, budget, merged.warnings):
            try:
                sub = parse_java_archive(inner, path, f"{path}:{inner_name}", entry.layer, budget)
            except CatalogError as exc:
                merged.warnings.append(str(exc))
                continue
            merged.packages.extend(sub.packages)
            merged.edges.extend(sub.edges)
            merged.warnings.extend(sub.warnings)
        return to_catalog_result(merged)

    def _wrapped_archives(
        self, path: str, data: bytes, budget: ArchiveBudget, warnings: list[str]
    ) -> list[tuple[str, bytes]]:
        """(name, bytes) of the Java archives inside a zip or tar wrapper."""
        suffix = _tar_suffix(path)
        if suffix is None:
            z = ZipView(data, path, budget)
            return [
                (n, b)
                for n in sorted(z.names)
                if is_java_archive_name(n) and (b := z.read(n, warnings)) is not None
            ]
        try:
            raw = _decompress_tar(suffix, data, budget.max_total_bytes)
            with tarfile.open(fileobj=io.BytesIO(raw), mode="r:") as tf:
                return _java_members(tf, path, budget)
        except (tarfile.TarError, OSError, EOFError, ValueError, lzma.LZMAError, zstandard.ZstdError) as exc:
            raise CatalogError(f"{path}: not a readable tar archive: {exc}") from exc
