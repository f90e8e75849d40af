"""Rust catalogers against every pkgdb/rust fixture case."""

from __future__ import annotations

import dataclasses
import pickle
import zlib

import pytest

from drydock.analyzer.catalogers.base import CatalogContext
from drydock.analyzer.catalogers.binary_sections import BinaryFormatError, find_section
from drydock.analyzer.catalogers.rust.audit import CargoAuditableScanner, decompress
from drydock.analyzer.catalogers.rust.cargo_lock import (
    CargoLockCataloger,
    crate_purl,
    dependency_specification,
)
from drydock.analyzer.filetree import DirectoryResolver
from drydock.analyzer.model import CatalogResult, FileType, Package, PackageType

from .fixture_support import (
    case_params,
    case_root,
    check_result,
    load_case,
    matched_paths,
    relationship_pairs,
    run,
)

ECO = "rust"
LOCK = CargoLockCataloger()
SCANNER = CargoAuditableScanner()


def _scan_case(name: str) -> CatalogResult:
    root = case_root(ECO, name)
    resolver = DirectoryResolver(root)
    out = CatalogResult()
    for entry in resolver.entries():
        if entry.type is FileType.REGULAR and entry.path != "/expected.json":
            out.extend(SCANNER.scan(entry, resolver.read_bytes(entry.path), CatalogContext()))
    return out


def _check(name: str) -> None:
    case = load_case(ECO, name)
    root = case_root(ECO, name)
    if name == "glob-paths":
        want = case["expectedMatchedPaths"]
        assert matched_paths(LOCK, root) == set(want["NewCargoLockCataloger"])
        resolver = DirectoryResolver(root)
        # wants() sees only the tar header; an image's binary carries its executable bit, which
        # the read-only fixture copy has lost, so it is restored here.
        wanted = {
            e.path.lstrip("/")
            for e in resolver.entries()
            if e.path != "/expected.json" and SCANNER.wants(dataclasses.replace(e, mode=e.mode | 0o755))
        }
        assert wanted == set(want["NewAuditBinaryCataloger"]) | set(want["NewCargoLockCataloger"])
        assert not SCANNER.wants(resolver.entry("/src/Cargo.lock"))
    elif name == "purl-generation":
        for row in case["cases"]:
            want_purl = row["want"]
            assert crate_purl("telemetry", "0.1.0", row["source"]) == want_purl, row["name"]
    elif name == "dependency-specification":
        for row in case["cases"]:
            p = row["p"]
            pkg = Package(p["name"], p["version"], PackageType.RUST_CRATE, "", metadata=p["metadata"])
            spec = dependency_specification(pkg)
            assert spec.main.provides == row["provides"] and spec.main.requires == row["requires"], row[
                "name"
            ]
    elif name.startswith("audit-binary"):
        result = _scan_case(name)
        if case["assertion"] == "error":
            check_result(case, result)
            return
        want = case["trivyExpected"]
        assert not result.warnings
        assert {(p.name, p.version) for p in result.packages} == {
            (p["name"], p["version"]) for p in want["packages"]
        }
        assert all(p.purl == f"pkg:cargo/{p.name}@{p.version}" for p in result.packages)
        edges = {(a, b) for a, b, _ in relationship_pairs(result)}
        assert edges == {(dep, d["id"]) for d in want["dependencies"] for dep in d["dependsOn"]}
    else:
        check_result(case, run([LOCK], root))


@pytest.mark.parametrize("name", case_params(ECO))
def test_rust_case(name: str) -> None:
    _check(name)


def test_scanner_is_picklable_and_ignores_non_executables() -> None:
    scanner = pickle.loads(pickle.dumps(SCANNER))
    resolver = DirectoryResolver(case_root(ECO, "cargo-lock"))
    entry = resolver.entry("/Cargo.lock")
    assert scanner.scan(entry, resolver.read_bytes("/Cargo.lock"), CatalogContext()) == CatalogResult()


def test_decompression_is_capped() -> None:
    bomb = zlib.compress(b"\0" * (17 * 1024 * 1024))
    with pytest.raises(BinaryFormatError):
        decompress(bomb)


@pytest.mark.parametrize(
    "blob", [b"\x7fELF" + b"\0" * 60, b"MZ" + b"\0" * 100, b"\xca\xfe\xba\xbe\0\0\0\x02" + b"\xff" * 40]
)
def test_truncated_binaries_raise_format_errors(blob: bytes) -> None:
    with pytest.raises(BinaryFormatError):
        find_section(blob, ".dep-v0")
