"""dpkg-db-cataloger against every dpkg fixture case."""

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

from drydock.analyzer.catalogers.base import CatalogContext, CatalogError
from drydock.analyzer.catalogers.dpkg import (
    DpkgDBCataloger,
    dpkg_purl,
    is_machine_readable_copyright,
    parse_conffiles,
    parse_copyright_licenses,
    parse_dpkg_status,
    parse_md5sums,
)
from drydock.analyzer.distro import detect_distro
from drydock.analyzer.filetree import DirectoryResolver
from drydock.analyzer.model import CatalogResult, Distro
from drydock.analyzer.ospkg import split_license_field


def _distro(d: dict[str, Any] | None) -> Distro | None:
    if d is None:
        return None
    return Distro(id=d.get("ID", ""), version_id=d.get("VersionID"), id_like=tuple(d.get("IDLike") or ()))


def _catalog(root: Path, distro: Distro | None = None) -> CatalogResult:
    resolver = DirectoryResolver(root)
    return DpkgDBCataloger().catalog(resolver, CatalogContext(distro=distro or detect_distro(resolver)))


def _only_file(case_dir: Path, case: dict[str, Any]) -> Path:
    (only,) = case["source"]["files"]
    return case_dir / only["to"]


def _entries(case_dir: Path, case: dict[str, Any]) -> list[dict[str, Any]]:
    return [e.metadata for e in parse_dpkg_status(_only_file(case_dir, case).read_text())]


def check_licenses_equal(case_dir: Path, case: dict[str, Any]) -> None:
    assert parse_copyright_licenses(_only_file(case_dir, case).read_text()) == case["expectedLicenses"]


def check_machine_readable(case_dir: Path, case: dict[str, Any]) -> None:
    for row in case["cases"]:
        assert is_machine_readable_copyright(row["content"]) is row["machineReadable"], row["name"]
        assert (parse_copyright_licenses(row["content"]) is not None) is row["machineReadable"]


def check_paths_requested(case_dir: Path, case: dict[str, Any]) -> None:
    assert paths_read(DpkgDBCataloger(), case_dir) == set(case["expectedMatchedPaths"])


def check_exact_packages(case_dir: Path, case: dict[str, Any]) -> None:
    result = _catalog(scan_root(case_dir, case))
    assert_packages_match(result.packages, case["packages"])
    for pkg in result.packages:  # owned files feed the orchestrator's ownership filter
        assert set(pkg.files) >= {f["Path"] for f in pkg.metadata["Files"]}


def check_file_records(case_dir: Path, case: dict[str, Any]) -> None:
    for rel, expected in case["expectedFileRecords"].items():
        parse = parse_md5sums if rel.endswith(".md5sums") else parse_conffiles
        assert parse((case_dir / rel).read_text()) == expected


def check_license_splitting(case_dir: Path, case: dict[str, Any]) -> None:
    for row in case["cases"]:
        assert sorted(split_license_field(row["rawLicenseField"])) == sorted(row["expectedLicenseValues"] or [])


def check_exact_entries(case_dir: Path, case: dict[str, Any]) -> None:
    entries = parse_dpkg_status(_only_file(case_dir, case).read_text())
    assert normalize([e.metadata for e in entries]) == normalize(case["expectedEntries"])
    if "expectedRawLicenseFields" in case:
        assert [e.license_field for e in entries] == case["expectedRawLicenseFields"]


def check_negative_cases(case_dir: Path, case: dict[str, Any], tmp_path: Path) -> None:
    for i, row in enumerate(case["cases"]):
        if row.get("expectError"):
            with pytest.raises(CatalogError):
                parse_dpkg_status(row["input"])
            continue
        root = tmp_path / str(i)
        (root / "var/lib/dpkg").mkdir(parents=True)
        (root / "var/lib/dpkg/status").write_text(row["input"])
        result = _catalog(root, _distro(case["linuxRelease"]))
        expected = [{**p, "locations": ["var/lib/dpkg/status"]} for p in row["packages"]]
        assert_packages_match(result.packages, expected)


def check_purls(case_dir: Path, case: dict[str, Any]) -> None:
    for row in case["cases"]:
        meta = {"Package": "", "Version": "", "Architecture": "", "Source": "", "SourceVersion": "", **row["dpkg"]}
        assert dpkg_purl(meta, _distro(row["distro"])) == row["expectedPurl"], row["name"]


def check_dependency_map(case_dir: Path, case: dict[str, Any]) -> None:
    result = _catalog(scan_root(case_dir, case))
    assert result.packages and result.relationships and not result.warnings
    assert dependency_map(result.packages, result.relationships) == case["dependencies"]


def check_error(case_dir: Path, case: dict[str, Any]) -> None:
    with pytest.raises(CatalogError):
        parse_dpkg_status(_only_file(case_dir, case).read_text())
    result = _catalog(case_dir)  # the cataloger turns the error into a warning
    assert not result.packages and result.warnings


def check_unasserted(case_dir: Path, case: dict[str, Any]) -> None:
    result = _catalog(case_dir)
    assert not result.packages  # an entry without a name is no package


CHECKS = {
    "licenses-equal": check_licenses_equal,
    "machine-readable-detection": check_machine_readable,
    "resolver-paths-requested": check_paths_requested,
    "exact-packages": check_exact_packages,
    "exact-file-records": check_file_records,
    "sorted-license-values-equal": check_license_splitting,
    "exact-entries": check_exact_entries,
    "purl-string-equals": check_purls,
    "dependency-map": check_dependency_map,
    "error": check_error,
    "none": check_unasserted,
}


@pytest.mark.parametrize("case_dir", case_dirs("dpkg"), ids=lambda p: p.name)
def test_dpkg_case(case_dir: Path, tmp_path: Path) -> None:
    case = load_case(case_dir)
    if case["assertion"] == "error-or-packages":
        check_negative_cases(case_dir, case, tmp_path)
    else:
        CHECKS[case["assertion"]](case_dir, case)


def test_opkg_license_field_becomes_package_licenses(tmp_path: Path) -> None:
    (tmp_path / "usr/lib/opkg").mkdir(parents=True)
    (tmp_path / "usr/lib/opkg/status").write_text(
        "Package: busybox\nVersion: 1\nStatus: install user installed\nLicense: GPL-2.0 BSD-3-Clause\n\n"
    )
    (pkg,) = _catalog(tmp_path).packages
    assert sorted(lic.value for lic in pkg.licenses) == ["BSD-3-Clause", "GPL-2.0"]


def test_list_files_become_owned_files(tmp_path: Path) -> None:
    (tmp_path / "var/lib/dpkg/info").mkdir(parents=True)
    (tmp_path / "var/lib/dpkg/status").write_text(
        "Package: zlib1g\nStatus: install ok installed\nArchitecture: amd64\nVersion: 1:1.2.13\n\n"
        "Package: gone\nStatus: deinstall ok config-files\nVersion: 1\n\n"
    )
    (tmp_path / "var/lib/dpkg/info/zlib1g:amd64.list").write_text("/.\n/usr\n/usr/lib/libz.so.1\n")
    (tmp_path / "var/lib/dpkg/info/zlib1g:amd64.md5sums").write_text("d41d8cd98f00b204e9800998ecf8427e  usr/lib/libz.so.1\n")
    (pkg,) = _catalog(tmp_path, Distro(id="debian", version_id="12")).packages
    assert pkg.files == ["/usr/lib/libz.so.1", "/usr"]
    assert pkg.purl == "pkg:deb/debian/zlib1g@1:1.2.13?arch=amd64&distro=debian-12"
    assert {loc.path for loc in pkg.locations} == {
        "/var/lib/dpkg/status", "/var/lib/dpkg/info/zlib1g:amd64.list", "/var/lib/dpkg/info/zlib1g:amd64.md5sums",
    }


def test_free_form_copyright_falls_back_to_text_recognition(tmp_path: Path) -> None:
    (tmp_path / "var/lib/dpkg").mkdir(parents=True)
    (tmp_path / "var/lib/dpkg/status").write_text("Package: tool\nStatus: install ok installed\nVersion: 1\n\n")
    (tmp_path / "usr/share/doc/tool").mkdir(parents=True)
    (tmp_path / "usr/share/doc/tool/copyright").write_text(
        "This package is free software.\n\nPermission is hereby granted, free of charge, to any person...\n"
    )
    (pkg,) = _catalog(tmp_path).packages
    assert [(lic.value, lic.type) for lic in pkg.licenses] == [("MIT", "concluded")]
