"""CycloneDX 1.6 JSON: schema-valid on realistic analyses and shaped like syft's output."""

from __future__ import annotations

import json
from typing import Any

import pytest
from cyclonedx.schema import SchemaVersion
from cyclonedx.validation.json import JsonStrictValidator
from tests.analyzer.sbom.sbom_corpus import awkward_packages, directory_analysis, fixed_options, only, realistic_analysis

from drydock.analyzer.sbom import render

VALIDATOR = JsonStrictValidator(SchemaVersion.V1_6)


DOCUMENT = render(realistic_analysis(), "cyclonedx-json", fixed_options())


@pytest.fixture
def document_text() -> str:
    return DOCUMENT


@pytest.fixture
def bom() -> dict[str, Any]:
    return json.loads(DOCUMENT)


def by_name(bom: dict[str, Any], name: str, version: str | None = None) -> dict[str, Any]:
    return only(bom["components"], name=name, **({"version": version} if version else {}))


def props(component: dict[str, Any]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for p in component.get("properties", []):
        out.setdefault(p["name"], []).append(p["value"])
    return out


def test_validates_against_official_schema(document_text: str) -> None:
    assert VALIDATOR.validate_str(document_text) is None


def test_every_package_is_a_component_with_a_unique_ref(bom: dict[str, Any]) -> None:
    analysis = realistic_analysis()
    packages = [c for c in bom["components"] if c["type"] != "operating-system"]
    assert len(packages) == len(analysis.packages)
    refs = [c["bom-ref"] for c in bom["components"]]
    assert len(set(refs)) == len(refs)


def test_metadata_names_tool_image_time_and_serial(bom: dict[str, Any]) -> None:
    assert bom["specVersion"] == "1.6"
    assert bom["serialNumber"] == "urn:uuid:00000000-0000-0000-0000-000000000001"
    meta = bom["metadata"]
    assert meta["timestamp"].startswith("2026-01-02T03:04:05")
    assert [(t["name"], t["type"]) for t in meta["tools"]["components"]] == [("drydock", "application")]
    root = meta["component"]
    assert root["type"] == "container"
    assert root["name"] == "docker.io/library/debian:12"
    assert root["version"] == "sha256:" + "1f" * 32
    assert root["purl"].startswith("pkg:oci/debian@sha256:1f1f")


def test_component_fields_follow_syft(bom: dict[str, Any]) -> None:
    log4j = by_name(bom, "log4j-core")
    assert log4j["type"] == "library"
    assert log4j["purl"] == "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1?type=jar"
    assert log4j["bom-ref"] == log4j["purl"] + "&package-id=" + log4j["bom-ref"].rsplit("=", 1)[1]
    assert log4j["cpe"] == "cpe:2.3:a:apache:log4j:2.14.1:*:*:*:*:*:*:*"
    p = props(log4j)
    assert p["syft:cpe23"] == ["cpe:2.3:a:apache:log4j-core:2.14.1:*:*:*:*:*:*:*"]
    assert p["syft:package:type"] == ["java-archive"]
    assert p["syft:package:foundBy"] == ["test-cataloger"]
    assert p["syft:location:0:layerID"] == ["sha256:" + "ab" * 32]
    assert p["syft:metadata:virtualPath"] == ["/app/lib/log4j-core.jar"]
    assert by_name(bom, "busybox", "1.37.0")["type"] == "application"
    assert by_name(bom, "@types/node")["purl"] == "pkg:npm/%40types/node@20.1.0"


def test_licences_as_id_expression_or_name(bom: dict[str, Any]) -> None:
    assert by_name(bom, "libc6")["licenses"] == [
        {"license": {"id": "GPL-2.0-or-later"}},
        {"license": {"id": "LGPL-2.1-only"}},
        {"license": {"name": "custom: see /usr/share/doc/libc6/copyright"}},
    ]
    assert by_name(bom, "@types/node")["licenses"] == [{"expression": "MIT OR Apache-2.0"}]
    assert by_name(bom, "broken-purl")["licenses"] == [{"license": {"id": "Ruby"}}]
    assert by_name(bom, "openssl-libs", "1:3.0.7-27.el9")["licenses"] == [{"license": {"name": "ASL 2.0"}}]
    assert "licenses" not in by_name(bom, "weird name with spaces")


def test_unparsable_purl_is_left_out(bom: dict[str, Any]) -> None:
    broken = by_name(bom, "broken-purl")
    assert "purl" not in broken
    assert broken["bom-ref"] and "not a purl" not in broken["bom-ref"]


def test_publisher_from_maintainer_or_author(bom: dict[str, Any]) -> None:
    assert by_name(bom, "libc6")["publisher"] == "GNU Libc Maintainers <debian-glibc@lists.debian.org>"
    assert by_name(bom, "ünïcödé-pkg")["publisher"] == "Ann Author <ann@example.org>"


def test_distro_is_an_operating_system_component(bom: dict[str, Any]) -> None:
    (os_component,) = [c for c in bom["components"] if c["type"] == "operating-system"]
    assert (os_component["name"], os_component["version"]) == ("debian", "12")
    assert os_component["description"] == "Debian GNU/Linux 12 (bookworm)"
    assert props(os_component)["syft:distro:idLike:0"] == ["linux"]


def test_dependency_of_means_the_target_depends_on_the_source(bom: dict[str, Any]) -> None:
    edges = {d["ref"]: d.get("dependsOn", []) for d in bom["dependencies"]}
    babel, node = by_name(bom, "@babel/core", "7.24.0"), by_name(bom, "@types/node")
    assert edges[babel["bom-ref"]] == [node["bom-ref"]]
    assert edges[node["bom-ref"]] == []
    # ownership overlaps and relationships to unknown packages are not dependencies
    assert sum(len(v) for v in edges.values()) == 2


def test_directory_source_and_empty_analysis_are_valid() -> None:
    text = render(directory_analysis([]), "cyclonedx-json", fixed_options())
    assert VALIDATOR.validate_str(text) is None
    doc = json.loads(text)
    assert doc["metadata"]["component"]["type"] == "file"
    assert doc["metadata"]["component"]["name"] == "/tmp/rootfs"
    assert doc.get("components", []) == []
    text = render(directory_analysis(awkward_packages()), "cyclonedx-json", fixed_options())
    assert VALIDATOR.validate_str(text) is None
