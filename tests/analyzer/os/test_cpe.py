"""CPE parsing/formatting, candidate generation and dictionary cases of the cpe fixtures."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from tests.analyzer.os.ospkg_fixtures import PKGDB, load_case

from drydock.analyzer.cpe import (
    CPEError,
    cpes_from_attributes,
    cpes_from_dictionary,
    format_cpe,
    generate_cpes,
    normalize_cpe,
    parse_formatted,
    parse_uri,
)
from drydock.analyzer.cpe.attributes import Attributes
from drydock.analyzer.cpe.candidates import add_digit_variations
from drydock.analyzer.cpe.dictionary import build_index, index_json
from drydock.analyzer.cpe.generate import candidate_products, candidate_vendors
from drydock.analyzer.model import Package, PackageType

CPE = PKGDB / "cpe"


def make_package(p: dict[str, Any]) -> Package:
    try:
        ptype: Any = PackageType(p.get("type", "UnknownPackage"))
    except ValueError:
        ptype = p["type"]  # types no cataloger of ours emits (wordpress-plugin, model)
    return Package(
        name=p["name"], version=p.get("version", ""), type=ptype, found_by=p.get("foundBy", ""),
        language=p.get("language", ""), metadata_type=p.get("metadataType"), metadata=p.get("metadata") or {},
    )


def _cases(name: str) -> list[dict[str, Any]]:
    return load_case(CPE / name)["cases"]


@pytest.mark.parametrize("row", _cases("generate-package-cpes"), ids=lambda r: r["name"])
def test_generate_package_cpes(row: dict[str, Any]) -> None:
    assert set(cpes_from_attributes(make_package(row["package"]))) == set(row["expectedCPEs"])


@pytest.mark.parametrize("row", _cases("candidate-vendors"), ids=lambda r: r["name"])
def test_candidate_vendors(row: dict[str, Any]) -> None:
    assert sorted(candidate_vendors(make_package(row["p"]))) == sorted(row["expected"])


@pytest.mark.parametrize("row", _cases("candidate-products"), ids=lambda r: r["name"])
def test_candidate_products(row: dict[str, Any]) -> None:
    assert sorted(candidate_products(make_package(row["p"]))) == sorted(row["expected"])


@pytest.mark.parametrize("row", _cases("binary-digit-variations"), ids=lambda r: r["name"])
def test_binary_digit_variations(row: dict[str, Any]) -> None:
    got = add_digit_variations(row["inputCandidates"])
    assert set(row["expectedPresent"]) <= set(got)
    assert not set(row["expectedAbsent"]) & set(got)


def test_cpe_string_parsing_roundtrip() -> None:
    entries = json.loads((CPE / "cpe-string-parsing/cpe-data.json").read_text())
    for entry in entries:
        wfn = Attributes(**entry["wfn"])
        assert parse_formatted(entry["cpe-string"]) == wfn, entry["cpe-string"]
        assert parse_uri(entry["cpe-url"]) == wfn, entry["cpe-url"]
        assert format_cpe(wfn) == entry["cpe-string"]


@pytest.mark.parametrize("row", _cases("invalid-cpe-handling"), ids=lambda r: r["name"])
def test_invalid_cpe_handling(row: dict[str, Any]) -> None:
    if row.get("expectedErr"):
        with pytest.raises(CPEError):
            normalize_cpe(row["in"])
    else:
        assert normalize_cpe(row["in"]) == row["expected"]


@pytest.mark.parametrize("row", _cases("dictionary-index"), ids=lambda r: r["name"])
def test_dictionary_lookup(row: dict[str, Any]) -> None:
    pkg = make_package(row["package"])
    found = cpes_from_dictionary(pkg)
    assert sorted(found) == sorted(w["cpe"] for w in row["want"])
    assert bool(found) is row["wantExists"]
    if found:
        assert generate_cpes(pkg, None) == found  # the dictionary answer wins over guesses


def test_shipped_index_matches_syft_fixture() -> None:
    shipped = Path(__file__).resolve().parents[3] / "src/drydock/analyzer/data/cpe/cpe-index.json"
    assert json.loads(shipped.read_text()) == json.loads((CPE / "dictionary-index/cpe-index.json").read_text())


def test_dictionary_index_generation() -> None:
    case_dir = CPE / "dictionary-index-generation"
    with open(case_dir / "official-cpe-dictionary_v2.3.xml", "rb") as fh:
        got = index_json(build_index(fh))
    assert got == (case_dir / "expected-cpe-index.json").read_text()


def test_generated_cpes_are_valid_and_reparse() -> None:
    pkg = Package(name="libssl3", version="3.0.2-0ubuntu1.10", type=PackageType.DEB, found_by="dpkg-db-cataloger")
    cpes = generate_cpes(pkg, None)
    assert cpes and all(normalize_cpe(c) == c for c in cpes)
    assert cpes[0].startswith("cpe:2.3:a:libssl3:libssl3:")


@pytest.mark.parametrize(
    ("metadata_type", "metadata"),
    [
        ("JavaArchive", {"PomProperties": "not-a-dict", "Manifest": {"Main": "x", "NamedSections": [1, None]}}),
        ("JavaArchive", {"PomProject": {"Parent": None}, "Manifest": None}),
        ("RubyGemspec", {"Authors": None, "Homepage": 7}),
        ("PythonPackage", {"Author": None, "AuthorEmail": ""}),
        ("DotnetDepsEntry", {"Name": None, "Executables": ["x", None]}),
        ("ApkDBEntry", {"Package": None, "URL": None}),
        ("WordpressPluginEntry", {"AuthorURI": None}),
        ("RpmDBEntry", {"Vendor": None}),
        ("NpmPackage", None),
    ],
)
def test_generation_tolerates_malformed_metadata(metadata_type: str, metadata: Any) -> None:
    pkg = Package(name="x-y", version="1", type=PackageType.UNKNOWN, found_by="t",
                  metadata_type=metadata_type, metadata=metadata)
    assert all(c.startswith("cpe:2.3:a:") for c in generate_cpes(pkg, None))


def test_every_cpe_fixture_case_is_covered() -> None:
    covered = {
        "binary-digit-variations", "candidate-products", "candidate-vendors", "cpe-string-parsing",
        "dictionary-index", "dictionary-index-generation", "generate-package-cpes", "invalid-cpe-handling",
    }
    assert {p.parent.name for p in CPE.glob("*/expected.json")} == covered
