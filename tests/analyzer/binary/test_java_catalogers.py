"""JVM installations and gradle lock files against pkgdb/java."""

from __future__ import annotations

import pytest

from drydock.analyzer.catalogers.base import CatalogContext
from drydock.analyzer.catalogers.java.gradle import GradleLockfileCataloger
from drydock.analyzer.catalogers.java.jvm import JvmCataloger, cpe_string, jvm_cpes, jvm_purl, jvm_version
from drydock.analyzer.filetree import DirectoryResolver

from .fixture_support import PKGDB, load_case, scan_root

JAVA = PKGDB / "java"


@pytest.mark.parametrize("case", ["jvm-oracle-jdk-se-8", "jvm-valid-post-jep223"])
def test_jvm_release_cases(case: str) -> None:
    expected = load_case(JAVA / case)
    result = JvmCataloger().catalog(DirectoryResolver(scan_root(JAVA / case, expected)), CatalogContext())
    got = [{
        "name": p.name, "version": p.version, "type": str(p.type), "purl": p.purl, "licenses": [],
        "locations": [loc.path.lstrip("/") for loc in p.locations],
        "cpes": [{"cpe": c, "source": "declared"} for c in p.cpes], "foundBy": p.found_by,
        "metadataType": p.metadata_type,
        "metadata": {**p.metadata, "Files": [f.lstrip("/") for f in p.metadata["Files"]]},
    } for p in result.packages]
    assert got == expected["packages"]


def test_jvm_version_table() -> None:
    for row in load_case(JAVA / "jvm-version")["cases"]:
        assert jvm_version(row["input"]) == row["expected"], row["name"]


def test_jvm_purl_table() -> None:
    for row in load_case(JAVA / "jvm-purl")["cases"]:
        assert jvm_purl(row["ri"], row["version"], row["vendor"], row["product"]) == row["expectedPURL"], row["name"]


def test_jvm_cpes_table() -> None:
    for row in load_case(JAVA / "jvm-cpes")["cases"]:
        got = jvm_cpes(row["pkgVersion"], row["primaryVendor"], row["primaryProduct"], row["imageType"],
                       row.get("hasJdk", False))
        want = [(c["Attributes"]["Vendor"], c["Attributes"]["Product"], c["Attributes"]["Version"],
                 c["Attributes"]["Update"]) for c in row["expected"] or []]
        assert got == want, row["name"]
    assert cpe_string("oracle", "jdk", "1.8.0", "update411") == "cpe:2.3:a:oracle:jdk:1.8.0:update411:*:*:*:*:*:*"


def test_gradle_lockfile() -> None:
    case = JAVA / "gradle-lockfile"
    expected = load_case(case)
    result = GradleLockfileCataloger().catalog(DirectoryResolver(case), CatalogContext())
    got = sorted(({"name": p.name, "version": p.version, "type": str(p.type), "purl": p.purl, "language": p.language,
                   "metadataType": p.metadata_type, "metadata": p.metadata,
                   "locations": [loc.path.lstrip("/") for loc in p.locations]} for p in result.packages),
                 key=lambda d: d["name"])
    assert got == sorted(expected["packages"], key=lambda d: d["name"])


def test_non_jvm_release_files_are_ignored(tmp_path) -> None:
    (tmp_path / "etc").mkdir()
    (tmp_path / "etc" / "release").write_text('NAME="Some Linux"\nVERSION="1"\n')
    assert JvmCataloger().catalog(DirectoryResolver(tmp_path), CatalogContext()).packages == []
