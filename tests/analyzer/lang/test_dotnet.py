""".NET catalogers against every pkgdb/dotnet fixture case."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from drydock.analyzer.analyze import analyze
from drydock.analyzer.catalogers.binary.pe_scanner import version_from_resources
from drydock.analyzer.catalogers.dotnet import (
    DEPS_CATALOGER,
    PE_CATALOGER,
    DotnetDepsCataloger,
    DotnetPackagesLockCataloger,
    claimed_assemblies,
    correlate_assemblies,
    deps_json_file_prefix,
    runtime_cpe_attributes,
)
from drydock.analyzer.config import AnalyzerConfig
from drydock.analyzer.filetree import DirectoryResolver
from drydock.analyzer.model import Package

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
PYTHONNET = Path(__file__).parent / "data" / "pythonnet-3.2.1" / "runtime"


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
    elif name == "deps-json-file-prefix":
        for row in case["cases"]:
            assert deps_json_file_prefix(row["path"]) == row["want"], row["name"]
    else:
        check_result(case, run([DEPS, LOCK], root))


@pytest.mark.parametrize("name", case_params(ECO))
def test_dotnet_case(name: str) -> None:
    _check(name)


def test_runtime_package_gets_declared_cpe() -> None:
    from drydock.analyzer.catalogers.dotnet import parse_deps_json

    doc = '{"libraries": {"Microsoft.NETCore.App/3.1.0": {"type": "package"}}}'
    (pkg,) = parse_deps_json(doc, "/app/x.deps.json").packages
    assert pkg.cpes == ["cpe:2.3:a:microsoft:.net_core:3.1.0:*:*:*:*:*:*:*"]


def _dotnet_packages(root: Path, tmp_path: Path) -> list[Package]:
    result = analyze(f"dir:{root}", AnalyzerConfig(workers=1, scratch_dir=str(tmp_path)))
    return [p for p in result.packages if p.type == "dotnet"]


def test_published_assembly_becomes_evidence_of_its_deps_json_package(tmp_path: Path) -> None:
    root = tmp_path / "image"
    shutil.copytree(PYTHONNET, root / "app")
    (root / "elsewhere").mkdir()  # the same assembly where no deps.json claims it
    shutil.copy(PYTHONNET / "Python.Runtime.dll", root / "elsewhere" / "Python.Runtime.dll")
    packages = _dotnet_packages(root, tmp_path)

    runtime = [p for p in packages if p.name == "Python.Runtime"]
    by_finder = {p.found_by: p for p in runtime}
    assert len(runtime) == 2 and set(by_finder) == {DEPS_CATALOGER, PE_CATALOGER}
    app = by_finder[DEPS_CATALOGER]
    assert [(loc.path, loc.evidence) for loc in app.locations] == [
        ("/app/Python.Runtime.deps.json", "primary"),
        ("/app/Python.Runtime.dll", "supporting"),
    ]
    (entry,) = app.metadata["Executables"].values()
    assert list(app.metadata["Executables"]) == ["Python.Runtime.dll"]
    assert (entry["AssemblyVersion"], entry["ProductVersion"]) == ("3.2.1.0", "3.2.1")
    assert [loc.path for loc in by_finder[PE_CATALOGER].locations] == ["/elsewhere/Python.Runtime.dll"]
    # NuGet libraries whose dlls were not published stay packages, without assembly evidence
    doc = json.loads((PYTHONNET / "Python.Runtime.deps.json").read_text())
    libraries = {key.split("/")[0] for key in doc["libraries"]}
    assert {p.name for p in packages} == libraries
    assert all("Executables" not in p.metadata for p in packages if p is not app)


def test_claims_trim_the_framework_folder() -> None:
    claims = claimed_assemblies((PYTHONNET / "Python.Runtime.deps.json").read_text(), "x.deps.json")
    assert claims["Python.Runtime/3.2.1"] == {"Python.Runtime.dll": "Python.Runtime.dll"}
    assert claims["Microsoft.CSharp/4.7.0"] == {
        "Microsoft.CSharp.dll": "lib/netstandard2.0/Microsoft.CSharp.dll"
    }
    assert claims["Microsoft.SourceLink.GitHub/10.0.401"] == {}


@pytest.mark.parametrize("file_name, root_found", [("MyApp.deps.json", True), ("Other.deps.json", False)])
def test_runtime_packages_are_dependencies_of_the_app_root(
    tmp_path: Path, file_name: str, root_found: bool
) -> None:
    doc = {
        "runtimeTarget": {"name": ".NETCoreApp,Version=v8.0/linux-x64"},
        "targets": {
            ".NETCoreApp,Version=v8.0/linux-x64": {
                "MyApp/1.0.0": {"runtime": {"MyApp.dll": {}}},
                "runtimepack.Microsoft.NETCore.App.Runtime.linux-x64/8.0.1": {
                    "runtime": {"System.Runtime.dll": {}}
                },
            }
        },
        "libraries": {
            "MyApp/1.0.0": {"type": "project"},
            "runtimepack.Microsoft.NETCore.App.Runtime.linux-x64/8.0.1": {"type": "runtimepack"},
        },
    }
    (tmp_path / file_name).write_text(json.dumps(doc))
    result = run([DEPS], tmp_path)
    correlate_assemblies(result, DirectoryResolver(tmp_path))
    names = {p.id: p.name for p in result.packages}
    edges = {(names[r.from_id], names[r.to_id]) for r in result.relationships}
    assert (("runtimepack.Microsoft.NETCore.App.Runtime.linux-x64", "MyApp") in edges) is root_found
