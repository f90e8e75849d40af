"""Helpers shared by the language-cataloger fixture tests: load a pkgdb case, run catalogers
on its scan root, and compare packages/relationships in the fixture's (syft) vocabulary."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from drydock.analyzer.catalogers.base import CatalogContext, Cataloger
from drydock.analyzer.filetree import DirectoryResolver
from drydock.analyzer.model import CatalogResult, FileType, License, Package

REPO = Path(__file__).resolve().parents[3]
SHARED = REPO.parent / "shared"
PKGDB = SHARED / "fixtures" / "pkgdb"


def case_names(ecosystem: str) -> list[str]:
    return sorted(p.parent.name for p in (PKGDB / ecosystem).glob("*/expected.json"))


def load_case(ecosystem: str, name: str) -> dict[str, Any]:
    return json.loads((PKGDB / ecosystem / name / "expected.json").read_text())


def case_root(ecosystem: str, name: str) -> Path:
    case = load_case(ecosystem, name)
    return PKGDB / ecosystem / name / case.get("scan_root", ".")


def run(catalogers: list[Cataloger], root: Path, config: dict[str, Any] | None = None) -> CatalogResult:
    resolver = DirectoryResolver(root)
    context = CatalogContext(config=config or {})
    out = CatalogResult()
    for cat in catalogers:
        out.extend(cat.catalog(resolver, context))
    return out


def strip_zero(value: Any) -> Any:
    """Drop zero values recursively: the fixtures say an absent field means the zero value."""
    if isinstance(value, dict):
        cleaned = {k: strip_zero(v) for k, v in value.items()}
        return {k: v for k, v in cleaned.items() if v not in ("", None, [], {}, 0, False)}
    if isinstance(value, list):
        return [strip_zero(v) for v in value]
    return value


def _rel(path: str) -> str:
    return path.lstrip("/")


def _license_view(lic: License, like: Any) -> Any:
    if isinstance(like, str):
        return lic.value
    view: dict[str, Any] = {"Value": lic.value}
    if "SPDXExpression" in like:
        view["SPDXExpression"] = lic.spdx_expression or ""
    if "Type" in like:
        view["Type"] = lic.type
    if "Locations" in like:
        view["Locations"] = [_rel(loc.path) for loc in lic.locations]
    if "URLs" in like:
        view["URLs"] = list(lic.urls)
    return view


def _expected_license(lic: Any) -> Any:
    if isinstance(lic, str):
        return lic
    keys = {
        "value": "Value",
        "spdxExpression": "SPDXExpression",
        "type": "Type",
        "locations": "Locations",
        "urls": "URLs",
    }
    lic = {keys.get(k, k): v for k, v in lic.items()}
    out = {k: v for k, v in lic.items() if k in ("Value", "SPDXExpression", "Type", "Locations", "URLs")}
    if "Locations" in out:
        out["Locations"] = [_rel(p if isinstance(p, str) else p["path"]) for p in out["Locations"]]
    return out


def package_view(pkg: Package, like: dict[str, Any]) -> dict[str, Any]:
    """Render ``pkg`` with the keys of the fixture package ``like`` (absent keys = zero)."""
    lic_like = like.get("licenses") or []
    sample = _expected_license(lic_like[0]) if lic_like else ""
    view: dict[str, Any] = {
        "name": pkg.name,
        "version": pkg.version,
        "type": str(pkg.type),
        "purl": pkg.purl or "",
        "language": pkg.language,
        "locations": sorted(_rel(loc.path) for loc in pkg.locations),
        "licenses": sorted(
            (_license_view(lic, sample) for lic in pkg.licenses), key=lambda x: json.dumps(x, sort_keys=True)
        ),
        "metadataType": pkg.metadata_type or "",
        "metadata": strip_zero(pkg.metadata),
    }
    return strip_zero(view)


def expected_view(like: dict[str, Any]) -> dict[str, Any]:
    view = {k: like.get(k) for k in ("name", "version", "type", "purl", "language", "metadataType")}
    view["locations"] = sorted(
        _rel(p if isinstance(p, str) else p["path"]) for p in like.get("locations") or []
    )
    view["licenses"] = sorted(
        (_expected_license(lic) for lic in like.get("licenses") or []),
        key=lambda x: json.dumps(x, sort_keys=True),
    )
    view["metadata"] = like.get("metadata") or {}
    return strip_zero(view)


def _key(d: dict[str, Any]) -> str:
    return json.dumps(d, sort_keys=True)


def assert_packages(
    result: CatalogResult, expected: list[dict[str, Any]], fields: tuple[str, ...] = ()
) -> None:
    """Order-insensitive exact comparison; ``fields`` restricts it to some keys."""
    got = []
    for pkg in result.packages:
        like = next((e for e in expected if e["name"] == pkg.name), expected[0] if expected else {})
        got.append(package_view(pkg, like))
    want = [expected_view(e) for e in expected]
    if fields:
        got = [{k: v for k, v in g.items() if k in fields} for g in got]
        want = [{k: v for k, v in w.items() if k in fields} for w in want]
    got_keys, want_keys = sorted(map(_key, got)), sorted(map(_key, want))
    extra = [k for k in got_keys if k not in want_keys]
    missing = [k for k in want_keys if k not in got_keys]
    assert got_keys == want_keys, f"unexpected: {extra}\nmissing: {missing}"


def relationship_pairs(result: CatalogResult) -> list[tuple[str, str, str]]:
    by_id = {p.id: f"{p.name}@{p.version}" for p in result.packages}
    return sorted((by_id[r.from_id], by_id[r.to_id], r.type) for r in result.relationships)


def assert_relationships(result: CatalogResult, expected: list[dict[str, Any]]) -> None:
    want = sorted((r["from"], r["to"], r["type"]) for r in expected)
    got = relationship_pairs(result)
    assert got == want, f"unexpected: {sorted(set(got) - set(want))}\nmissing: {sorted(set(want) - set(got))}"


def relationship_strings(result: CatalogResult, location: str = ".") -> list[str]:
    """syft's ``A @ v (loc) [type] B @ v (loc)`` strings, with the location printed as given."""
    by_id = {p.id: p for p in result.packages}
    out = []
    for r in result.relationships:
        a, b = by_id[r.from_id], by_id[r.to_id]
        out.append(f"{a.name} @ {a.version} ({location}) [{r.type}] {b.name} @ {b.version} ({location})")
    return sorted(out)


def matched_paths(cataloger: Cataloger, root: Path) -> set[str]:
    resolver = DirectoryResolver(root)
    return {_rel(e.path) for e in resolver.glob_any(cataloger.patterns) if e.type is not FileType.DIRECTORY}


def case_params(ecosystem: str, xfail: dict[str, str] | None = None) -> list[Any]:
    """Every case of an ecosystem as a pytest param; ``xfail`` maps case → precise reason."""
    import pytest

    xfail = xfail or {}
    return [
        pytest.param(n, marks=pytest.mark.xfail(reason=xfail[n], strict=True)) if n in xfail else n
        for n in case_names(ecosystem)
    ]


def check_result(case: dict[str, Any], result: CatalogResult) -> None:
    """The common assertions: ``error`` cases warn and yield nothing; others match exactly."""
    if case["assertion"] == "error":
        assert result.warnings and not result.packages
        return
    assert not result.warnings, result.warnings
    assert_packages(result, case.get("packages") or [])
    if "relationships" in case or case["assertion"] == "exact-packages-and-relationships":
        assert_relationships(result, case.get("relationships") or [])
