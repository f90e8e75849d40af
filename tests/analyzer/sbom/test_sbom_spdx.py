"""SPDX 2.3 JSON: zero spdx-tools validation messages on realistic analyses; syft's shape."""

from __future__ import annotations

import json
from typing import Any

import pytest
from tests.analyzer.sbom.sbom_corpus import awkward_packages, directory_analysis, fixed_options, only, realistic_analysis
from spdx_tools.spdx.parser.json import json_parser
from spdx_tools.spdx.validation.document_validator import validate_full_spdx_document

from drydock.analyzer.sbom import render
from drydock.analyzer.sbom.spdx import ExtractedLicenses


def parse_and_validate(text: str, tmp_path: Any) -> list[str]:
    """Round-trip through spdx-tools' own parser, so the JSON (not just our model) is checked."""
    path = tmp_path / "doc.spdx.json"
    path.write_text(text)
    return [m.validation_message for m in validate_full_spdx_document(json_parser.parse_from_file(str(path)))]


DOCUMENT = render(realistic_analysis(), "spdx-json", fixed_options())


@pytest.fixture
def doc() -> dict[str, Any]:
    return json.loads(DOCUMENT)


def package(doc: dict[str, Any], name: str, version: str | None = None) -> dict[str, Any]:
    return only(doc["packages"], name=name, **({"versionInfo": version} if version else {}))


def test_validates_with_zero_messages(tmp_path: Any) -> None:
    assert parse_and_validate(DOCUMENT, tmp_path) == []


def test_document_header(doc: dict[str, Any]) -> None:
    assert doc["spdxVersion"] == "SPDX-2.3"
    assert doc["dataLicense"] == "CC0-1.0"
    assert doc["creationInfo"]["creators"] == ["Organization: Drydock", "Tool: drydock-0.1.0"]
    assert doc["creationInfo"]["created"] == "2026-01-02T03:04:05Z"
    assert doc["documentNamespace"].startswith(
        "https://drydock.dev/spdxdocs/image/docker.io-library-debian-12-"
    )
    assert doc["documentNamespace"].endswith("-00000000-0000-0000-0000-000000000001")


def test_namespace_is_unique_per_document() -> None:
    analysis = realistic_analysis()
    first, second = (json.loads(render(analysis, "spdx-json"))["documentNamespace"] for _ in range(2))
    assert first != second


def test_package_fields(doc: dict[str, Any]) -> None:
    libc = package(doc, "libc6")
    assert libc["SPDXID"].startswith("SPDXRef-Package-deb-libc6-")
    assert libc["versionInfo"] == "2.36-9+deb12u4"
    assert libc["downloadLocation"] == "NOASSERTION"
    assert libc["licenseConcluded"] == "NOASSERTION"
    assert libc["licenseDeclared"] == (
        "GPL-2.0-or-later AND LGPL-2.1-only AND LicenseRef-custom-see-usr-share-doc-libc6-copyright"
    )
    assert libc["supplier"] == "Person: GNU Libc Maintainers (debian-glibc@lists.debian.org)"
    assert libc["sourceInfo"] == "acquired package info from test-cataloger: /usr/lib/5/libc6"
    assert libc["externalRefs"] == [
        {
            "referenceCategory": "PACKAGE_MANAGER",
            "referenceType": "purl",
            "referenceLocator": "pkg:deb/debian/libc6@2.36-9%2Bdeb12u4?arch=amd64&distro=debian-12",
        },
    ]
    log4j = package(doc, "log4j-core")
    assert [(r["referenceCategory"], r["referenceType"]) for r in log4j["externalRefs"]] == [
        ("SECURITY", "cpe23Type"),
        ("SECURITY", "cpe23Type"),
        ("PACKAGE_MANAGER", "purl"),
    ]
    assert package(doc, "openssl-libs", "1:3.0.7-27.el9")["supplier"] == "Organization: Red Hat, Inc."
    assert package(doc, "ünïcödé-pkg")["originator"] == "Person: Ann Author (ann@example.org)"
    assert package(doc, "broken-purl").get("externalRefs", []) == []


def test_licence_expressions_and_refs(doc: dict[str, Any]) -> None:
    assert package(doc, "@types/node")["licenseDeclared"] == "MIT OR Apache-2.0"
    assert package(doc, "ünïcödé-pkg")["licenseDeclared"] == (
        "BSD-3-Clause AND (MIT OR GPL-3.0-only WITH Classpath-exception-2.0)"
    )
    assert package(doc, "licref")["licenseDeclared"] == "LicenseRef-Proprietary-1"
    assert package(doc, "weird name with spaces")["licenseDeclared"] == "NOASSERTION"
    extracted = {e["licenseId"]: e["extractedText"] for e in doc["hasExtractedLicensingInfos"]}
    dangling = package(doc, "dangling")["licenseDeclared"]
    assert dangling == "LicenseRef-MIT-AND AND LicenseRef-GPL-v2-see-COPYING"
    assert extracted["LicenseRef-MIT-AND"] == "MIT AND"
    slash = package(doc, "gpl-v2-slash")["licenseDeclared"]
    assert slash.startswith("LicenseRef-GPL-v2-see-COPYING-") and extracted[slash] == "GPL v2 \\ see COPYING"


def test_extracted_licence_refs_are_stable_and_bounded() -> None:
    refs = ExtractedLicenses()
    long_text = "All rights reserved. " * 40
    ref = refs.ref(long_text)
    assert ref == refs.ref(long_text)
    assert len(ref) <= len("LicenseRef-") + 64
    assert refs.ref("a/b") != refs.ref("a b")
    assert refs.ref("...") == "LicenseRef-unnamed"


def test_relationships(doc: dict[str, Any]) -> None:
    rels = {
        (r["spdxElementId"], r["relationshipType"], r["relatedSpdxElement"]) for r in doc["relationships"]
    }
    root = "SPDXRef-DocumentRoot-Image-docker.io-library-debian-12"
    assert ("SPDXRef-DOCUMENT", "DESCRIBES", root) in rels
    contained = {r[2] for r in rels if r[0] == root and r[1] == "CONTAINS"}
    assert contained == {p["SPDXID"] for p in doc["packages"] if p["SPDXID"] != root}
    babel, node = package(doc, "@babel/core", "7.24.0")["SPDXID"], package(doc, "@types/node")["SPDXID"]
    assert (babel, "DEPENDS_ON", node) in rels
    libc, busybox = package(doc, "libc6")["SPDXID"], package(doc, "busybox", "1.37.0")["SPDXID"]
    assert (libc, "OTHER", busybox) in rels


def test_root_package_is_the_image(doc: dict[str, Any]) -> None:
    root = package(doc, "docker.io/library/debian:12")
    assert root["primaryPackagePurpose"] == "CONTAINER"
    assert root["checksums"] == [{"algorithm": "SHA256", "checksumValue": "1f" * 32}]
    assert root["externalRefs"][0]["referenceLocator"].startswith("pkg:oci/debian@sha256")


def test_directory_and_empty_analysis_validate(tmp_path: Any) -> None:
    for packages in ([], awkward_packages()):
        text = render(directory_analysis(packages), "spdx-json", fixed_options())
        assert parse_and_validate(text, tmp_path) == []
    doc = json.loads(render(directory_analysis([]), "spdx-json", fixed_options()))
    assert doc["packages"][0]["primaryPackagePurpose"] == "FILE"
