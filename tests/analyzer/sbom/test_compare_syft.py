"""bench/compare_syft.py: pairing by (type, name) so every difference is reported exactly."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

BENCH = Path(__file__).resolve().parents[3] / "bench" / "compare_syft.py"


def _module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("compare_syft", BENCH)
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod  # dataclasses look their module up there
    spec.loader.exec_module(mod)
    return mod


def _doc(*arts: tuple[str, str, str, str]) -> dict:
    return {
        "artifacts": [
            {"type": t, "name": n, "version": v, "locations": [{"path": p.split(":")[0], "accessPath": p}]}
            for t, n, v, p in arts
        ]
    }


def test_pairs_by_type_and_name_and_reports_versions_types_and_one_sided() -> None:
    cs = _module()
    syft = _doc(
        ("python", "pip", "23.0.1", "/usr/lib/python3/dist-packages/pip-23.0.1.dist-info/METADATA"),
        ("python", "pip", "24.0", "/app/venv/pip-24.0.dist-info/METADATA"),
        ("dotnet", "Simple Launcher", "1.1.0.14", "/venv/t64.exe"),
        ("python", "six", "1.16.0", "/usr/lib/python3/dist-packages/six.egg-info/PKG-INFO"),
        ("java-archive", "inner", "1.0", "/app/a.war:WEB-INF/lib/inner-1.0.jar"),
    )
    dd = _doc(
        ("python", "pip", "24.0", "/app/venv/pip-24.0.dist-info/METADATA"),
        ("binary", "Simple Launcher", "1.1.0.14", "/venv/t64.exe"),
        ("java-archive", "inner", "1.1", "/app/a.war:WEB-INF/lib/inner-1.1.jar"),
        ("npm", "left-pad", "1.3.0", "/app/node_modules/left-pad/package.json"),
    )
    result = cs.compare(cs.packages(syft), cs.packages(dd))
    assert result.counts["python"] == (3, 1)
    assert [pair for pair, _ in result.only_syft] == [("dotnet", "Simple Launcher"), ("python", "six")]
    assert [pair for pair, _ in result.only_drydock] == [("binary", "Simple Launcher"), ("npm", "left-pad")]
    assert result.retyped == [("Simple Launcher", "1.1.0.14", "dotnet", "binary")]
    mism = {pair: (sorted(s), sorted(d)) for pair, s, d in result.mismatches}
    assert mism == {("python", "pip"): (["23.0.1"], []), ("java-archive", "inner"): (["1.0"], ["1.1"])}
    ((_, only_syft, _),) = [m for m in result.mismatches if m[0] == ("java-archive", "inner")]
    assert only_syft["1.0"] == ["/app/a.war:WEB-INF/lib/inner-1.0.jar"]  # the access path is the evidence
