"""pe-binary-package-cataloger: Windows executables and libraries (.exe, .dll, .bpl) named by
their version resources, as syft does for Windows container images.

A PE file whose version resources give no version identifies nothing (pip's and setuptools'
``cli.exe``/``gui.exe`` launchers carry none): no package. .NET assemblies (CLR header) become
``dotnet`` packages with a nuget purl, as syft's dotnet-portable-executable-cataloger reports
them; native PE files stay ``binary`` (syft 1.18 typed those ``dotnet`` too; later syft
releases type them ``binary`` as here, since a native launcher is no NuGet package)."""

from __future__ import annotations

import posixpath
import re

from packageurl import PackageURL

from drydock.analyzer.catalogers.base import CatalogContext, CatalogError, register_scanner
from drydock.analyzer.catalogers.binary.pe import PEError, read_pe
from drydock.analyzer.catalogers.dotnet import assembly_package
from drydock.analyzer.model import CatalogResult, FileEntry, FileType, Location, Package, PackageType

CATALOGER_NAME = "pe-binary-package-cataloger"
MAX_PE_BYTES = 1 << 30
_EXTENSIONS = (".exe", ".dll", ".bpl")
_SPACES = re.compile(r"[\s\xa0]+")
_CONTROL = re.compile(r"[\x00-\x1f]")
_DIGIT = re.compile(r"\d")


def space_normalize(value: str) -> str:
    """Trim, drop control characters and collapse whitespace (incl. no-break space)."""
    return _SPACES.sub(" ", _CONTROL.sub("", _SPACES.sub(" ", value.strip()))).strip()


def _is_microsoft(vr: dict[str, str]) -> bool:
    return (
        "microsoft" in vr.get("CompanyName", "").lower() or "microsoft" in vr.get("ProductName", "").lower()
    )


def name_from_resources(vr: dict[str, str]) -> str:
    """Third-party binaries name themselves in ProductName; Microsoft's in FileDescription."""
    fields = ["ProductName", "FileDescription", "InternalName", "OriginalFilename"]
    if _is_microsoft(vr):
        fields = ["FileDescription", "InternalName", "OriginalFilename", "ProductName"]
    return next((v for v in (space_normalize(vr.get(f, "")) for f in fields) if v), "")


def _version_words(value: str) -> str:
    """Leading words up to the first digit-free word after one with a digit
    ("10.0.17763.1 (WinBuild) Release" → "10.0.17763.1"; "Version 2.4 beta" → "Version 2.4")."""
    out: list[str] = []
    for word in value.split():
        if out and _DIGIT.search(" ".join(out)) and not _DIGIT.search(word):
            break
        out.append(word)
    return " ".join(out)


def version_from_resources(vr: dict[str, str]) -> str:
    return _version_words(vr.get("ProductVersion", "")) or _version_words(vr.get("FileVersion", ""))


def pe_package(vr: dict[str, str], path: str, layer: str | None) -> Package | None:
    """The package a native PE file names, None when its resources give no version."""
    version = version_from_resources(vr)
    if not version:
        return None
    base = posixpath.basename(path)
    name = name_from_resources(vr) or base.removesuffix(".exe").removesuffix(".dll")
    product = space_normalize(vr.get("ProductName", "") or vr.get("FileDescription", "")).lower()
    purl = None
    if "ghostscript" in product:
        purl = PackageURL(type="generic", name="ghostscript", version=version).to_string()
    resources = [{"Key": k, "Value": space_normalize(v)} for k, v in sorted(vr.items()) if v]
    return Package(
        name=name,
        version=version,
        type=PackageType.BINARY,
        found_by=CATALOGER_NAME,
        locations=[Location(path, layer, "primary")],
        purl=purl,
        metadata_type="PEBinary",
        metadata={"VersionResources": resources},
    )


@register_scanner
class PEPackageScanner:
    name = CATALOGER_NAME

    def wants(self, entry: FileEntry) -> bool:
        return (
            entry.type is FileType.REGULAR
            and 0 < entry.size <= MAX_PE_BYTES
            and entry.path.lower().endswith(_EXTENSIONS)
        )

    def scan(self, entry: FileEntry, data: bytes, context: CatalogContext) -> CatalogResult:
        try:
            info = read_pe(data)
        except PEError as exc:
            raise CatalogError(f"{entry.path}: not a readable PE file: {exc}") from exc
        vr = info.version_resources
        if info.is_dotnet:
            pkg = assembly_package(
                name_from_resources(vr), version_from_resources(vr), vr, entry.path, entry.layer
            )
        else:
            pkg = pe_package(vr, entry.path, entry.layer)
        return CatalogResult(packages=[pkg] if pkg is not None else [])
