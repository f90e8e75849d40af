"""JVM installations and gradle lock files against pkgdb/java."""

from __future__ import annotations

import pytest

from drydock.analyzer.catalogers.base import CatalogContext, CatalogError
from drydock.analyzer.catalogers.java.gradle import GradleLockfileCataloger
from drydock.analyzer.catalogers.java.jvm import JvmCataloger, cpe_string, jvm_cpes, jvm_purl, jvm_version
from drydock.analyzer.catalogers.java.pom_cataloger import PomCataloger, PomConfig, catalog_pom
from drydock.analyzer.filetree import DirectoryResolver

from .fixture_support import PKGDB, expected_view, load_case, package_view, scan_root

JAVA = PKGDB / "java"


@pytest.mark.parametrize("case", ["jvm-oracle-jdk-se-8", "jvm-valid-post-jep223"])
def test_jvm_release_cases(case: str) -> None:
    expected = load_case(JAVA / case)
    result = JvmCataloger().catalog(DirectoryResolver(scan_root(JAVA / case, expected)), CatalogContext())
    got = [
        {
            "name": p.name,
            "version": p.version,
            "type": str(p.type),
            "purl": p.purl,
            "licenses": [],
            "locations": [loc.path.lstrip("/") for loc in p.locations],
            "cpes": [{"cpe": c, "source": "declared"} for c in p.cpes],
            "foundBy": p.found_by,
            "metadataType": p.metadata_type,
            "metadata": {**p.metadata, "Files": [f.lstrip("/") for f in p.metadata["Files"]]},
        }
        for p in result.packages
    ]
    assert got == expected["packages"]


def test_jvm_version_table() -> None:
    for row in load_case(JAVA / "jvm-version")["cases"]:
        assert jvm_version(row["input"]) == row["expected"], row["name"]


def test_jvm_purl_table() -> None:
    for row in load_case(JAVA / "jvm-purl")["cases"]:
        assert jvm_purl(row["ri"], row["version"], row["vendor"], row["product"]) == row["expectedPURL"], row[
            "name"
        ]


def test_jvm_cpes_table() -> None:
    for row in load_case(JAVA / "jvm-cpes")["cases"]:
        got = jvm_cpes(
            row["pkgVersion"],
            row["primaryVendor"],
            row["primaryProduct"],
            row["imageType"],
            row.get("hasJdk", False),
        )
        want = [
            (
                c["Attributes"]["Vendor"],
                c["Attributes"]["Product"],
                c["Attributes"]["Version"],
                c["Attributes"]["Update"],
            )
            for c in row["expected"] or []
        ]
        assert got == want, row["name"]
    assert (
        cpe_string("oracle", "jdk", "1.8.0", "update411")
        == "cpe:2.3:a:oracle:jdk:1.8.0:update411:*:*:*:*:*:*"
    )


def test_gradle_lockfile() -> None:
    case = JAVA / "gradle-lockfile"
    expected = load_case(case)
    result = GradleLockfileCataloger().catalog(DirectoryResolver(case), CatalogContext())
    got = sorted(
        (
            {
                "name": p.name,
                "version": p.version,
                "type": str(p.type),
                "purl": p.purl,
                "language": p.language,
                "metadataType": p.metadata_type,
                "metadata": p.metadata,
                "locations": [loc.path.lstrip("/") for loc in p.locations],
            }
            for p in result.packages
        ),
        key=lambda d: d["name"],
    )
    assert got == sorted(expected["packages"], key=lambda d: d["name"])


def test_non_jvm_release_files_are_ignored(tmp_path) -> None:
    (tmp_path / "etc").mkdir()
    (tmp_path / "etc" / "release").write_text('NAME="Some Linux"\nVERSION="1"\n')
    assert JvmCataloger().catalog(DirectoryResolver(tmp_path), CatalogContext()).packages == []


def _pom_compare(case_dir, config: PomConfig, expected: dict) -> None:
    result = catalog_pom(DirectoryResolver(case_dir), "/pom.xml", config)

    def key(d: dict) -> tuple:
        return (d["name"], d["version"])

    assert sorted(map(package_view, result.packages), key=key) == sorted(
        map(expected_view, expected["packages"]), key=key
    )
    ids = {p.id: f"{p.name}@{p.version}" for p in result.packages}
    assert {(ids[r.from_id], ids[r.to_id], r.type) for r in result.relationships} == {
        (r["from"], r["to"], r["type"]) for r in expected["relationships"]
    }


def test_pom_xml_example_app() -> None:
    case = JAVA / "pom-xml-example-app"
    _pom_compare(case, PomConfig(), load_case(case))


@pytest.mark.parametrize("variant", [0, 1])
def test_pom_xml_commons_text_variants(variant: int) -> None:
    case = JAVA / "pom-xml-commons-text"
    expected = load_case(case)["variants"][variant]
    cfg = expected["config"]
    config = PomConfig(
        repository_dir=cfg.get("MavenLocalRepositoryDir", "") if cfg.get("UseMavenLocalRepository") else ""
    )
    _pom_compare(case, config, expected)


def test_pom_xml_transitive() -> None:
    case = JAVA / "pom-xml-transitive"
    _pom_compare(case, PomConfig(repository_dir="maven-repo", transitive=True), load_case(case))


def test_pom_xml_corrupt_is_an_error() -> None:
    case = JAVA / "pom-xml-corrupt"
    with pytest.raises(CatalogError):
        catalog_pom(DirectoryResolver(case), "/pom.xml", PomConfig())
    result = PomCataloger().catalog(DirectoryResolver(case), CatalogContext())
    assert result.packages == [] and result.warnings


def test_pom_cataloger_glob_and_config() -> None:
    expected = load_case(JAVA / "glob-paths")["expectedMatchedPaths"]["Test_POMCataloger_Globs"]
    resolver = DirectoryResolver(JAVA / "glob-paths")
    assert [e.path.lstrip("/") for e in resolver.glob(PomCataloger.patterns[0])] == expected
    cfg = PomConfig.from_config(
        {
            "java": {
                "maven_local_repository_dir": "/root/.m2/repository",
                "resolve_transitive_dependencies": True,
            }
        }
    )
    assert cfg == PomConfig("/root/.m2/repository", True)


def test_self_parented_pom_terminates(tmp_path) -> None:
    repo = tmp_path / "repo" / "my" / "org" / "circular" / "1.2.3"
    repo.mkdir(parents=True)
    circular = (
        "<project><groupId>my.org</groupId><artifactId>circular</artifactId><version>1.2.3</version>"
        "<parent><groupId>my.org</groupId><artifactId>circular</artifactId><version>1.2.3</version></parent>"
        "<properties><a>${b}</a><b>${a}</b></properties>"
        "<dependencies><dependency><groupId>x</groupId><artifactId>${a}</artifactId></dependency>"
        "</dependencies></project>"
    )
    (repo / "circular-1.2.3.pom").write_text(circular)
    (tmp_path / "pom.xml").write_text(circular)
    result = catalog_pom(DirectoryResolver(tmp_path), "/pom.xml", PomConfig("repo", True))
    assert result.packages[0].name == "circular"
