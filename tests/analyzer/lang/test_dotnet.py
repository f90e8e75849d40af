""".NET catalogers against every pkgdb/dotnet fixture case."""

from __future__ import annotations

import pytest

from drydock.analyzer.catalogers.binary.pe_scanner import version_from_resources
from drydock.analyzer.catalogers.dotnet import (
    DotnetDepsCataloger,
    DotnetPackagesLockCataloger,
    runtime_cpe_attributes,
)

from .fixture_support import (
    case_params,
    case_root,
    check_result,
    load_case,
    matched_paths,
    run,
)

ECO = "dotnet"
DEPS = DotnetDepsCataloger()
LOCK = DotnetPackagesLockCataloger()
PE = "deps.json-to-assembly correlation (syft's dotnet-deps-binary-cataloger) is not implemented"
XFAIL = {"deps-json-file-prefix": PE}


def _check(name: str) -> None:
    case = load_case(ECO, name)
    root = case_root(ECO, name)
    if name == "glob-paths":
        assert matched_paths(DEPS, root) == set(case["expectedMatchedPaths"]["NewDotnetDepsCataloger"])
        assert not run([DEPS], root).packages  # the placeholder "bogus deps.json" is only a warning
    elif name == "runtime-cpes":
        for row in case["cases"]:
            want = row["expected"][0]["Attributes"] if row["expected"] else None
            assert runtime_cpe_attributes(row["packageName"], row["version"]) == want, row["name"]
    elif name == "deps-json-referenceassembly":
        result = run([DEPS], root)
        versions = {p.name: p.version for p in result.packages}
        assert versions["Newtonsoft.Json"] == case["checks"][0]["packageVersion"]["Newtonsoft.Json"]
        assert not set(case["checks"][1]["packagesAbsent"]) & set(versions)
        assert "10.0.0.0" not in versions.values()
    elif name == "pe-version-extraction":
        for row in case["cases"]:
            assert version_from_resources({"ProductVersion": row["input"]}) == row["expected"], row
    elif name in XFAIL:
        raise NotImplementedError(XFAIL[name])
    else:
        check_result(case, run([DEPS, LOCK], root))


@pytest.mark.parametrize("name", case_params(ECO, XFAIL))
def test_dotnet_case(name: str) -> None:
    _check(name)


def test_runtime_package_gets_declared_cpe() -> None:
    from drydock.analyzer.catalogers.dotnet import parse_deps_json

    doc = '{"libraries": {"Microsoft.NETCore.App/3.1.0": {"type": "package"}}}'
    (pkg,) = parse_deps_json(doc, "/app/x.deps.json").packages
    assert pkg.cpes == ["cpe:2.3:a:microsoft:.net_core:3.1.0:*:*:*:*:*:*:*"]
