"""go-module-binary-cataloger: Go executables found while the layers stream past."""

from __future__ import annotations

import posixpath

from drydock.analyzer.catalogers.base import CatalogContext, register_scanner
from drydock.analyzer.catalogers.golang.buildinfo import NotAGoBinary, is_executable, read_buildinfo
from drydock.analyzer.catalogers.golang.modinfo import parse_modinfo
from drydock.analyzer.catalogers.golang.packages import (
    CATALOGER_NAME,
    BinaryContext,
    MainVersionConfig,
    catalog_buildinfo,
)
from drydock.analyzer.model import CatalogResult, FileEntry, FileType, Location

MAX_BINARY_BYTES = 1 << 30
_MIN_BINARY_BYTES = 4


def crypto_settings(data: bytes) -> list[str]:
    """BoringCrypto builds link the ``_goboringcrypto_`` cgo symbols; FIPS-only TLS adds
    ``crypto/tls/fipsonly``. FedRAMP-style reviews ask exactly this of a Go binary."""
    if b"_goboringcrypto_" not in data:
        return []
    return ["boringcrypto + fips"] if b"crypto/tls/fipsonly" in data else ["boringcrypto"]


def _wanted_name(path: str) -> bool:
    """Go binaries are executables without an extension (or Windows .exe); the exec bit is
    not required because images built on Windows or copied from archives may lack it."""
    base = posixpath.basename(path)
    return "." not in base.lstrip(".") or base.lower().endswith(".exe")


@register_scanner
class GoBinaryScanner:
    name = CATALOGER_NAME

    def wants(self, entry: FileEntry) -> bool:
        if entry.type is not FileType.REGULAR or not _MIN_BINARY_BYTES <= entry.size <= MAX_BINARY_BYTES:
            return False
        return bool(entry.mode & 0o111) or _wanted_name(entry.path)

    def scan(self, entry: FileEntry, data: bytes, context: CatalogContext) -> CatalogResult:
        if not is_executable(data):
            return CatalogResult()
        try:
            raw = read_buildinfo(data)
        except NotAGoBinary:
            return CatalogResult()  # most executables are not Go programs
        info = parse_modinfo(raw.go_version, raw.modinfo)
        arch = info.setting("GOARCH") or raw.arch
        config = MainVersionConfig(
            from_contents=bool(
                context.config.get("golang", {}).get("main_module_version_from_contents", False)
            )
        )
        ctx = BinaryContext(
            location=Location(entry.path, entry.layer, "primary"),
            arch=arch,
            crypto_settings=crypto_settings(data),
            contents=data if config.from_contents else b"",
            config=config,
        )
        packages, rels = catalog_buildinfo(info, ctx)
        return CatalogResult(packages=packages, relationships=rels, warnings=raw.warnings)
