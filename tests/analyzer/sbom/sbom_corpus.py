"""Realistic analyses for the SBOM writer tests.

The packages come from every ``expected.json`` of the shared pkgdb fixtures (syft field
names: the same records catalogers produce), topped up with hand-made awkward cases: scoped
npm names, maven purls with qualifiers, licence strings SPDX cannot parse, names with spaces
and unicode, duplicate packages, CPEs, dependency relationships.
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

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
)
from drydock.analyzer.sbom.options import RenderOptions

REPO = Path(__file__).resolve().parents[3]
SHARED = REPO.parent / "shared"
PKGDB = SHARED / "fixtures" / "pkgdb"
LAYER = "sha256:" + "ab" * 32

IMAGE_SOURCE = {
    "scheme": "registry",
    "reference": "docker.io/library/debian:12",
    "registry": "docker.io",
    "repository": "library/debian",
    "tag": "12",
    "manifestDigest": "sha256:" + "1f" * 32,
    "imageId": "sha256:" + "2e" * 32,
    "repoTags": ["docker.io/library/debian:12"],
    "repoDigests": ["docker.io/library/debian@sha256:" + "1f" * 32],
    "layers": [LAYER],
}


def _package_type(value: Any) -> PackageType:
    try:
        return PackageType(value)
    except ValueError:
        return PackageType.UNKNOWN


def _locations(raw: Any) -> list[Location]:
    out = []
    for item in raw if isinstance(raw, list) else []:
        if isinstance(item, str):
            out.append(Location(item, LAYER, "primary"))
        elif isinstance(item, dict) and isinstance(item.get("path"), str):
            evidence = (item.get("annotations") or {}).get("evidence")
            out.append(Location(item["path"], item.get("layerID") or LAYER, evidence))
    return out


def _licenses(raw: Any) -> list[License]:
    out = []
    for item in raw if isinstance(raw, list) else []:
        if isinstance(item, str):
            out.append(License(item))
        elif isinstance(item, dict) and item.get("value"):
            out.append(License(item["value"], item.get("spdxExpression") or None))
    return out


def fixture_packages() -> list[Package]:
    """Every package object of the pkgdb fixtures, as a model Package."""
    packages = []
    for expected in sorted(PKGDB.rglob("expected.json")):
        doc = json.loads(expected.read_text())
        for raw in doc.get("packages") or []:
            if not isinstance(raw, dict) or not isinstance(raw.get("name"), str):
                continue
            metadata = raw.get("metadata")
            packages.append(
                Package(
                    name=raw["name"],
                    version=str(raw.get("version") or ""),
                    type=_package_type(raw.get("type")),
                    found_by=raw.get("foundBy") or doc.get("cataloger") or "unknown-cataloger",
                    locations=_locations(raw.get("locations")),
                    licenses=_licenses(raw.get("licenses")),
                    purl=raw.get("purl") or None,
                    cpes=[c if isinstance(c, str) else c.get("cpe", "") for c in raw.get("cpes") or []],
                    language=raw.get("language") or "",
                    metadata_type=raw.get("metadataType") or None,
                    metadata=metadata if isinstance(metadata, dict) else {},
                )
            )
    return packages


def awkward_packages() -> list[Package]:
    def pkg(
        name: str, version: str, ptype: PackageType, purl: str | None, *licenses: str, **kw: Any
    ) -> Package:
        return Package(
            name=name,
            version=version,
            type=ptype,
            found_by=kw.pop("found_by", "test-cataloger"),
            locations=[Location(kw.pop("path", f"/usr/lib/{len(name)}/{name}"), LAYER, "primary")],
            licenses=[License(v) for v in licenses],
            purl=purl,
            **kw,
        )

    return [
        pkg(
            "@babel/core",
            "7.24.0",
            PackageType.NPM,
            "pkg:npm/%40babel/core@7.24.0",
            "MIT",
            language="javascript",
        ),
        pkg("@types/node", "20.1.0", PackageType.NPM, "pkg:npm/%40types/node@20.1.0", "MIT OR Apache-2.0"),
        pkg(
            "log4j-core",
            "2.14.1",
            PackageType.JAVA_ARCHIVE,
            "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1?type=jar",
            "Apache-2.0",
            cpes=[
                "cpe:2.3:a:apache:log4j:2.14.1:*:*:*:*:*:*:*",
                "cpe:2.3:a:apache:log4j-core:2.14.1:*:*:*:*:*:*:*",
            ],
            metadata_type="JavaArchive",
            metadata={"virtualPath": "/app/lib/log4j-core.jar"},
        ),
        pkg(
            "libc6",
            "2.36-9+deb12u4",
            PackageType.DEB,
            "pkg:deb/debian/libc6@2.36-9%2Bdeb12u4?arch=amd64&distro=debian-12",
            "GPL-2.0+",
            "LGPL-2.1",
            "custom: see /usr/share/doc/libc6/copyright",
            metadata_type="DpkgDBEntry",
            metadata={
                "package": "libc6",
                "maintainer": "GNU Libc Maintainers <debian-glibc@lists.debian.org>",
                "installedSize": 12986,
                "essential": False,
                "files": [{"path": "/lib/x"}],
            },
        ),
        pkg(
            "openssl-libs",
            "1:3.0.7-27.el9",
            PackageType.RPM,
            "pkg:rpm/redhat/openssl-libs@3.0.7-27.el9?epoch=1",
            "ASL 2.0",
            metadata={"vendor": "Red Hat, Inc."},
        ),
        pkg("weird name with spaces", "", PackageType.UNKNOWN, None, "   "),
        pkg(
            "ünïcödé-pkg",
            "1.0",
            PackageType.PYTHON,
            "pkg:pypi/%C3%BCn%C3%AFc%C3%B6d%C3%A9-pkg@1.0",
            "BSD-3-Clause AND (MIT OR GPL-3.0-only WITH Classpath-exception-2.0)",
            metadata={"author": "Ann Author", "authorEmail": "ann@example.org"},
        ),
        pkg(
            "dangling", "0.1", PackageType.PYTHON, "pkg:pypi/dangling@0.1", "MIT AND", "GPL v2 / see COPYING"
        ),
        pkg("gpl-v2-slash", "0.1", PackageType.PYTHON, "pkg:pypi/gpl-v2-slash@0.1", "GPL v2 \\ see COPYING"),
        pkg("broken-purl", "1", PackageType.GEM, "not a purl", "Ruby"),
        pkg(
            "busybox",
            "1.37.0",
            PackageType.BINARY,
            "pkg:generic/busybox@1.37.0",
            found_by="binary-classifier-cataloger",
            cpes=["cpe:2.3:a:busybox:busybox:1.37.0:*:*:*:*:*:*:*"],
        ),
        pkg(
            "dup", "1.0", PackageType.NPM, "pkg:npm/dup@1.0", "ISC", path="/app/node_modules/dup/package.json"
        ),
        pkg(
            "dup", "1.0", PackageType.NPM, "pkg:npm/dup@1.0", "ISC", path="/app/node_modules/dup/package.json"
        ),
        pkg(
            "licref",
            "2",
            PackageType.GO_MODULE,
            "pkg:golang/example.com/licref@2",
            "LicenseRef-Proprietary-1",
        ),
    ]


def realistic_analysis(extra: int = 0) -> ImageAnalysis:
    """Fixture + awkward packages (``extra`` adds synthetic npm packages for scale tests)."""
    packages = fixture_packages() + awkward_packages()
    for i in range(extra):
        packages.append(
            Package(
                name=f"@scope{i % 17}/pkg-{i}",
                version=f"{i % 9}.{i % 13}.{i}",
                type=PackageType.NPM,
                found_by="javascript-package-cataloger",
                language="javascript",
                locations=[Location(f"/app/node_modules/pkg-{i}/package.json", LAYER, "primary")],
                licenses=[License(("MIT", "Apache-2.0 OR MIT", "GPL-2.0+", "Some EULA")[i % 4])],
                purl=f"pkg:npm/%40scope{i % 17}/pkg-{i}@{i % 9}.{i % 13}.{i}",
            )
        )
    by_name = {p.name: p for p in packages}
    relationships = [
        Relationship(by_name["@types/node"].id, by_name["@babel/core"].id, "dependency-of"),
        Relationship(by_name["libc6"].id, by_name["openssl-libs"].id, "dependency-of"),
        Relationship(by_name["libc6"].id, by_name["busybox"].id, "ownership-by-file-overlap"),
        Relationship(by_name["log4j-core"].id, "missing-package-id", "dependency-of"),
    ]
    return ImageAnalysis(
        source=dict(IMAGE_SOURCE),
        distro=Distro(
            id="debian",
            version_id="12",
            id_like=("linux",),
            name="Debian GNU/Linux",
            pretty_name="Debian GNU/Linux 12 (bookworm)",
            version_codename="bookworm",
            cpe_name="cpe:/o:debian:debian_linux:12",
        ),
        packages=packages,
        relationships=relationships,
        files=[
            FileEntry(
                "/etc/passwd", FileType.REGULAR, 0o644, size=922, layer=LAYER, digests={"sha256": "00" * 32}
            ),
            FileEntry("/usr/bin/su", FileType.REGULAR, 0o4755, size=72000, layer=LAYER),
            FileEntry("/bin", FileType.SYMLINK, 0o777, link_target="usr/bin", layer=LAYER),
        ],
    )


def fixed_options() -> RenderOptions:
    """Options that make every writer's output reproducible."""
    return RenderOptions(created=datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC), document_id=uuid.UUID(int=1))


def directory_analysis(packages: list[Package]) -> ImageAnalysis:
    return ImageAnalysis(source={"scheme": "dir", "reference": "dir:/tmp/rootfs"}, packages=packages)


def only(items: list[dict[str, Any]], **fields: str) -> dict[str, Any]:
    """The one item of a rendered document whose fields have these values."""
    matches = [item for item in items if all(item.get(k) == v for k, v in fields.items())]
    assert len(matches) == 1, fields
    return matches[0]
