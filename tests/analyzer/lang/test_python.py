"""Python catalogers against every pkgdb/python fixture case."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from drydock.analyzer.catalogers.python import locks
from drydock.analyzer.catalogers.python.common import normalize_name, pypi_purl, vcs_url
from drydock.analyzer.catalogers.python.installed import (
    PythonInstalledCataloger,
    parse_core_metadata,
    parse_distribution,
    parse_installed_files,
    parse_record,
)
from drydock.analyzer.catalogers.python.project import PythonPackageCataloger
from drydock.analyzer.catalogers.python.requirements import parse_requirement_line, parse_version
from drydock.analyzer.catalogers.python.venv import parse_pyvenv_cfg
from drydock.analyzer.filetree import DirectoryResolver
from drydock.analyzer.model import CatalogResult

from .fixture_support import (
    PKGDB,
    assert_packages,
    case_params,
    case_root,
    check_result,
    load_case,
    matched_paths,
    relationship_strings,
    run,
)

ECO = "python"
INSTALLED = PythonInstalledCataloger()
PROJECT = PythonPackageCataloger()
NETWORK = "needs SearchRemoteLicenses (registry lookups); drydock catalogers never use the network"
XFAIL = {"pypi-remote-license-enrichment": NETWORK}


def _absolute_site_root(expected: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Fixture site-packages roots are relative to the case; ours are absolute paths."""
    out = copy.deepcopy(expected)
    for pkg in out:
        root = pkg.get("metadata", {}).get("SitePackagesRootPath")
        if root is not None:
            pkg["metadata"]["SitePackagesRootPath"] = "/" if root == "." else "/" + root
    return out


def _check_installed(name: str, case: dict[str, Any]) -> None:
    root = case_root(ECO, name)
    if name == "installed-partial-dist-info":
        result = parse_distribution(DirectoryResolver(root), "/METADATA")
    else:
        result = run([INSTALLED, PROJECT], root)
    assert not result.warnings
    assert_packages(result, _absolute_site_root(case["packages"]))


def _check_specs(result: CatalogResult, expected: list[dict[str, Any]]) -> None:
    got = []
    for pkg in result.packages:
        spec = locks.specification(pkg)
        item: dict[str, Any] = {"ProvidesRequires": {"Provides": spec.main.provides}}
        if spec.main.requires:
            item["ProvidesRequires"]["Requires"] = spec.main.requires
        if spec.variants:
            item["Variants"] = [
                {"Provides": v.provides, **({"Requires": v.requires} if v.requires else {})}
                for v in spec.variants
            ]
        got.append(item)
    assert got == expected


def _check_lock_graph(name: str, case: dict[str, Any]) -> None:
    result = run([PROJECT], case_root(ECO, name))
    assert not result.warnings
    if "relationshipStrings" in case:
        assert relationship_strings(result) == sorted(case["relationshipStrings"])
    if "dependencySpecifications" in case:
        _check_specs(result, case["dependencySpecifications"])


def _check_pdm_extras(case: dict[str, Any]) -> None:
    result = run([PROJECT], case_root(ECO, "pdm-lock-extras"))
    assert sorted(p.name for p in result.packages) == case["expectedPackageNames"]
    by_name = {p.name: p for p in result.packages}
    coverage = case["checks"][1]["coverageMetadata(PythonPdmLockEntry)"]
    meta = by_name["coverage"].metadata
    assert meta["Files"] == coverage["Files"] and meta["Summary"] == coverage["Summary"]
    assert [{k: v for k, v in e.items() if v} for e in meta["Extras"]] == coverage["Extras"]
    assert by_name["tomli"].metadata["Marker"] == case["checks"][2]["tomli.Marker"]
    assert by_name["uvloop"].metadata["Marker"] == case["checks"][3]["uvloop.Marker"]
    assert ("coverage", "pytest-cov") in _named_edges(result)


def _named_edges(result: CatalogResult) -> set[tuple[str, str]]:
    names = {p.id: p.name for p in result.packages}
    return {(names[r.from_id], names[r.to_id]) for r in result.relationships}


def _check_pdm_separate(case: dict[str, Any]) -> None:
    result = run([PROJECT], case_root(ECO, "pdm-lock-separate-files"))
    rfc = [p for p in result.packages if p.name == "rfc3986"]
    assert [p.version for p in rfc] == ["1.5.0"]
    want = case["checks"][1]["rfc3986Metadata(PythonPdmLockEntry)"]
    meta = rfc[0].metadata
    assert meta["Summary"] == want["Summary"] and not meta.get("Files") and not meta.get("RequiresPython")
    assert [{"Extras": e["Extras"], "Dependencies": e["Dependencies"]} for e in meta["Extras"]] == [
        {"Extras": e["Extras"], "Dependencies": e["Dependencies"]} for e in want["Extras"]
    ]
    assert result.relationships


def _check_metadata_parsing(case: dict[str, Any]) -> None:
    base = PKGDB / ECO / "metadata-record-parsing"
    for rel, parsed in case["perFile"].items():
        text = (base / rel).read_text()
        if "parseInstalledFiles" in parsed:
            assert parse_installed_files(text) == parsed["parseInstalledFiles"]
            continue
        if "parseWheelOrEggRecord" in parsed:
            assert parse_record(text) == parsed["parseWheelOrEggRecord"]
            continue
        want = parsed["parseWheelOrEggMetadata"]
        fields = parse_core_metadata(text)
        assert fields.get("License", "") == want["Licenses"]
        assert fields.get("LicenseExpression", "") == want["LicenseExpression"]
        licence_keys = ("License", "LicenseExpression", "LicenseFile", "LicenseClassifiers")
        got = {k: v for k, v in fields.items() if k not in licence_keys}
        expected = {k: v for k, v in want["PythonPackage"].items() if k != "SitePackagesRootPath"}
        assert got == expected


def _check_tables(name: str, case: dict[str, Any]) -> None:
    if name == "purl-and-name-normalization":
        for row in case["purlCases"]:
            origin = (row.get("metadata") or {}).get("DirectURLOrigin") or {}
            assert pypi_purl(row["name"], row["version"], vcs_url(origin)) == row["want"]
        norm = case["normalizationCases"]
        assert {normalize_name(n) for n in norm["inputs"]} == {norm["expected"]}
    else:
        for row in case["newRequirementCases"]:
            assert parse_requirement_line(row["raw"]) == row["want"], row["name"]
        for row in case["parseVersionCases"]:
            assert parse_version(row["version"], row.get("guess", False)) == row["want"], row["name"]


def _check(name: str) -> None:
    case = load_case(ECO, name)
    root = case_root(ECO, name)
    if name == "glob-paths":
        want = case["expectedMatchedPaths"]
        assert matched_paths(INSTALLED, root) == set(want["python-installed-package-cataloger"])
        assert matched_paths(PROJECT, root) == set(want["python-package-cataloger (lock/requirements files)"])
    elif name == "installed-ignored-egg-info":
        result = run([INSTALLED], root)
        assert len(result.packages) == case["expectedPackageCount"] and not result.warnings
    elif name.startswith("installed-"):
        _check_installed(name, case)
    elif name == "metadata-record-parsing":
        _check_metadata_parsing(case)
    elif name == "pyvenv-cfg":
        for row in case["cases"]:
            venv = parse_pyvenv_cfg((root / row["file"]).read_text(), row["file"])
            got = {"Version": venv.version, "IncludeSystemSitePackages": venv.include_system_site_packages}
            assert got == row["expected"], row["file"]
    elif name == "pdm-lock-extras":
        _check_pdm_extras(case)
    elif name == "pdm-lock-separate-files":
        _check_pdm_separate(case)
    elif name in ("purl-and-name-normalization", "requirements-line-parsing"):
        _check_tables(name, case)
    elif name == "requirements-txt":
        for variant in case["variants"]:
            guess = variant["config"]["GuessUnpinnedRequirements"]
            result = run([PROJECT], root, {"python": {"guess_unpinned_requirements": guess}})
            assert_packages(result, variant["packages"])
    elif case["assertion"] in ("relationship-strings", "dependency-specifications"):
        _check_lock_graph(name, case)
    else:
        assert case["assertion"].startswith("exact-packages"), f"unhandled assertion {case['assertion']}"
        check_result(case, run([PROJECT], root))


@pytest.mark.parametrize("name", case_params(ECO, XFAIL))
def test_python_case(name: str) -> None:
    _check(name)


def test_licence_classifiers_are_the_last_resort(tmp_path: Path) -> None:
    dist = tmp_path / "site-packages" / "demo-1.0.dist-info"
    dist.mkdir(parents=True)
    (dist / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: demo\nVersion: 1.0\n"
        "Classifier: License :: OSI Approved :: MIT License\nClassifier: Topic :: Utilities\n\nbody\n"
    )
    (pkg,) = run([INSTALLED], tmp_path).packages
    assert [lic.value for lic in pkg.licenses] == ["MIT License"]
    assert "LicenseClassifiers" not in pkg.metadata


def test_licence_text_pasted_into_license_field_is_named(tmp_path: Path) -> None:
    dist = tmp_path / "demo-1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text(
        "Name: demo\nVersion: 1.0\nLicense: Copyright (c) 2020 Someone\n"
        "        \n        Permission is hereby granted, free of charge, to any person obtaining a copy\n\n"
    )
    (pkg,) = run([INSTALLED], tmp_path).packages
    assert [lic.value for lic in pkg.licenses] == ["MIT"]
