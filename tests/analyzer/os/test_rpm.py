"""rpm-db-cataloger / rpm-archive-cataloger against every rpm fixture case."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import Any

import pytest
from tests.analyzer.os.ospkg_fixtures import assert_packages_match, case_dirs, load_case, normalize, paths_read

from drydock.analyzer.catalogers.base import CatalogContext, CatalogError
from drydock.analyzer.catalogers.rpm import (
    RpmArchiveScanner,
    RpmDBCataloger,
    el_version,
    parse_rpm_archive,
    rpm_metadata,
    rpm_purl,
)
from drydock.analyzer.filetree import DirectoryResolver
from drydock.analyzer.model import CatalogResult, Distro, FileEntry, FileType
from drydock.analyzer.rpmdb import HeaderError, RpmHeaderInfo, read_packages
from drydock.analyzer.rpmdb.signature import format_signature, parse_signatures


def _catalog(root: Path) -> CatalogResult:
    return RpmDBCataloger().catalog(DirectoryResolver(root), CatalogContext())


def _db_file(case_dir: Path, case: dict[str, Any]) -> Path:
    (only,) = case["source"]["files"]
    return case_dir / only["to"]


def _infos(path: Path) -> list[RpmHeaderInfo]:
    errors: list[str] = []
    infos = list(read_packages(path.read_bytes(), errors.append))
    assert not errors
    return infos


def check_exact_packages(case_dir: Path, case: dict[str, Any]) -> None:
    result = _catalog(case_dir)
    assert not result.warnings
    assert_packages_match(result.packages, case["packages"])


def check_file_variants(case_dir: Path, case: dict[str, Any]) -> None:
    """bdb-dive: the metadata file list depends on whether the owned file exists on disk."""
    check_exact_packages(case_dir, case["variants"][0])  # the fixture tree lacks the file
    (pkg,) = _catalog(case_dir).packages
    assert pkg.files == ["/usr/local/bin/dive"]  # ownership is kept even for absent files
    (info,) = _infos(_db_file(case_dir, case))
    expected = case["variants"][1]["packages"][0]["metadata"]
    assert normalize(rpm_metadata(info, lambda _: True)) == normalize(expected)


def check_single_lookup(case_dir: Path, case: dict[str, Any]) -> None:
    infos = {i.Name: i for i in _infos(_db_file(case_dir, case))}
    info = infos[case["lookupName"]]
    want = dict(case["expectedPackageInfo"])
    assert format_signature(info.PGP) == want.pop("PGP")
    assert format_signature(info.RSAHeader) == want.pop("RSAHeader")
    assert info.DigestAlgorithm.upper() in want.pop("DigestAlgorithm")
    got = {k: v for k, v in asdict(info).items() if k in want}
    assert got == want
    assert [f.path for f in info.files] == case["expectedInstalledFileNames"]


def check_ordered_list(case_dir: Path, case: dict[str, Any]) -> None:
    infos = _infos(_db_file(case_dir, case))
    expected = case["packages"]
    assert [(i.Name, el_version(i.Epoch, i.Version, i.Release)) for i in infos] == [
        (p["name"], p["version"]) for p in expected
    ]
    for info, exp in zip(infos, expected):
        got = {k: v for k, v in asdict(info).items() if k in exp["metadata"]}
        assert normalize(got) == normalize(exp["metadata"]), info.Name
        assert [info.License] == exp["licenses"]


def check_count(case_dir: Path, case: dict[str, Any]) -> None:
    result = _catalog(case_dir)
    assert len(result.packages) == case["expectedPackageCount"] and not result.warnings
    observed = case["observedByInspection"]["packages"][0]
    assert (result.packages[0].name, result.packages[0].version) == (observed["name"], observed["version"])


def check_error(case_dir: Path, case: dict[str, Any]) -> None:
    path = _db_file(case_dir, case)
    if path.suffix == ".rpm":
        with pytest.raises(CatalogError):
            parse_rpm_archive(path.read_bytes())
        entry = FileEntry(path="/" + path.name, type=FileType.REGULAR, mode=0o644, size=path.stat().st_size)
        result = RpmArchiveScanner().scan(entry, path.read_bytes(), CatalogContext())
    else:
        with pytest.raises(HeaderError):
            list(read_packages(path.read_bytes(), lambda _: None))
        result = _catalog(case_dir)
    assert not result.packages and result.warnings


def check_paths_requested(case_dir: Path, case: dict[str, Any]) -> None:
    assert paths_read(RpmDBCataloger(), case_dir) == set(case["expectedMatchedPaths"]["rpm-db-cataloger"])
    scanner = RpmArchiveScanner()
    wanted = {e.path.lstrip("/") for e in DirectoryResolver(case_dir).entries() if scanner.wants(e)}
    assert wanted == set(case["expectedMatchedPaths"]["rpm-archive-cataloger"])


def check_purls(case_dir: Path, case: dict[str, Any]) -> None:
    for row in case["cases"]:
        d, r = row["distro"], row["rpm"]
        distro = Distro(id=d["ID"], version_id=d["VersionID"]) if d else None
        purl = rpm_purl(r["Name"], r["Version"], r["Release"], r.get("Epoch"), r.get("Arch", ""),
                        r.get("SourceRpm", ""), distro)
        assert purl == row["expectedPurl"], row["name"]


def check_signatures_and_versions(case_dir: Path, case: dict[str, Any]) -> None:
    for row in case["signatureCases"]:
        sigs, errors = parse_signatures(row["sigs"])
        assert sigs == (row["expected"] or []), row["name"]
        assert bool(errors) is row["expectError"], row["name"]
    for row in case["elVersionCases"]:
        e = row["entry"]
        assert el_version(e.get("Epoch"), e["Version"], e["Release"]) == row["expected"]


CHECKS = {
    "single-package-lookup": check_single_lookup,
    "ordered-package-list": check_ordered_list,
    "package-count": check_count,
    "error": check_error,
    "resolver-paths-requested": check_paths_requested,
    "purl-string-equals": check_purls,
    "equals": check_signatures_and_versions,
}


@pytest.mark.parametrize("case_dir", case_dirs("rpm"), ids=lambda p: p.name)
def test_rpm_case(case_dir: Path) -> None:
    case = load_case(case_dir)
    if case["assertion"] == "exact-packages":
        (check_file_variants if "variants" in case else check_exact_packages)(case_dir, case)
    else:
        CHECKS[case["assertion"]](case_dir, case)
