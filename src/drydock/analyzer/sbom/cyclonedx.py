"""CycloneDX 1.6 JSON, built with cyclonedx-python-lib and shaped like syft's output.

Component types, ``bom-ref`` derivation, ``syft:*`` property names and the dependency direction
follow syft, so consumers that read syft's CycloneDX (grype, Dependency-Track) read ours.
"""

from __future__ import annotations

import warnings
from collections import defaultdict
from typing import Any

from cyclonedx.model import Property
from cyclonedx.model.bom import Bom
from cyclonedx.model.bom_ref import BomRef
from cyclonedx.model.component import Component, ComponentType
from cyclonedx.model.dependency import Dependency
from cyclonedx.model.license import DisjunctiveLicense, LicenseExpression
from cyclonedx.model.license import License as CdxLicense
from cyclonedx.output import make_outputter
from cyclonedx.schema import OutputFormat, SchemaVersion
from cyclonedx.spdx import fixup_id
from packageurl import PackageURL

from drydock.analyzer.model import Distro, ImageAnalysis, Package, PackageType
from drydock.analyzer.sbom.identity import PackageIndex, PackageRef
from drydock.analyzer.sbom.licenses import LicenseTerm, TermKind, classify_all, conjoin
from drydock.analyzer.sbom.options import RenderOptions
from drydock.analyzer.sbom.people import originator, supplier
from drydock.analyzer.sbom.source import describe_source

DEPENDENCY_OF = "dependency-of"
SCALAR = (str, int, float, bool)


def cyclonedx_licenses(terms: list[LicenseTerm]) -> list[CdxLicense]:
    """syft's rule: several plain ids/names stay separate entries; expressions may only stand
    alone (the schema forbids mixing), so they are merged into one when nothing else is
    present, else listed by name."""
    if not terms:
        return []
    if all(t.kind is TermKind.EXPRESSION for t in terms):
        return [LicenseExpression(conjoin(t.value for t in terms))]
    out: list[CdxLicense] = []
    for term in terms:
        spdx_id = fixup_id(term.value) if term.kind is TermKind.ID else None
        out.append(DisjunctiveLicense(id=spdx_id) if spdx_id else DisjunctiveLicense(name=term.value))
    return out


def derive_bom_ref(purl: str, key: str) -> str:
    """The purl tagged with the package id, as syft derives CycloneDX references."""
    return f"{purl}{'&' if '?' in purl else '?'}package-id={key}"


def _purl(package: Package) -> PackageURL | None:
    """Unparsable purls are left out rather than failing the whole document."""
    if not package.purl:
        return None
    try:
        return PackageURL.from_string(package.purl)
    except ValueError:
        return None


def _properties(package: Package) -> list[Property]:
    props = [
        ("syft:package:foundBy", package.found_by),
        ("syft:package:language", package.language),
        ("syft:package:metadataType", package.metadata_type or ""),
        ("syft:package:type", str(package.type)),
    ]
    props += [("syft:cpe23", cpe) for cpe in package.cpes[1:]]
    for n, loc in enumerate(package.locations):
        props += [(f"syft:location:{n}:layerID", loc.layer or ""), (f"syft:location:{n}:path", loc.path)]
        if loc.access != loc.path:  # nested archive: syft's CycloneDX drops this, we keep it
            props.append((f"syft:location:{n}:accessPath", loc.access))
    metadata: dict[str, Any] = package.metadata if isinstance(package.metadata, dict) else {}
    for key, value in metadata.items():
        if isinstance(value, SCALAR) and value != "":
            props.append(
                (f"syft:metadata:{key}", str(value).lower() if isinstance(value, bool) else str(value))
            )
    return [Property(name=k, value=v) for k, v in props if v]


def _component(ref: PackageRef) -> Component:
    package = ref.package
    publisher = supplier(package) or originator(package)
    purl = _purl(package)
    return Component(
        type=ComponentType.APPLICATION if package.type is PackageType.BINARY else ComponentType.LIBRARY,
        name=package.name,
        version=package.version or None,
        bom_ref=derive_bom_ref(package.purl or "", ref.key) if purl else ref.key,
        purl=purl,
        cpe=package.cpes[0] if package.cpes else None,
        licenses=cyclonedx_licenses(classify_all(package.licenses)),
        publisher=str(publisher) if publisher else None,
        properties=_properties(package),
    )


def _distro_component(distro: Distro) -> Component:
    props = [
        ("syft:distro:id", distro.id),
        *((f"syft:distro:idLike:{n}", like) for n, like in enumerate(distro.id_like)),
        ("syft:distro:prettyName", distro.pretty_name or ""),
        ("syft:distro:versionCodename", distro.version_codename or ""),
        ("syft:distro:versionID", distro.version_id or ""),
    ]
    return Component(
        type=ComponentType.OPERATING_SYSTEM,
        name=distro.id,
        version=distro.version_id or None,
        description=distro.pretty_name or None,
        cpe=distro.cpe_name or None,
        bom_ref=f"os:{distro.id}@{distro.version_id or ''}",
        properties=[Property(name=k, value=v) for k, v in props if v],
    )


def build_bom(analysis: ImageAnalysis, options: RenderOptions) -> Bom:
    source = describe_source(analysis)
    bom = Bom(serial_number=options.document_id)
    bom.metadata.timestamp = options.created
    bom.metadata.tools.components.add(
        Component(type=ComponentType.APPLICATION, name=options.tool_name, version=options.tool_version)
    )
    purl = source.purl
    bom.metadata.component = Component(
        type=ComponentType.CONTAINER if source.is_image else ComponentType.FILE,
        name=source.name,
        version=source.version or None,
        bom_ref=source.id,
        purl=PackageURL.from_string(purl) if purl else None,
    )
    index = PackageIndex(analysis.packages)
    components = {ref.key: _component(ref) for ref in index}
    others = [_distro_component(analysis.distro)] if analysis.distro is not None else []
    bom.components.update([*components.values(), *others])

    depends_on: dict[str, list[BomRef]] = defaultdict(list)
    for source_ref, target_ref, rel_type in index.package_relationships(analysis.relationships):
        if rel_type == DEPENDENCY_OF:  # "from is a dependency of to": to depends on from
            depends_on[target_ref.key].append(components[source_ref.key].bom_ref)
    # every component gets an entry (even without dependencies): see serialize()
    bom.dependencies = [
        *(
            Dependency(ref=c.bom_ref, dependencies=map(Dependency, depends_on[key]))
            for key, c in components.items()
        ),
        *(Dependency(ref=c.bom_ref) for c in [*others, bom.metadata.component]),
    ]
    return bom


def serialize(bom: Bom, indent: int | None = 2) -> str:
    """JSON text of a fully built Bom (every component already has its Dependency entry).

    cyclonedx-python-lib's ``Bom.validate()``, run by every outputter, calls
    ``register_dependency`` once per component, and that scans all dependencies linearly
    (CycloneDX/cyclonedx-python-lib#1006): quadratic, ~4 s of a 5,000-package render. The
    instance-level override answers "already registered" from a set: same result, linear.
    The "root has no dependencies" warning is syft's shape too (the image contains its
    packages, it does not depend on them), so it is silenced.
    """
    registered = {d.ref.value for d in bom.dependencies}
    original = bom.register_dependency

    def register(target: Any, depends_on: Any = None) -> None:
        if depends_on or target.bom_ref.value not in registered:
            original(target, depends_on)

    bom.register_dependency = register  # type: ignore[method-assign]
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*has no defined dependencies", category=UserWarning)
        return make_outputter(bom, OutputFormat.JSON, SchemaVersion.V1_6).output_as_string(indent=indent)


def render_cyclonedx_json(analysis: ImageAnalysis, options: RenderOptions) -> str:
    return serialize(build_bom(analysis, options), options.indent)
