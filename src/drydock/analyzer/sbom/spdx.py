"""SPDX 2.3 JSON, built with spdx-tools and shaped like syft's output.

The document DESCRIBES one root package (the image, or the directory), which CONTAINS every
package found; ``dependency-of`` becomes DEPENDS_ON. Licences that are not valid SPDX become
``LicenseRef-`` ids with the original text in ``hasExtractedLicensingInfos``, so the document
passes spdx-tools validation whatever the catalogers found.
"""

from __future__ import annotations

import hashlib
import io
import re
from datetime import UTC, datetime

from license_expression import LicenseExpression
from spdx_tools.common.spdx_licensing import spdx_licensing
from spdx_tools.spdx.model import (
    Actor,
    ActorType,
    Checksum,
    ChecksumAlgorithm,
    CreationInfo,
    Document,
    ExternalPackageRef,
    ExternalPackageRefCategory,
    ExtractedLicensingInfo,
    PackagePurpose,
    RelationshipType,
    SpdxNoAssertion,
)
from spdx_tools.spdx.model import (
    Package as SpdxPackage,
)
from spdx_tools.spdx.model import (
    Relationship as SpdxRelationship,
)
from spdx_tools.spdx.validation.external_package_ref_validator import validate_external_package_ref
from spdx_tools.spdx.writer.json.json_writer import write_document_to_stream

from drydock.analyzer.model import ImageAnalysis, Package
from drydock.analyzer.sbom.identity import PackageIndex, PackageRef, spdx_safe
from drydock.analyzer.sbom.licenses import classify_all, conjoin
from drydock.analyzer.sbom.options import RenderOptions
from drydock.analyzer.sbom.people import Party, originator, supplier
from drydock.analyzer.sbom.source import SourceDescription, describe_source

SPDX_VERSION = "SPDX-2.3"
DOCUMENT_ID = "SPDXRef-DOCUMENT"
NAMESPACE_BASE = "https://drydock.dev/spdxdocs"
_LICENSE_REF = re.compile(r"LicenseRef-[A-Za-z0-9.-]+")
_MAX_REF_LENGTH = 64

RELATIONSHIP_TYPES = {  # model relationship type → (SPDX type, swap ends?, comment)
    "dependency-of": (RelationshipType.DEPENDS_ON, True, None),
    "contains": (RelationshipType.CONTAINS, False, None),
    "ownership-by-file-overlap": (
        RelationshipType.OTHER,
        False,
        "ownership-by-file-overlap: the parent package's metadata claims files the child was found by",
    ),
}


class ExtractedLicenses:
    """Free-text licences of one document, each under a unique, stable ``LicenseRef-`` id."""

    def __init__(self) -> None:
        self._by_text: dict[str, str] = {}
        self._taken: set[str] = set()

    def ref(self, text: str) -> str:
        if text in self._by_text:
            return self._by_text[text]
        if _LICENSE_REF.fullmatch(text):
            base = text
        else:
            base = "LicenseRef-" + (spdx_safe(text)[:_MAX_REF_LENGTH].rstrip("-.") or "unnamed")
        ref = base
        if ref in self._taken:  # two texts that sanitize alike ("GPL v2", "GPL/v2")
            ref = f"{base}-{hashlib.sha256(text.encode()).hexdigest()[:8]}"
        self._by_text[text] = ref
        self._taken.add(ref)
        return ref

    def infos(self) -> list[ExtractedLicensingInfo]:
        return [
            ExtractedLicensingInfo(
                license_id=ref, extracted_text=text, license_name=text if len(text) <= 80 else None
            )
            for text, ref in self._by_text.items()
        ]


def declared_license(package: Package, extracted: ExtractedLicenses) -> LicenseExpression | SpdxNoAssertion:
    parts = [t.value if t.is_spdx else extracted.ref(t.value) for t in classify_all(package.licenses)]
    if not parts:
        return SpdxNoAssertion()
    try:
        return spdx_licensing.parse(conjoin(parts))
    except Exception:  # noqa: BLE001 - each part parsed alone; belt and braces for the library
        return SpdxNoAssertion()


def _actor(party: Party | None) -> Actor | None:
    if party is None:
        return None
    return Actor(ActorType.ORGANIZATION if party.organization else ActorType.PERSON, party.name, party.email)


def _external_refs(package: Package, spdx_id: str) -> list[ExternalPackageRef]:
    """purl and CPEs, keeping only locators the SPDX spec's patterns accept."""
    refs = [ExternalPackageRef(ExternalPackageRefCategory.SECURITY, "cpe23Type", cpe) for cpe in package.cpes]
    if package.purl:
        refs.append(ExternalPackageRef(ExternalPackageRefCategory.PACKAGE_MANAGER, "purl", package.purl))
    return [r for r in refs if not validate_external_package_ref(r, spdx_id, SPDX_VERSION)]


def _package(ref: PackageRef, extracted: ExtractedLicenses) -> SpdxPackage:
    package = ref.package
    paths = ", ".join(loc.path for loc in package.locations)
    return SpdxPackage(
        spdx_id=ref.spdx_id,
        name=package.name,
        download_location=SpdxNoAssertion(),
        version=package.version or None,
        supplier=_actor(supplier(package)) or SpdxNoAssertion(),
        originator=_actor(originator(package)),
        files_analyzed=False,
        source_info=f"acquired package info from {package.found_by}: {paths}" if paths else None,
        license_concluded=SpdxNoAssertion(),
        license_declared=declared_license(package, extracted),
        copyright_text=SpdxNoAssertion(),
        external_references=_external_refs(package, ref.spdx_id),
    )


def _root_package(source: SourceDescription) -> SpdxPackage:
    kind = "Image" if source.is_image else "Directory"
    spdx_id = f"SPDXRef-DocumentRoot-{kind}-{spdx_safe(source.name)}"
    checksums = []
    algorithm, _, digest = source.manifest_digest.partition(":")
    if algorithm == "sha256" and re.fullmatch(r"[0-9a-f]{64}", digest):
        checksums.append(Checksum(ChecksumAlgorithm.SHA256, digest))
    purl = source.purl
    return SpdxPackage(
        spdx_id=spdx_id,
        name=source.name,
        download_location=SpdxNoAssertion(),
        version=source.version or None,
        supplier=SpdxNoAssertion(),
        files_analyzed=False,
        checksums=checksums,
        license_concluded=SpdxNoAssertion(),
        license_declared=SpdxNoAssertion(),
        copyright_text=SpdxNoAssertion(),
        primary_package_purpose=PackagePurpose.CONTAINER if source.is_image else PackagePurpose.FILE,
        external_references=(
            [ExternalPackageRef(ExternalPackageRefCategory.PACKAGE_MANAGER, "purl", purl)] if purl else []
        ),
    )


def utc_naive(moment: datetime) -> datetime:
    """spdx-tools writes datetimes as UTC with a literal ``Z`` and ignores tzinfo."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    return moment.replace(tzinfo=None, microsecond=0)


def build_document(analysis: ImageAnalysis, options: RenderOptions) -> Document:
    source = describe_source(analysis)
    kind = "image" if source.is_image else "dir"
    creation = CreationInfo(
        spdx_version=SPDX_VERSION,
        spdx_id=DOCUMENT_ID,
        name=source.name,
        document_namespace=f"{NAMESPACE_BASE}/{kind}/{spdx_safe(source.name)}-{source.id}-{options.document_id}",
        creators=[
            Actor(ActorType.ORGANIZATION, options.tool_name.title()),
            Actor(ActorType.TOOL, f"{options.tool_name}-{options.tool_version}"),
        ],
        created=utc_naive(options.created),
    )
    root = _root_package(source)
    index = PackageIndex(analysis.packages)
    extracted = ExtractedLicenses()
    packages = [_package(ref, extracted) for ref in index]
    relationships = [SpdxRelationship(DOCUMENT_ID, RelationshipType.DESCRIBES, root.spdx_id)]
    relationships += [SpdxRelationship(root.spdx_id, RelationshipType.CONTAINS, p.spdx_id) for p in packages]
    for source_ref, target_ref, rel_type in index.package_relationships(analysis.relationships):
        if rel_type not in RELATIONSHIP_TYPES:
            continue
        spdx_type, swap, comment = RELATIONSHIP_TYPES[rel_type]
        first, second = (target_ref, source_ref) if swap else (source_ref, target_ref)
        relationships.append(SpdxRelationship(first.spdx_id, spdx_type, second.spdx_id, comment))
    return Document(
        creation_info=creation,
        packages=[root, *packages],
        relationships=relationships,
        extracted_licensing_info=extracted.infos(),
    )


def write_json(document: Document) -> str:
    """Validation is the tests' job: spdx-tools' validator needs ~3 ms per package."""
    stream = io.StringIO()
    write_document_to_stream(document, stream, validate=False)
    return stream.getvalue()


def render_spdx_json(analysis: ImageAnalysis, options: RenderOptions) -> str:
    return write_json(build_document(analysis, options))
