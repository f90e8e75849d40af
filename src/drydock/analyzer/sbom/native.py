"""Drydock's native SBOM: syft's JSON document shape (schema 16), written from the model.

This is what the platform archives and serves as ``/sboms/native``; keeping syft's field names
and relationship direction (parent = "from") lets grype and other syft-json readers consume it.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from drydock.analyzer.model import FileEntry, FileType, ImageAnalysis, License, Location, Package
from drydock.analyzer.sbom.identity import PackageIndex, PackageRef
from drydock.analyzer.sbom.licenses import classify
from drydock.analyzer.sbom.options import RenderOptions
from drydock.analyzer.sbom.source import SourceDescription, describe_source

SCHEMA_VERSION = "16.0.0"
SCHEMA_URL = f"https://raw.githubusercontent.com/anchore/syft/main/schema/json/schema-{SCHEMA_VERSION}.json"

FILE_TYPES = {  # syft's stereoscope file type names
    FileType.REGULAR: "RegularFile",
    FileType.DIRECTORY: "Directory",
    FileType.SYMLINK: "SymbolicLink",
    FileType.HARDLINK: "HardLink",
    FileType.CHAR_DEVICE: "CharacterDevice",
    FileType.BLOCK_DEVICE: "BlockDevice",
    FileType.FIFO: "FIFONode",
    FileType.OTHER: "IrregularFile",
}


def _location(loc: Location) -> dict[str, Any]:
    out: dict[str, Any] = {"path": loc.path, "accessPath": loc.access}
    if loc.layer:
        out["layerID"] = loc.layer
    if loc.evidence:
        out["annotations"] = {"evidence": loc.evidence}
    return out


def _license(lic: License) -> dict[str, Any]:
    term = classify(lic)
    return {
        "value": lic.value,
        "spdxExpression": term.value if term is not None and term.is_spdx else "",
        "type": lic.type,
        "urls": list(lic.urls),
        "locations": [_location(loc) for loc in lic.locations],
    }


def artifact(ref: PackageRef) -> dict[str, Any]:
    package: Package = ref.package
    out: dict[str, Any] = {
        "id": ref.key,
        "name": package.name,
        "version": package.version,
        "type": str(package.type),
        "foundBy": package.found_by,
        "locations": [_location(loc) for loc in package.locations],
        "licenses": [_license(lic) for lic in package.licenses],
        "language": package.language,
        "cpes": [{"cpe": cpe} for cpe in package.cpes],
        "purl": package.purl or "",
    }
    if package.metadata_type:
        out["metadataType"] = package.metadata_type
        out["metadata"] = package.metadata
    return out


def file_record(entry: FileEntry) -> dict[str, Any]:
    location: dict[str, Any] = {"path": entry.path}
    if entry.layer:
        location["layerID"] = entry.layer
    metadata: dict[str, Any] = {
        "mode": int(f"{entry.mode:o}"),  # syft writes the octal digits as a number (0o4755 → 4755)
        "type": FILE_TYPES.get(entry.type, "IrregularFile"),
        "userID": entry.uid,
        "groupID": entry.gid,
        "mimeType": "",
        "size": entry.size,
    }
    if entry.link_target is not None:
        metadata["linkDestination"] = entry.link_target
    out: dict[str, Any] = {
        "id": hashlib.sha256(f"{entry.path}\x00{entry.layer or ''}".encode()).hexdigest()[:16],
        "location": location,
        "metadata": metadata,
    }
    if entry.digests:
        out["digests"] = [{"algorithm": k, "value": v} for k, v in sorted(entry.digests.items())]
    return out


def _source_metadata(source: SourceDescription, analysis: ImageAnalysis) -> dict[str, Any]:
    if not source.is_image:
        return {"path": source.user_input}
    meta = analysis.image_metadata if isinstance(analysis.image_metadata, dict) else {}
    layers = [
        {
            "mediaType": layer.get("mediaType", ""),
            "digest": layer.get("diffId") or layer.get("digest", ""),
            "size": layer.get("size", 0),
        }
        for layer in meta.get("layers") or []
        if isinstance(layer, dict)
    ]
    return {
        "userInput": source.user_input,
        "imageID": source.image_id,
        "manifestDigest": source.manifest_digest,
        "tags": list(source.tags),
        "repoDigests": list(source.repo_digests),
        "imageSize": meta.get("imageSize", 0),
        "layers": layers,
        "architecture": meta.get("architecture", ""),
        "variant": meta.get("variant", ""),
        "os": meta.get("os", ""),
        "labels": meta.get("labels") or {},
    }


def build_document(analysis: ImageAnalysis, options: RenderOptions) -> dict[str, Any]:
    source = describe_source(analysis)
    index = PackageIndex(analysis.packages)
    return {
        "artifacts": [artifact(ref) for ref in index],
        "artifactRelationships": [
            {"parent": a.key, "child": b.key, "type": rel_type}
            for a, b, rel_type in index.package_relationships(analysis.relationships)
        ],
        "files": [file_record(entry) for entry in sorted(analysis.files, key=lambda e: e.path)],
        "source": {
            "id": source.id,
            "name": source.name,
            "version": source.version,
            "type": "image" if source.is_image else "directory",
            "metadata": _source_metadata(source, analysis),
        },
        "distro": analysis.distro.to_dict() if analysis.distro else {},
        "descriptor": {"name": options.tool_name, "version": options.tool_version, "configuration": {}},
        "schema": {"version": SCHEMA_VERSION, "url": SCHEMA_URL},
    }


def render_native_json(analysis: ImageAnalysis, options: RenderOptions) -> str:
    return json.dumps(
        build_document(analysis, options), indent=options.indent, ensure_ascii=False, default=str
    )
