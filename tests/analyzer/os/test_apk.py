"""apk-db-cataloger against every apk fixture case."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from tests.analyzer.os.ospkg_fixtures import (
    assert_packages_match,
    case_dirs,
    dependency_map,
    load_case,
    normalize,
    paths_read,
    scan_root,
)

from drydock.analyzer.catalogers.apk import ApkDBCataloger, apk_purl, parse_apk_db, releases_from_repositories
from drydock.analyzer.catalogers.base import CatalogContext, CatalogError
from drydock.analyzer.filetree import DirectoryResolver
from drydock.analyzer.model import CatalogResult, Distro

DB = "lib/apk/db/installed"


def _catalog(root: Path) -> CatalogResult:
    return ApkDBCataloger().catalog(DirectoryResolver(root), CatalogContext())


def _name_version(relationships: list[Any], packages: list[Any]) -> set[tuple[str, str]]:
    label = {p.id: f"{p.name}@{p.version}" for p in packages}
    return {(label[r.from_id], label[r.to_id]) for r in relationships}


def check_exact_packages(case_dir: Path, case: dict[str, Any]) -> None:
    result = _catalog(scan_root(case_dir, case))
    assert not result.warnings
    assert_packages_match(result.packages, case["packages"], tuple(case.get("ignoredMetadataFields", ())))
    if "relationships" in case:
        expected = {(r["from"], r["to"]) for r in case["relationships"]}
        assert _name_version(result.relationships, result.packages) == expected


def check_error(case_dir: Path, case: dict[str, Any]) -> None:
    with pytest.raises(CatalogError):
        parse_apk_db((case_dir / DB).read_text())
    result = _catalog(case_dir)
    assert not result.packages and result.warnings


def check_files(case_dir: Path, case: dict[str, Any]) -> None:
    records, _ = parse_apk_db((case_dir / DB).read_text())
    assert len(records) == case["expectedPackageCount"]
    assert records[0].metadata["Files"] == case["expectedFiles"]


def check_paths_requested(case_dir: Path, case: dict[str, Any]) -> None:
    assert paths_read(ApkDBCataloger(), case_dir) == set(case["expectedMatchedPaths"])


def check_dependency_map(case_dir: Path, case: dict[str, Any]) -> None:
    result = _catalog(scan_root(case_dir, case))
    assert dependency_map(result.packages, result.relationships) == {
        k: sorted(v) for k, v in case["dependencies"].items()
    }


def check_purls(case_dir: Path, case: dict[str, Any]) -> None:
    for row in case["cases"]:
        meta = {"Architecture": "", "OriginPackage": "", **row["apk"]}
        distro = Distro(id=row["distro"]["ID"], version_id=row["distro"]["VersionID"])
        assert apk_purl(meta, distro) == row["expectedPurl"], row["name"]


def check_releases(case_dir: Path, case: dict[str, Any]) -> None:
    for row in case["cases"]:
        got = [{"Name": d.name, "ID": d.id, "VersionID": d.version_id} for d in
               releases_from_repositories(row["etc_apk_repositories"])]
        assert got == (row["expectedReleases"] or []), row["desc"]


CHECKS = {
    "exact-packages": check_exact_packages,
    "exact-packages-and-relationships": check_exact_packages,
    "error": check_error,
    "exactly-1-package; files list equals": check_files,
    "resolver-paths-requested": check_paths_requested,
    "dependency-map": check_dependency_map,
    "purl-string-equals": check_purls,
    "equals": check_releases,
}


@pytest.mark.parametrize("case_dir", case_dirs("apk"), ids=lambda p: p.name)
def test_apk_case(case_dir: Path) -> None:
    case = load_case(case_dir)
    CHECKS[case["assertion"]](case_dir, case)


def test_distro_from_repositories_when_unknown(tmp_path: Path) -> None:
    src = case_dirs("apk")[0] / DB  # "base"
    (tmp_path / "lib/apk/db").mkdir(parents=True)
    (tmp_path / DB).write_bytes(src.read_bytes())
    (tmp_path / "etc/apk").mkdir(parents=True)
    (tmp_path / "etc/apk/repositories").write_text("https://dl-cdn.alpinelinux.org/alpine/v3.14/main\n")
    (pkg,) = _catalog(tmp_path).packages
    assert pkg.purl == "pkg:apk/alpine/alpine-baselayout@3.2.0-r6?arch=x86_64&distro=alpine-3.14&upstream=alpine-baselayout"
    assert "/etc/motd" in pkg.files and normalize(pkg.metadata)["Files"][0] == {"Path": "/dev"}
