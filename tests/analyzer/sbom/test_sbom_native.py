"""The native (syft-json shaped) document and the people-facing table."""

from __future__ import annotations

import json
from typing import Any

import pytest
from rich.console import Console
from tests.analyzer.sbom.sbom_corpus import directory_analysis, fixed_options, only, realistic_analysis

from drydock.analyzer.model import ImageAnalysis, Location, Package, PackageType
from drydock.analyzer.sbom import render
from drydock.analyzer.sbom.table import EMPTY, rich_table, rows


@pytest.fixture(scope="module")
def doc() -> dict[str, Any]:
    return json.loads(render(realistic_analysis(), "json", fixed_options()))


def artifact(doc: dict[str, Any], name: str, version: str) -> dict[str, Any]:
    return only(doc["artifacts"], name=name, version=version)


def test_top_level_shape(doc: dict[str, Any]) -> None:
    assert set(doc) == {
        "artifacts",
        "artifactRelationships",
        "files",
        "source",
        "distro",
        "descriptor",
        "schema",
    }
    assert doc["descriptor"]["name"] == "drydock"
    assert doc["schema"]["version"].startswith("16.")
    assert doc["distro"]["id"] == "debian" and doc["distro"]["versionID"] == "12"
    assert doc["source"]["type"] == "image"
    assert doc["source"]["metadata"]["manifestDigest"] == "sha256:" + "1f" * 32
    ids = [a["id"] for a in doc["artifacts"]]
    assert len(ids) == len(set(ids)) == len(realistic_analysis().packages)


def test_artifact_fields(doc: dict[str, Any]) -> None:
    libc = artifact(doc, "libc6", "2.36-9+deb12u4")
    assert libc["type"] == "deb" and libc["foundBy"] == "test-cataloger"
    assert libc["locations"][0] == {
        "path": "/usr/lib/5/libc6",
        "accessPath": "/usr/lib/5/libc6",
        "layerID": "sha256:" + "ab" * 32,
        "annotations": {"evidence": "primary"},
    }
    assert [(lic["value"], lic["spdxExpression"]) for lic in libc["licenses"]] == [
        ("GPL-2.0+", "GPL-2.0-or-later"),
        ("LGPL-2.1", "LGPL-2.1-only"),
        ("custom: see /usr/share/doc/libc6/copyright", ""),
    ]
    assert libc["metadataType"] == "DpkgDBEntry" and libc["metadata"]["installedSize"] == 12986
    log4j = artifact(doc, "log4j-core", "2.14.1")
    assert log4j["cpes"][0] == {"cpe": "cpe:2.3:a:apache:log4j:2.14.1:*:*:*:*:*:*:*"}
    assert "metadataType" not in artifact(doc, "dangling", "0.1")


def test_relationships_use_syft_direction(doc: dict[str, Any]) -> None:
    babel = artifact(doc, "@babel/core", "7.24.0")["id"]
    node = artifact(doc, "@types/node", "20.1.0")["id"]
    # syft: parent = From; "@types/node dependency-of @babel/core"
    assert {"parent": node, "child": babel, "type": "dependency-of"} in doc["artifactRelationships"]
    assert len(doc["artifactRelationships"]) == 3  # the one to an unknown package is dropped


def test_files(doc: dict[str, Any]) -> None:
    files = {f["location"]["path"]: f for f in doc["files"]}
    assert files["/usr/bin/su"]["metadata"]["mode"] == 4755
    assert files["/bin"]["metadata"] == {
        "mode": 777,
        "type": "SymbolicLink",
        "userID": 0,
        "groupID": 0,
        "mimeType": "",
        "size": 0,
        "linkDestination": "usr/bin",
    }
    assert files["/etc/passwd"]["digests"] == [{"algorithm": "sha256", "value": "00" * 32}]


def test_directory_source() -> None:
    doc = json.loads(render(directory_analysis([]), "json", fixed_options()))
    assert doc["source"]["type"] == "directory"
    assert doc["source"]["metadata"] == {"path": "dir:/tmp/rootfs"}
    assert doc["artifacts"] == [] and doc["distro"] == {}


def _pkg(name: str, version: str, ptype: PackageType, path: str) -> Package:
    return Package(name, version, ptype, "c", locations=[Location(path)])


def test_table_sorted_with_duplicate_counts() -> None:
    analysis = ImageAnalysis(
        source={},
        packages=[
            _pkg("zlib", "1.3", PackageType.APK, "/lib/apk/db/installed"),
            _pkg("curl", "8.5.0", PackageType.APK, "/lib/apk/db/installed"),
            _pkg("lodash", "4.17.21", PackageType.NPM, "/a/package.json"),
            _pkg("lodash", "4.17.21", PackageType.NPM, "/b/package.json"),
            _pkg("lodash", "4.17.21", PackageType.NPM, "/c/package.json"),
            _pkg("lodash", "4.17.20", PackageType.NPM, "/d/package.json"),
        ],
    )
    assert rows(analysis) == [
        ("curl", "8.5.0", "apk"),
        ("lodash", "4.17.20", "npm"),
        ("lodash", "4.17.21 (+2 duplicates)", "npm"),
        ("zlib", "1.3", "apk"),
    ]
    assert render(analysis, "table").splitlines() == [
        "NAME    VERSION                  TYPE",
        "curl    8.5.0                    apk",
        "lodash  4.17.20                  npm",
        "lodash  4.17.21 (+2 duplicates)  npm",
        "zlib    1.3                      apk",
    ]
    assert rich_table(analysis).row_count == 4


def test_empty_table() -> None:
    empty = ImageAnalysis(source={})
    assert render(empty, "table") == EMPTY + "\n"
    assert rich_table(empty) == EMPTY


def test_table_cells_cannot_inject_control_characters_or_markup() -> None:
    analysis = ImageAnalysis(
        source={}, packages=[_pkg("evil\n\u202ename[bold]", "1\x1b[31m", PackageType.NPM, "/p")]
    )
    assert rows(analysis) == [("evil\ufffd\ufffdname[bold]", "1\ufffd[31m", "npm")]
    console = Console(record=True, width=120)
    console.print(rich_table(analysis))
    assert "evil\ufffd\ufffdname[bold]" in console.export_text()
