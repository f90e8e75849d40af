"""cargo-auditable binaries: the crate list rustc embedded as zlib-compressed JSON in a
``.dep-v0`` section (ELF, Mach-O ``__DATA,.dep-v0``, PE)."""

from __future__ import annotations

import json
import zlib
from typing import ClassVar

from drydock.analyzer.catalogers.base import CatalogContext, register_scanner
from drydock.analyzer.catalogers.binary_sections import BinaryFormatError, find_section, is_executable_format
from drydock.analyzer.catalogers.dependency_graph import edge
from drydock.analyzer.catalogers.lockfile_util import as_dict, as_list, as_str
from drydock.analyzer.catalogers.rust.common import cargo_purl, new_crate
from drydock.analyzer.model import CatalogResult, FileEntry, FileType, Package

CATALOGER = "cargo-auditable-binary-cataloger"
SECTION = ".dep-v0"
MIN_SIZE = 4
MAX_SIZE = 512 * 1024 * 1024
MAX_JSON = 16 * 1024 * 1024
BINARY_SUFFIXES = (".exe", ".dll", ".so", ".dylib")


def decompress(blob: bytes) -> bytes:
    """Inflate with an output cap (a tiny section could otherwise expand without bound)."""
    inflater = zlib.decompressobj()
    try:
        out = inflater.decompress(blob, MAX_JSON)
    except zlib.error as exc:
        raise BinaryFormatError(f"bad zlib stream: {exc}") from exc
    if inflater.unconsumed_tail:
        raise BinaryFormatError(f"dependency list exceeds {MAX_JSON} bytes")
    return out


def parse_audit_json(data: bytes, path: str) -> CatalogResult:
    """Crates (build-only ones excluded: they are not in the binary) and their edges."""
    try:
        doc = json.loads(data)
    except (ValueError, RecursionError) as exc:
        raise BinaryFormatError(f"bad dependency JSON: {exc}") from exc
    entries = [as_dict(e) for e in as_list(as_dict(doc).get("packages"))]
    result = CatalogResult()
    by_index: dict[int, Package] = {}
    for index, entry in enumerate(entries):
        name, version = as_str(entry.get("name")), as_str(entry.get("version"))
        if not name or as_str(entry.get("kind")) == "build":
            continue
        metadata = {"Name": name, "Version": version, "Source": as_str(entry.get("source"))}
        pkg = new_crate(
            name, version, CATALOGER, path, "RustBinaryAuditEntry", metadata, cargo_purl(name, version)
        )
        by_index[index] = pkg
        result.packages.append(pkg)
    for index, dependant in by_index.items():
        for dep in as_list(entries[index].get("dependencies")):
            dependency = by_index.get(dep) if isinstance(dep, int) else None
            if dependency is not None:
                result.relationships.append(edge(dependency, dependant))
    return result


@register_scanner
class CargoAuditableScanner:
    name: ClassVar[str] = CATALOGER

    def wants(self, entry: FileEntry) -> bool:
        if entry.type not in (FileType.REGULAR, FileType.HARDLINK) or not MIN_SIZE <= entry.size <= MAX_SIZE:
            return False
        lower = entry.path.lower()
        return bool(entry.mode & 0o111) or lower.endswith(BINARY_SUFFIXES) or ".so." in lower

    def scan(self, entry: FileEntry, data: bytes, context: CatalogContext) -> CatalogResult:
        if not is_executable_format(data):
            return CatalogResult()
        try:
            section = find_section(data, SECTION)
            return CatalogResult() if section is None else parse_audit_json(decompress(section), entry.path)
        except BinaryFormatError as exc:
            return CatalogResult(warnings=[f"{entry.path}: {exc}"])
