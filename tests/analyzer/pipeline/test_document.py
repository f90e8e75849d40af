"""Analysis document: versioned schema and lossless round trip."""

from __future__ import annotations

import json

import pytest

from drydock.analyzer.document import SCHEMA_NAME, DocumentError, from_document, to_document
from drydock.analyzer.model import (
    Distro,
    FileEntry,
    FileType,
    ImageAnalysis,
    License,
    Location,
    Package,
    PackageType,
    Relationship,
    SecretMatch,
)


def sample() -> ImageAnalysis:
    deb = Package(
        name="openssl",
        version="3.0.11-1~deb12u2",
        type=PackageType.DEB,
        found_by="dpkg-db-cataloger",
        locations=[Location("/var/lib/dpkg/status", "sha256:l1", "primary")],
        licenses=[
            License("Apache-2.0", "Apache-2.0", "declared", [Location("/usr/share/doc/openssl/copyright")])
        ],
        purl="pkg:deb/debian/openssl@3.0.11-1~deb12u2?arch=amd64&distro=debian-12",
        cpes=["cpe:2.3:a:openssl:openssl:3.0.11:*:*:*:*:*:*:*"],
        metadata_type="DpkgDBEntry",
        metadata={"package": "openssl", "installedSize": 2300},
        files=["/usr/bin/openssl"],
    )
    py = Package(
        name="six",
        version="1.16.0",
        type=PackageType.PYTHON,
        found_by="python-installed-package-cataloger",
        locations=[Location("/usr/lib/python3/dist-packages/six-1.16.0.dist-info/METADATA")],
        language="python",
    )
    jar = Package(
        name="commons-lang3",
        version="3.12.0",
        type=PackageType.JAVA_ARCHIVE,
        found_by="java-archive-cataloger",
        locations=[
            Location("/app/a.war", "sha256:l1", "primary", "/app/a.war:WEB-INF/lib/commons-lang3.jar")
        ],
    )
    return ImageAnalysis(
        source={"scheme": "docker-archive", "reference": "docker-archive:x.tar", "repoTags": ["a:b"]},
        distro=Distro("debian", "12", ("debian",), "Debian GNU/Linux", "Debian 12", "bookworm", None),
        packages=[deb, py, jar],
        relationships=[Relationship(deb.id, py.id, "ownership-by-file-overlap")],
        files=[
            FileEntry(
                "/usr/bin/passwd", FileType.REGULAR, 0o4755, 0, 0, 10, None, "sha256:l1", {"sha256": "ab"}, 7
            ),
            FileEntry("/bin", FileType.SYMLINK, 0o777, link_target="usr/bin", layer="sha256:l1"),
        ],
        secrets=[SecretMatch("/app/.env", "API_KEY", "(?i).*api", [3, 9])],
        content_matches=[SecretMatch("/etc/motd", "HELLO", "hello", [1])],
        retrieved_files={"/etc/passwd": b"root:x:0:0\n\xff"},
        image_metadata={"user": "app", "layers": [{"digest": "sha256:l1"}]},
        dockerfile="FROM scratch\n",
        warnings=["layer x: something"],
        timings={"squash": 0.5},
    )


def test_round_trip_is_lossless_through_json() -> None:
    original = sample()
    doc = json.loads(json.dumps(to_document(original)))
    assert doc["schema"] == {"name": SCHEMA_NAME, "version": "1.0.0"}
    assert doc["suidFiles"] == ["/usr/bin/passwd"]
    assert from_document(doc) == original


@pytest.mark.parametrize(
    "schema", [None, {"name": "other", "version": "1.0.0"}, {"name": SCHEMA_NAME, "version": "2.0.0"}]
)
def test_foreign_documents_are_refused(schema: dict | None) -> None:
    doc = to_document(sample())
    doc["schema"] = schema
    with pytest.raises(DocumentError):
        from_document(doc)


def test_malformed_document_is_a_clear_error() -> None:
    doc = to_document(sample())
    doc["files"][0]["mode"] = "not-octal"
    with pytest.raises(DocumentError, match="malformed"):
        from_document(doc)
