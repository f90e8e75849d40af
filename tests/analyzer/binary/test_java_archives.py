"""Java archive scanner and its parsers against pkgdb/java (syft's archive/manifest/pom tests)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import pytest

from drydock.analyzer.catalogers.base import CatalogContext, CatalogError
from drydock.analyzer.catalogers.java.archive import ArchiveBudget, parse_java_archive
from drydock.analyzer.catalogers.java.filename import parse_archive_filename
from drydock.analyzer.catalogers.java.manifest import (
    JavaManifest,
    parse_manifest,
    select_name,
    select_version,
)
from drydock.analyzer.catalogers.java.maven import MavenResolver
from drydock.analyzer.catalogers.java.pom import (
    parse_pom_properties,
    parse_pom_xml,
    pom_licenses,
    project_metadata,
)
from drydock.analyzer.catalogers.java.purl import maven_purl
from drydock.analyzer.catalogers.java.scanner import JavaArchiveScanner
from drydock.analyzer.model import CatalogResult, FileEntry, FileType, Location, Package

from .fixture_support import PKGDB, expected_view, license_key, load_case, package_view

JAVA = PKGDB / "java"
JAR_CASES = [
    "jar-api-all-2.0.0-sources",
    "jar-com.fasterxml.jackson.core.jackson-core-2.15.2",
    "jar-gradle",
    "jar-jackson-core-2.15.2",
    "jar-micronaut-aop-4.9.11",
    "jar-spring-instrumentation-4.3.0-1.0",
]


def _manifest(obj: dict[str, Any] | None) -> JavaManifest:
    obj = obj or {}
    return JavaManifest(
        main=[(kv["Key"], kv["Value"]) for kv in obj.get("Main") or []],
        sections=[[(kv["Key"], kv["Value"]) for kv in s] for s in obj.get("Sections") or []],
    )


def _entry(path: Path) -> FileEntry:
    return FileEntry(path="/" + path.name, type=FileType.REGULAR, mode=0o644, size=path.stat().st_size)


def _scan(path: Path) -> CatalogResult:
    return JavaArchiveScanner().scan(_entry(path), path.read_bytes(), CatalogContext())


def _rel_strings(result: CatalogResult) -> set[tuple[str, str, str]]:
    by_id = {p.id: f"{p.name}@{p.version}" for p in result.packages}
    return {(by_id[r.from_id], by_id[r.to_id], r.type) for r in result.relationships}


def _strip(value: Any) -> Any:
    return value.lstrip("/") if isinstance(value, str) else value


def _comparable_metadata(
    meta: dict[str, Any], ignore_manifest_keys: set[str] = frozenset()
) -> dict[str, Any]:
    out = {k: v for k, v in meta.items() if k not in ("ArchiveDigests", "Parent")}
    if "VirtualPath" in out:
        out["VirtualPath"] = _strip(out["VirtualPath"])
    if "Manifest" in out and ignore_manifest_keys:
        out["Manifest"] = {
            **out["Manifest"],
            "Main": [kv for kv in out["Manifest"]["Main"] if kv["Key"] not in ignore_manifest_keys],
        }
    if "PomProperties" in out:
        out["PomProperties"] = {k: v for k, v in out["PomProperties"].items() if v not in ("", {}, None)}
    return out


def _package_view(p: Package) -> dict[str, Any]:
    return package_view(p, _comparable_metadata(p.metadata))


def _expected_view(p: dict[str, Any]) -> dict[str, Any]:
    return expected_view(p, _comparable_metadata(p.get("metadata", {})))


@pytest.mark.parametrize("case", JAR_CASES)
def test_jar_exact_packages_and_relationships(case: str) -> None:
    expected = load_case(JAVA / case)
    archive = next(p for p in (JAVA / case).iterdir() if p.name != "expected.json")
    result = _scan(archive)
    got = sorted((_package_view(p) for p in result.packages), key=lambda v: (v["name"], v["version"]))
    want = sorted((_expected_view(p) for p in expected["packages"]), key=lambda v: (v["name"], v["version"]))
    assert got == want
    assert _rel_strings(result) == {(r["from"], r["to"], r["type"]) for r in expected["relationships"]}


def test_shaded_jar_example_java_app_maven() -> None:
    expected = load_case(JAVA / "jar-example-java-app-maven")
    result = _scan(JAVA / "jar-example-java-app-maven" / "example-java-app-maven-0.1.0.jar")
    ignored = {"Built-By", "Build-Jdk"}
    got = {
        p.name: {**_package_view(p), "metadata": _comparable_metadata(p.metadata, ignored)}
        for p in result.packages
    }
    want = {
        p["name"]: {**_expected_view(p), "metadata": _comparable_metadata(p["metadata"], ignored)}
        for p in expected["packages"]
    }
    assert got == want
    assert _rel_strings(result) == {("joda-time@2.9.2", "example-java-app-maven@0.1.0", "dependency-of")}


@pytest.mark.parametrize("case", ["jar-multiple-matching-2.11.5", "jar-org.multiple-thename"])
def test_main_package_choice_is_deterministic(case: str) -> None:
    expected = load_case(JAVA / case)["expectedMainPackage"]
    archive = next(p for p in (JAVA / case).iterdir() if p.suffix == ".jar")
    for _ in range(5):
        main = _scan(archive).packages[0]
        props = main.metadata["PomProperties"]
        assert (props["GroupID"], props["ArtifactID"], props["Version"]) == (
            expected["groupId"],
            expected["artifactId"],
            expected["version"],
        )


@pytest.mark.parametrize("case", ["jar-corrupt", "tar-corrupt"])
def test_corrupt_archives_raise(case: str) -> None:
    archive = next(p for p in (JAVA / case).iterdir() if p.name != "expected.json")
    with pytest.raises(CatalogError):
        _scan(archive)


def test_glob_paths_archive_scanner_wants() -> None:
    expected = load_case(JAVA / "glob-paths")["expectedMatchedPaths"]["Test_ArchiveCataloger_Globs"]
    root = JAVA / "glob-paths"
    scanner = JavaArchiveScanner()
    wanted = {
        str(p.relative_to(root))
        for p in root.rglob("*")
        if p.is_file()
        and scanner.wants(
            FileEntry(
                path="/" + str(p.relative_to(root)), type=FileType.REGULAR, mode=0o644, size=p.stat().st_size
            )
        )
    }
    assert wanted == set(expected)


def test_archive_filename_table() -> None:
    for row in load_case(JAVA / "archive-filename-parsing")["cases"]:
        parsed = parse_archive_filename(row["filename"])
        assert (parsed.name, parsed.version, parsed.extension, str(parsed.package_type)) == (
            row["name"],
            row["version"],
            row["extension"],
            row["ty"],
        ), row["filename"]


def test_manifest_parsing() -> None:
    case = load_case(JAVA / "manifest-parsing")
    for rel, want in case["perFile"].items():
        got = parse_manifest((JAVA / "manifest-parsing" / rel).read_text())
        assert got.to_dict() == {k: v for k, v in want.items() if v}, rel


@pytest.mark.parametrize(
    "table,select", [("manifest-select-name", select_name), ("manifest-select-version", select_version)]
)
def test_manifest_selection_tables(table: str, select: Any) -> None:
    for row in load_case(JAVA / table)["cases"]:
        archive = row.get("archive")
        fname = parse_archive_filename(archive if isinstance(archive, str) else "")
        assert select(_manifest(row.get("manifest")), fname) == row["expected"], row.get("desc") or row.get(
            "name"
        )


def test_pom_properties_parsing() -> None:
    for rel, want in load_case(JAVA / "pom-properties-parsing")["perFile"].items():
        got = parse_pom_properties(rel, (JAVA / "pom-properties-parsing" / rel).read_text())
        assert got.to_dict() == want


def test_pom_xml_project_parsing() -> None:
    for rel, want in load_case(JAVA / "pom-xml-project-parsing")["perFile"].items():
        pom = parse_pom_xml(rel, (JAVA / "pom-xml-project-parsing" / rel).read_bytes())
        assert project_metadata(pom, MavenResolver().resolver_for(pom)) == want["project"]
        lics = pom_licenses(pom.licenses, Location("path/to/archive.jar"))
        assert sorted(license_key(x) for x in lics) == sorted(license_key(x) for x in want["licenses"] or [])


def test_purl_generation_table() -> None:
    for row in load_case(JAVA / "purl-generation")["cases"]:
        pkg = row["pkg"]
        assert maven_purl(pkg["name"], pkg["version"], pkg["metadata"]) == row["expect"], row["name"]


def _zip(entries: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression) as zf:
        for name, data in entries.items():
            zf.writestr(name, data)
    return buf.getvalue()


def test_nested_war_libs_get_virtual_paths_and_parent_edges() -> None:
    inner = _zip({"META-INF/MANIFEST.MF": b"Manifest-Version: 1.0\nImplementation-Version: 9.9\n"})
    war = _zip(
        {"META-INF/MANIFEST.MF": b"Manifest-Version: 1.0\n", "WEB-INF/lib/commons-lang3-3.12.0.jar": inner}
    )
    result = parse_java_archive(war, "/app/shop-1.0.war", "/app/shop-1.0.war")
    names = {(p.name, p.version, p.metadata["VirtualPath"]) for p in result.packages}
    assert names == {
        ("shop", "1.0", "/app/shop-1.0.war"),
        ("commons-lang3", "3.12.0", "/app/shop-1.0.war:WEB-INF/lib/commons-lang3-3.12.0.jar"),
    }
    assert [(a.name, b.name) for a, b in result.edges] == [("commons-lang3", "shop")]
    assert all(p.locations[0].path == "/app/shop-1.0.war" for p in result.packages)


def test_zip_bomb_member_is_refused_not_inflated() -> None:
    bomb = _zip({"META-INF/MANIFEST.MF": b"Manifest-Version: 1.0\n", "lib/bomb-1.0.jar": b"\0" * (8 << 20)})
    result = parse_java_archive(bomb, "/x/app-1.0.jar", "/x/app-1.0.jar", budget=ArchiveBudget())
    assert [p.name for p in result.packages] == ["app"]
    assert any("zip bomb" in w for w in result.warnings)


def test_nesting_depth_is_bounded() -> None:
    data = _zip({"META-INF/MANIFEST.MF": b"Manifest-Version: 1.0\n"})
    for level in range(10):
        data = _zip({"META-INF/MANIFEST.MF": b"Manifest-Version: 1.0\n", f"lib/l{level}-1.0.jar": data})
    result = parse_java_archive(data, "/deep-1.0.jar", "/deep-1.0.jar", budget=ArchiveBudget(max_depth=3))
    assert len(result.packages) == 4
    assert any("deeper" in w for w in result.warnings)


def test_malformed_manifest_and_pom_become_warnings() -> None:
    jar = _zip(
        {
            "META-INF/MANIFEST.MF": b" continuation first\n",
            "META-INF/maven/g/a/pom.xml": b"<project><unclosed>",
        }
    )
    result = parse_java_archive(jar, "/a-1.jar", "/a-1.jar")
    assert result.packages == []
    assert len(result.warnings) == 2


def test_damaged_members_and_unsupported_zip_versions_become_errors_or_warnings() -> None:
    good = (JAVA / "jar-api-all-2.0.0-sources" / "api-all-2.0.0-sources.jar").read_bytes()
    # corrupt the deflate stream of the manifest: the archive itself stays readable
    info = zipfile.ZipFile(io.BytesIO(good)).getinfo(
        "META-INF/maven/org.apache.directory.api/api-all/pom.xml"
    )
    start = info.header_offset + 30 + len(info.filename) + len(info.extra)
    damaged = bytearray(good)
    damaged[start : start + 8] = b"\xff" * 8
    result = parse_java_archive(bytes(damaged), "/a.jar", "/a.jar")
    assert any(
        "cannot read META-INF/maven/org.apache.directory.api/api-all/pom.xml" in w for w in result.warnings
    )
    assert [p.name for p in result.packages] == ["api-all", "api-asn1-api"]
    # a central directory claiming a zip version Python cannot read
    cd = good.rfind(b"PK\x01\x02")
    bumped = bytearray(good)
    bumped[cd + 6] = 151
    with pytest.raises(CatalogError):
        parse_java_archive(bytes(bumped), "/a.jar", "/a.jar")


@pytest.mark.parametrize("suffix,compress", [(".tar.gz", "gzip"), (".tar.xz", "lzma"), (".tar.zst", "zstd")])
def test_compressed_tar_wrappers_inflate_within_the_limit(suffix: str, compress: str) -> None:
    import gzip
    import lzma
    import tarfile

    import zstandard

    from drydock.analyzer.catalogers.java.scanner import decompress_tar

    jar = _zip({"META-INF/MANIFEST.MF": b"Manifest-Version: 1.0\n"})
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tf:
        info = tarfile.TarInfo("app/lib/guava-31.1.jar")
        info.size = len(jar)
        tf.addfile(info, io.BytesIO(jar))
    packers = {"gzip": gzip.compress, "lzma": lzma.compress, "zstd": zstandard.ZstdCompressor().compress}
    wrapped = packers[compress](buf.getvalue())
    entry = FileEntry(path="/opt/dist" + suffix, type=FileType.REGULAR, mode=0o644, size=len(wrapped))
    result = JavaArchiveScanner().scan(entry, wrapped, CatalogContext())
    assert [(p.name, p.version, p.metadata["VirtualPath"]) for p in result.packages] == [
        ("guava", "31.1", f"/opt/dist{suffix}:app/lib/guava-31.1.jar")
    ]
    bomb = packers[compress](b"\0" * (4 << 20))
    with pytest.raises(CatalogError):
        decompress_tar(suffix, bomb, 1 << 20)
