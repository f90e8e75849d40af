"""JavaScript catalogers against every pkgdb/javascript fixture case."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from drydock.analyzer.catalogers.javascript.common import npm_purl
from drydock.analyzer.catalogers.javascript.lock import LOCK_PATTERNS, JavascriptLockCataloger
from drydock.analyzer.catalogers.javascript.package_json import JavascriptPackageCataloger, parse_package_json
from drydock.analyzer.filetree import DirectoryResolver

from .fixture_support import (
    case_params,
    case_root,
    check_result,
    load_case,
    matched_paths,
    run,
)

ECO = "javascript"
PACKAGE = JavascriptPackageCataloger()
LOCK = JavascriptLockCataloger()
NETWORK = "needs SearchRemoteLicenses (npm registry lookups); drydock catalogers never use the network"
XFAIL = {"pnpm-remote-licenses": NETWORK, "yarn-remote-licenses": NETWORK}


def _config(case: dict[str, Any]) -> dict[str, Any]:
    text = str(case.get("parserConfig") or case.get("catalogerConfig") or "")
    return {"javascript": {"include_dev_dependencies": "IncludeDevDependencies: true" in text}}


def _cataloger(case: dict[str, Any]) -> Any:
    is_manifest = case.get("parser") == "parsePackageJSON" or case.get("cataloger") == PACKAGE.name
    return PACKAGE if is_manifest else LOCK


def _check(name: str) -> None:
    case = load_case(ECO, name)
    root = case_root(ECO, name)
    if name == "glob-paths":
        want = case["expectedMatchedPaths"]
        assert matched_paths(PACKAGE, root) == set(want[PACKAGE.name])
        lock_files = {e.path.lstrip("/") for e in DirectoryResolver(root).glob_any(LOCK_PATTERNS)}
        assert lock_files == set(want[LOCK.name])
        assert set(LOCK_PATTERNS) <= set(LOCK.patterns)
        return
    if name == "purl-generation":
        for row in case["cases"]:
            assert npm_purl(row["name"], row["version"]) == row["expected"], row["testName"]
        return
    if name == "package-json-partial":  # parser level: the cataloger drops nameless packages
        result = parse_package_json(DirectoryResolver(root), "/package.json")
    else:
        result = run([_cataloger(case)], root, _config(case))
    if "expectedPackageNames" in case:
        assert not result.warnings
        assert {p.name for p in result.packages} == set(case["expectedPackageNames"])
        integrity = {p.name: p.metadata.get("Integrity") for p in result.packages}
        for pkg_name, value in (case.get("expectedIntegrity") or {}).items():
            assert integrity[pkg_name] == value
        return
    expected = copy.deepcopy(case.get("packages") or [])
    for pkg in expected:
        if not pkg["name"]:  # upstream prints whatever packageURL("", "") yields; we emit no PURL
            pkg["purl"] = ""
    check_result({**case, "packages": expected}, result)


@pytest.mark.parametrize("name", case_params(ECO, XFAIL))
def test_javascript_case(name: str) -> None:
    _check(name)


def test_cataloger_drops_nameless_manifests() -> None:
    assert not run([PACKAGE], case_root(ECO, "package-json-partial")).packages
