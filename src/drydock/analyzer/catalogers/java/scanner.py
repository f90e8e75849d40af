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
from typing import BinaryIO, cast

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


def _zstd_reader(raw: BinaryIO) -> BinaryIO:
    return cast(BinaryIO, zstandard.ZstdDecompressor().stream_reader(raw))


# extension → streaming decompressor for the tar inside (None: a plain tar; absent: unsupported
# codec). Streaming matters: the decompressed size is capped, so a small .tar.gz cannot inflate
# into gigabytes (gzip.decompress would).
_OPENERS: dict[str, Callable[[BinaryIO], BinaryIO] | None] = {
    ".tar": None,
    **dict.fromkeys((".tar.gz", ".tgz"), lambda raw: cast(BinaryIO, gzip.GzipFile(fileobj=raw))),
    **dict.fromkeys((".tar.bz", ".tar.bz2", ".tbz", ".tbz2"), lambda raw: cast(BinaryIO, bz2.BZ2File(raw))),
    **dict.fromkeys((".tar.xz", ".txz"), lambda raw: cast(BinaryIO, lzma.LZMAFile(raw))),  # noqa: SIM115 (closed by caller)
    **dict.fromkeys((".tar.zst", ".tar.zstd", ".tzst", ".tzstd"), _zstd_reader),
}
_UNSUPPORTED = (".tar.br", ".tbr", ".tar.lz4", ".tlz4", ".tar.sz", ".tsz")
_TAR_SUFFIXES = sorted((*_OPENERS, *_UNSUPPORTED), key=len, reverse=True)
_TAR_SUFFIX_SET = tuple(_TAR_SUFFIXES)


def _tar_suffix(path: str) -> str | None:
    lower = path.lower()
    if not lower.endswith(_TAR_SUFFIX_SET):  # one C-level test: asked of every file in an image
        return None
    return next((s for s in _TAR_SUFFIXES if lower.endswith(s)), None)


def decompress_tar(suffix: str, data: bytes, limit: int) -> bytes:
    """The tar bytes inside a compressed wrapper, inflating at most ``limit`` bytes."""
    if suffix in _UNSUPPORTED:
        raise CatalogError(f"{suffix} compression is not supported")
    opener = _OPENERS[suffix]
    if opener is None:
        return data
    with opener(io.BytesIO(data)) as stream:
        out = stream.read(limit + 1)
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
            raw = decompress_tar(suffix, data, budget.max_total_bytes)
            with tarfile.open(fileobj=io.BytesIO(raw), mode="r:") as tf:
                return _java_members(tf, path, budget)
        except (tarfile.TarError, OSError, EOFError, ValueError, lzma.LZMAError, zstandard.ZstdError) as exc:
            raise CatalogError(f"{path}: not a readable tar archive: {exc}") from exc
