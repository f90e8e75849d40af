"""pe-binary-package-cataloger: version resources of Windows binaries."""

from __future__ import annotations

import struct
from pathlib import Path

import pytest

from drydock.analyzer.catalogers.base import CatalogContext, CatalogError
from drydock.analyzer.catalogers.binary.pe import PEError, read_pe
from drydock.analyzer.catalogers.binary.pe_scanner import (
    PEPackageScanner,
    name_from_resources,
    version_from_resources,
)
from drydock.analyzer.model import FileEntry, FileType

from .fixture_support import PKGDB, load_case


def _node(key: str, value: bytes = b"", children: bytes = b"", text: bool = False) -> bytes:
    """One VS_VERSIONINFO-style node: header, UTF-16 key, padding, value, padding, children."""
    key_bytes = (key + "\0").encode("utf-16-le")
    head_len = 6 + len(key_bytes)
    pad1 = b"\0" * ((4 - head_len % 4) % 4)
    pad2 = b"\0" * ((4 - len(value) % 4) % 4) if children else b""
    body = key_bytes + pad1 + value + pad2 + children
    value_len = len(value) // 2 if text else len(value)
    return struct.pack("<HHH", 6 + len(body), value_len, 1 if text else 0) + body


def _aligned(blob: bytes) -> bytes:
    return blob + b"\0" * ((4 - len(blob) % 4) % 4)


def version_info(strings: dict[str, str]) -> bytes:
    table = b"".join(
        _aligned(_node(k, (v + "\0").encode("utf-16-le"), text=True)) for k, v in strings.items()
    )
    string_file_info = _node("StringFileInfo", children=_node("040904b0", children=table))
    return _node("VS_VERSION_INFO", value=b"\0" * 52, children=_aligned(string_file_info))


def minimal_pe(strings: dict[str, str] | None, dotnet: bool = False) -> bytes:
    """A PE32+ image with one .rsrc section holding an RT_VERSION resource."""
    rsrc_rva, rsrc_raw = 0x1000, 0x200
    res = bytearray()
    if strings is not None:
        info = version_info(strings)

        def directory(entry_id: int, target: int) -> bytes:
            return struct.pack("<IIHHHH", 0, 0, 0, 0, 0, 1) + struct.pack("<II", entry_id, target)

        res += directory(16, 0x80000000 | 24)  # type RT_VERSION -> name dir
        res += directory(1, 0x80000000 | 48)  # name 1 -> language dir
        res += directory(0x409, 72)  # language -> data entry
        res += struct.pack("<IIII", rsrc_rva + 88, len(info), 0, 0)
        res += info
    pe = bytearray(0x200)
    pe[0:2] = b"MZ"
    struct.pack_into("<I", pe, 0x3C, 0x80)
    pe[0x80:0x84] = b"PE\0\0"
    opt_size = 112 + 16 * 8
    struct.pack_into("<HHIIIHH", pe, 0x84, 0x8664, 1, 0, 0, 0, opt_size, 0x22)
    opt = 0x98
    struct.pack_into("<H", pe, opt, 0x20B)
    struct.pack_into("<I", pe, opt + 108, 16)
    if strings is not None:
        struct.pack_into("<II", pe, opt + 112 + 8 * 2, rsrc_rva, len(res))
    if dotnet:
        struct.pack_into("<II", pe, opt + 112 + 8 * 14, 0x2000, 72)
    sec = opt + opt_size
    pe[sec : sec + 8] = b".rsrc\0\0\0"
    struct.pack_into("<IIII", pe, sec + 8, len(res), rsrc_rva, len(res), rsrc_raw)
    return bytes(pe) + bytes(res)


def _entry(path: str, size: int) -> FileEntry:
    return FileEntry(path=path, type=FileType.REGULAR, mode=0o644, size=size)


def _scan(path: str, data: bytes):
    return PEPackageScanner().scan(_entry(path, len(data)), data, CatalogContext())


def test_version_resources_name_the_package() -> None:
    data = minimal_pe(
        {
            "CompanyName": "Artifex",
            "ProductName": "GPL Ghostscript",
            "ProductVersion": "9.54.0",
            "FileVersion": "9.54.0.0",
        }
    )
    assert read_pe(data).version_resources["ProductName"] == "GPL Ghostscript"
    (pkg,) = _scan("/Program Files/gs/bin/gswin64c.exe", data).packages
    assert (pkg.name, pkg.version, pkg.purl, pkg.type) == (
        "GPL Ghostscript",
        "9.54.0",
        "pkg:generic/ghostscript@9.54.0",
        "binary",
    )
    assert pkg.metadata["VersionResources"][0] == {"Key": "CompanyName", "Value": "Artifex"}


def test_microsoft_binaries_are_named_by_description() -> None:
    vr = {
        "CompanyName": "Microsoft Corporation",
        "ProductName": "Microsoft® Windows® Operating System",
        "FileDescription": "Windows\xa0Command  Processor",
        "ProductVersion": "10.0.17763.1 (WinBuild) Release",
    }
    assert name_from_resources(vr) == "Windows Command Processor"
    assert version_from_resources(vr) == "10.0.17763.1"
    assert version_from_resources({"FileVersion": "Version 2.4 beta"}) == "Version 2.4"
    (pkg,) = _scan("/Windows/System32/cmd.exe", minimal_pe(vr)).packages
    assert (pkg.name, pkg.type) == ("Windows Command Processor", "binary")


def test_dotnet_assembly_is_a_nuget_package_like_syft() -> None:
    vr = {
        "CompanyName": "Newtonsoft",
        "ProductName": "Json.NET",
        "ProductVersion": "13.0.1+ae9fe44e1323e91bcbd185ca1a14099fba7c021f",
        "FileVersion": "13.0.1.25517",
        "Assembly Version": "13.0.0.0",
        "InternalName": "Newtonsoft.Json.dll",
    }
    (pkg,) = _scan("/app/Newtonsoft.Json.dll", minimal_pe(vr, dotnet=True)).packages
    assert (pkg.name, pkg.version, pkg.type, pkg.purl, pkg.found_by, pkg.metadata_type) == (
        "Json.NET",
        "13.0.1+ae9fe44e1323e91bcbd185ca1a14099fba7c021f",
        "dotnet",
        "pkg:nuget/Json.NET@13.0.1%2Bae9fe44e1323e91bcbd185ca1a14099fba7c021f",
        "dotnet-portable-executable-cataloger",
        "DotnetPortableExecutableEntry",
    )
    assert pkg.metadata["AssemblyVersion"] == "13.0.0.0"
    assert pkg.metadata["InternalName"] == "Newtonsoft.Json.dll"
    assert pkg.language == "dotnet"


@pytest.mark.parametrize("dotnet", [False, True])
@pytest.mark.parametrize("strings", [None, {}, {"ProductName": "Simple Launcher", "CompanyName": "X"}])
def test_pe_files_without_a_version_are_no_package(strings: dict[str, str] | None, dotnet: bool) -> None:
    # pip/setuptools ship cli.exe/gui.exe launchers with no version resource: noise, not packages
    assert _scan("/venv/setuptools/cli-64.exe", minimal_pe(strings, dotnet=dotnet)).packages == []


def test_a_version_without_a_name_falls_back_to_the_file_name() -> None:
    (pkg,) = _scan("/bin/tool.exe", minimal_pe({"FileVersion": "2.1.0"})).packages
    assert (pkg.name, pkg.version) == ("tool", "2.1.0")


@pytest.mark.parametrize(
    "blob", [b"", b"MZ" + b"\0" * 10, b"MZ" + b"\0" * 58 + b"\xff\xff\xff\x7f", b"not a pe"]
)
def test_malformed_files_raise_a_clear_error(blob: bytes) -> None:
    with pytest.raises(PEError):
        read_pe(blob)
    with pytest.raises(CatalogError):
        _scan("/x.dll", blob)


def test_truncated_resource_tree_is_rejected() -> None:
    data = minimal_pe({"ProductName": "X", "ProductVersion": "1.0"})
    with pytest.raises(PEError):
        read_pe(data[: 0x200 + 20])


def test_glob_paths() -> None:
    case = PKGDB / "binary" / "glob-paths"
    expected = load_case(case)["expectedMatchedPaths"]["NewPEPackageCataloger"]
    scanner = PEPackageScanner()
    wanted = {
        str(p.relative_to(case))
        for p in Path(case).rglob("*")
        if p.is_file() and scanner.wants(_entry("/" + str(p.relative_to(case)), p.stat().st_size))
    }
    assert wanted == set(expected)
