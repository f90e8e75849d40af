"""Go binary build info and go.mod catalogers against pkgdb/golang."""

from __future__ import annotations

import struct
from pathlib import Path
from typing import Any

import pytest

from drydock.analyzer.catalogers.base import CatalogContext, CatalogError
from drydock.analyzer.catalogers.golang.binary_scanner import GoBinaryScanner, crypto_settings
from drydock.analyzer.catalogers.golang.buildinfo import MAGIC, NotAGoBinary, read_buildinfo
from drydock.analyzer.catalogers.golang.gomod import (
    GoModCataloger,
    LicenseSearch,
    module_licenses,
    parse_go_mod,
)
from drydock.analyzer.catalogers.golang.modinfo import BuildInfo, Module
from drydock.analyzer.catalogers.golang.packages import (
    BinaryContext,
    MainVersionConfig,
    go_purl,
    ldflags_version,
    packages_from_buildinfo,
    version_from_contents,
)
from drydock.analyzer.filetree import DirectoryResolver
from drydock.analyzer.model import FileEntry, FileType, Location

from .fixture_support import PKGDB, license_key, load_case, scan_root

GOLANG = PKGDB / "golang"


def _entry(path: Path, mode: int = 0o755) -> FileEntry:
    return FileEntry(path="/" + path.name, type=FileType.REGULAR, mode=mode, size=path.stat().st_size)


def _scan(path: Path):
    return GoBinaryScanner().scan(_entry(path), path.read_bytes(), CatalogContext())


def _module(obj: dict[str, Any] | None) -> Module:
    obj = obj or {}
    return Module(
        path=obj.get("Path", ""),
        version=obj.get("Version", ""),
        sum=obj.get("Sum", ""),
        replace=_module(obj["Replace"]) if obj.get("Replace") else None,
    )


def _buildinfo(obj: dict[str, Any]) -> BuildInfo:
    return BuildInfo(
        go_version=obj.get("GoVersion", ""),
        path=obj.get("Path", ""),
        main=_module(obj.get("Main")),
        deps=[_module(d) for d in obj.get("Deps") or [] if d is not None],
        settings=[(s["Key"], s["Value"]) for s in obj.get("Settings") or []],
    )


def _nonzero(meta: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in meta.items() if v not in ("", [], None, {})}


BUILDINFO_ROWS = load_case(GOLANG / "buildinfo-to-packages")["cases"]


@pytest.mark.parametrize("row", BUILDINFO_ROWS, ids=[r["name"] for r in BUILDINFO_ROWS])
def test_buildinfo_to_packages(row: dict[str, Any]) -> None:
    bi = row["buildInfo"]
    contents = row.get("binaryContent", "").encode("latin-1")
    ctx = BinaryContext(
        location=Location("/a-path"),
        arch=bi.get("arch", ""),
        crypto_settings=bi.get("cryptoSettings"),
        contents=contents,
        config=MainVersionConfig(from_contents=bool(contents)),
    )
    got = [
        {
            "name": p.name,
            "version": p.version,
            "purl": p.purl,
            "type": str(p.type),
            "language": p.language,
            "metadataType": p.metadata_type,
            "metadata": _nonzero(p.metadata),
        }
        for p in packages_from_buildinfo(_buildinfo(bi["BuildInfo"]), ctx)
    ]
    want = [
        {
            "name": p["name"],
            "version": p.get("version", ""),
            "purl": p["purl"],
            "type": p["type"],
            "language": p["language"],
            "metadataType": p["metadataType"],
            "metadata": _nonzero(p["metadata"]),
        }
        for p in row["expected"] or []
    ]
    assert got == want


def test_ldflags_version_table() -> None:
    for row in load_case(GOLANG / "ldflags-version-extraction")["cases"]:
        assert ldflags_version(row["ldflags"], row.get("mainModule", "")) == (
            row.get("wantMajorVersion", ""),
            row.get("wantFullVersion", ""),
        ), row["name"]


def test_version_from_binary_contents_table() -> None:
    for row in load_case(GOLANG / "version-from-binary-contents")["cases"]:
        contents = row["contents"] if isinstance(row["contents"], str) else ""
        assert version_from_contents(contents.encode("latin-1")) == row["want"], row["name"]


def test_purl_generation_table() -> None:
    for row in load_case(GOLANG / "purl-generation")["cases"]:
        assert go_purl(row["pkg"]["name"], row["pkg"].get("version", "")) == row["expected"], row["name"]


def test_real_binary_main_version_from_ldflags_and_stdlib() -> None:
    result = _scan(GOLANG / "binary-main-version-ldflags" / "main-version-via-ldflags.elf")
    got = {(p.name, p.version, p.purl) for p in result.packages}
    assert got == {
        ("github.com/aquasecurity/test", "v1.0.0", "pkg:golang/github.com/aquasecurity/test@v1.0.0"),
        ("stdlib", "go1.22.1", "pkg:golang/stdlib@1.22.1"),
    }
    by_id = {p.id: p.name for p in result.packages}
    assert [(by_id[r.from_id], by_id[r.to_id], r.type) for r in result.relationships] == [
        ("stdlib", "github.com/aquasecurity/test", "dependency-of")
    ]
    main = next(p for p in result.packages if p.name != "stdlib")
    assert main.metadata["Architecture"] == "amd64"
    assert {"Key": "vcs.revision", "Value": "9640d75c13845419f5797e2e3ac3475f8d801d79"} in main.metadata[
        "BuildSettings"
    ]


def test_real_binary_with_goexperiment() -> None:
    result = _scan(GOLANG / "binary-goexperiment" / "goexperiment")
    std = next(p for p in result.packages if p.name == "stdlib")
    assert (std.version, std.cpes) == ("go1.22.1", ["cpe:2.3:a:golang:go:1.22.1:-:*:*:*:*:*:*"])
    main = next(p for p in result.packages if p.name != "stdlib")
    assert (main.name, main.metadata["GoExperiments"], main.metadata["Architecture"]) == (
        "command-line-arguments",
        ["loopvar"],
        "arm64",
    )


def test_not_executable_is_an_error_for_the_reader_and_empty_for_the_scanner() -> None:
    dummy = GOLANG / "binary-not-executable" / "dummy"
    with pytest.raises(NotAGoBinary):
        read_buildinfo(dummy.read_bytes())
    assert _scan(dummy).packages == []


def _legacy_go_elf(version: bytes, modinfo: bytes) -> bytes:
    """A minimal little-endian ELF64 whose buildinfo uses the pre-1.18 pointer layout."""
    base, hdr, phoff = 0x400000, 64, 64
    blob_off = 0x100
    strings_off = blob_off + 32
    ver_hdr, mod_hdr = strings_off, strings_off + 16
    ver_data, mod_data = strings_off + 32, strings_off + 32 + len(version)
    body = bytearray(mod_data + len(modinfo))
    body[0:4] = b"\x7fELF"
    body[4:7] = bytes([2, 1, 1])
    struct.pack_into("<HHIQQQIHHHHHH", body, 16, 2, 62, 1, base, phoff, 0, 0, hdr, 56, 1, 64, 0, 0)
    struct.pack_into("<IIQQQQQQ", body, phoff, 1, 5, 0, base, base, len(body), len(body), 0x1000)
    body[blob_off : blob_off + 14] = MAGIC
    body[blob_off + 14], body[blob_off + 15] = 8, 0
    struct.pack_into("<QQ", body, blob_off + 16, base + ver_hdr, base + mod_hdr)
    struct.pack_into("<QQ", body, ver_hdr, base + ver_data, len(version))
    struct.pack_into("<QQ", body, mod_hdr, base + mod_data, len(modinfo))
    body[ver_data : ver_data + len(version)] = version
    body[mod_data:] = modinfo
    return bytes(body)


def test_pre_118_pointer_layout() -> None:
    sentinel = b"0123456789abcdef"
    mod = sentinel + b"path\texample.com/x\nmod\texample.com/x\tv1.2.3\th1:abc=\n" + sentinel
    raw = read_buildinfo(_legacy_go_elf(b"go1.16.5", mod))
    assert raw.go_version == "go1.16.5"
    assert raw.modinfo.startswith("path\texample.com/x\nmod")


@pytest.mark.parametrize(
    "blob",
    [
        b"\x7fELF" + MAGIC + b"\x08\x02" + b"\x00" * 16 + b"\xff" * 12,
        b"MZ" + b"\x00" * 14 + MAGIC + b"\x08\x02" + b"\x00" * 16 + b"\x05go1",
        b"\xcf\xfa\xed\xfe" + b"\x00" * 60,
    ],
)
def test_truncated_or_hostile_buildinfo_is_rejected_cleanly(blob: bytes) -> None:
    with pytest.raises(NotAGoBinary):
        read_buildinfo(blob)


def test_glob_paths() -> None:
    expected = load_case(GOLANG / "glob-paths")["expectedMatchedPaths"]
    root = GOLANG / "glob-paths"
    files = [p for p in root.rglob("*") if p.is_file() and p.name != "expected.json"]
    scanner = GoBinaryScanner()
    # the corpus does not keep file modes: judge by name, as for a file without its exec bit
    wanted = {
        str(p.relative_to(root))
        for p in files
        if scanner.wants(
            FileEntry(
                path="/" + str(p.relative_to(root)), type=FileType.REGULAR, mode=0o644, size=p.stat().st_size
            )
        )
    }
    assert wanted == set(expected["NewGoModuleBinaryCataloger"])
    resolver = DirectoryResolver(root)
    assert [e.path.lstrip("/") for e in resolver.glob("**/go.mod")] == expected["NewGoModuleFileCataloger"]


def _catalog_mod(case: str):
    expected = load_case(GOLANG / case)
    result = GoModCataloger().catalog(DirectoryResolver(scan_root(GOLANG / case, expected)), CatalogContext())
    return expected, result


@pytest.mark.parametrize(
    "case", ["go-mod-many-packages", "go-mod-one-package", "go-mod-relative-replace", "go-sum-hashes"]
)
def test_go_mod_exact_packages(case: str) -> None:
    expected, result = _catalog_mod(case)
    assert result.warnings == []
    got = sorted(
        (
            {
                "name": p.name,
                "version": p.version,
                "purl": p.purl,
                "type": str(p.type),
                "language": p.language,
                "locations": [loc.path.lstrip("/") for loc in p.locations],
                "metadataType": p.metadata_type,
                "metadata": p.metadata,
            }
            for p in result.packages
        ),
        key=lambda d: d["name"],
    )
    want = sorted(
        (
            {
                k: p.get(k, "")
                for k in ("name", "version", "purl", "type", "language", "locations", "metadataType")
            }
            | {"metadata": p.get("metadata", {})}
            for p in expected["packages"]
        ),
        key=lambda d: d["name"],
    )
    assert got == want


def test_go_mod_replacements_versions_per_name() -> None:
    expected, result = _catalog_mod("go-mod-replacements")
    got: dict[str, list[str]] = {}
    for p in result.packages:
        got.setdefault(p.name, []).append(p.version)
    for name, versions in expected["expectedVersionsByName"].items():
        assert got[name] == versions


def test_go_mod_corrupt_is_an_error() -> None:
    _, result = _catalog_mod("go-mod-corrupt")
    assert result.packages == [] and any("unknown directive" in w for w in result.warnings)
    with pytest.raises(CatalogError):
        parse_go_mod("go.mod", (GOLANG / "go-mod-corrupt" / "go.mod").read_text())


LICENSE_ROWS = load_case(GOLANG / "module-licenses")["cases"]


@pytest.mark.parametrize(
    "row",
    [
        r
        if not r["config"].get("SearchRemoteLicenses")
        else pytest.param(
            r,
            marks=pytest.mark.xfail(
                reason="needs a GOPROXY over the network; analyses run offline", strict=True
            ),
        )
        for r in LICENSE_ROWS
    ],
    ids=[f"{r['module']}-{sorted(r['config'])}" for r in LICENSE_ROWS],
)
def test_module_licenses(row: dict[str, Any]) -> None:
    cfg = row["config"]
    search = LicenseSearch(
        mod_cache_dir=cfg.get("LocalModCacheDir", "") if cfg.get("SearchLocalModCacheLicenses") else "",
        vendor_dir=cfg.get("LocalVendorDir", "") if cfg.get("SearchLocalVendorLicenses") else "",
    )
    got = module_licenses(
        DirectoryResolver(GOLANG / "module-licenses"), search, row["module"], row["version"]
    )
    assert [license_key(x) for x in got] == [
        license_key({k: v for k, v in lic.items() if k != "Contents"}) for lic in row["expectedLicenses"]
    ]


def test_module_licenses_through_the_cataloger_config(tmp_path: Path) -> None:
    (tmp_path / "go.mod").write_text("module example.com/app\n\nrequire github.com/someorg/somename v0.3.2\n")
    lic_dir = tmp_path / "vendor" / "github.com" / "someorg" / "somename"
    lic_dir.mkdir(parents=True)
    lic_dir.joinpath("LICENSE").write_bytes(
        (GOLANG / "module-licenses" / "vendor/github.com/someorg/somename/LICENSE").read_bytes()
    )
    context = CatalogContext(
        config={"golang": {"search_local_vendor_licenses": True, "local_vendor_dir": "vendor"}}
    )
    result = GoModCataloger().catalog(DirectoryResolver(tmp_path), context)
    assert [(p.name, [lic.value for lic in p.licenses]) for p in result.packages] == [
        ("github.com/someorg/somename", ["Apache-2.0"])
    ]
    assert GoModCataloger().catalog(DirectoryResolver(tmp_path), CatalogContext()).packages[0].licenses == []


@pytest.mark.parametrize(
    "blob,expected",
    [
        (b"plain go binary", []),
        (b"..._Cfunc__goboringcrypto_AES...", ["boringcrypto"]),
        (b"_goboringcrypto_ ... crypto/tls/fipsonly ...", ["boringcrypto + fips"]),
    ],
)
def test_crypto_settings(blob: bytes, expected: list[str]) -> None:
    assert crypto_settings(blob) == expected
