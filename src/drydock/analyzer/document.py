"""The analysis document: ``ImageAnalysis`` as versioned JSON, what the catalog stores and the
policy engine reads. ``from_document(to_document(a))`` gives back an equal analysis.

Field names are camelCase like the package objects (syft's spelling), bytes are base64, and
the document carries a ``schema`` header so readers can refuse versions they do not know
(major version change = incompatible). Derived views that gates need often (setuid/setgid
files) are included for convenience and ignored on reading.
"""

from __future__ import annotations

import base64
from typing import Any

from drydock.analyzer.files import suid_files
from drydock.analyzer.model import (
    Distro,
    FileEntry,
    FileType,
    ImageAnalysis,
    License,
    Location,
    MalwareMatch,
    MalwareScan,
    Package,
    PackageType,
    Relationship,
    SecretMatch,
)

SCHEMA_NAME = "drydock-analysis"
SCHEMA_VERSION = "1.0.0"


class DocumentError(ValueError):
    """Not an analysis document this version can read."""


def _secret_to_dict(m: SecretMatch) -> dict[str, Any]:
    return {"path": m.path, "name": m.name, "regex": m.regex, "lines": list(m.lines)}


def malware_to_dict(scan: MalwareScan) -> dict[str, Any]:
    """Anchore's ``malware`` content entry (scanner, enabled, metadata, findings[path,
    signature]) plus the finding's layer and what limited or broke the scan."""
    return {
        "scanner": scan.scanner,
        "enabled": True,
        "metadata": scan.metadata,
        "findings": [{"path": m.path, "signature": m.signature, "layer": m.layer} for m in scan.findings],
        "error": scan.error,
        "partial": scan.partial,
        "filesScanned": scan.files_scanned,
        "bytesScanned": scan.bytes_scanned,
        "skipped": {"tooLarge": scan.skipped_too_large, "overTotal": scan.skipped_over_total},
    }


def _malware(d: dict[str, Any]) -> MalwareScan:
    skipped = d.get("skipped") or {}
    return MalwareScan(
        scanner=d["scanner"],
        metadata=dict(d.get("metadata") or {}),
        findings=[MalwareMatch(f["path"], f["signature"], f.get("layer")) for f in d.get("findings", [])],
        error=d.get("error"),
        files_scanned=d.get("filesScanned", 0),
        bytes_scanned=d.get("bytesScanned", 0),
        skipped_too_large=skipped.get("tooLarge", 0),
        skipped_over_total=skipped.get("overTotal", 0),
    )


def to_document(analysis: ImageAnalysis) -> dict[str, Any]:
    doc = {
        "schema": {"name": SCHEMA_NAME, "version": SCHEMA_VERSION},
        "source": analysis.source,
        "distro": analysis.distro.to_dict() if analysis.distro else None,
        "packages": [p.to_dict() for p in analysis.packages],
        "relationships": [r.to_dict() for r in analysis.relationships],
        "files": [_file_to_dict(f) for f in analysis.files],
        "suidFiles": [f.path for f in suid_files(analysis.files)],
        "secrets": [_secret_to_dict(m) for m in analysis.secrets],
        "contentMatches": [_secret_to_dict(m) for m in analysis.content_matches],
        "retrievedFiles": {
            p: base64.b64encode(b).decode() for p, b in sorted(analysis.retrieved_files.items())
        },
        "imageMetadata": analysis.image_metadata,
        "dockerfile": analysis.dockerfile,
        "dockerfileMode": analysis.dockerfile_mode,
        "warnings": list(analysis.warnings),
        "timings": dict(analysis.timings),
    }
    if analysis.malware is not None:  # absent: no scan configured (the gate's scan_not_run)
        doc["malware"] = [malware_to_dict(scan) for scan in analysis.malware]
    return doc


def _file_to_dict(f: FileEntry) -> dict[str, Any]:
    d = f.to_dict()
    d["mtime"] = f.mtime
    return d


def _location(d: dict[str, Any]) -> Location:
    return Location(
        path=d["path"],
        layer=d.get("layer"),
        evidence=(d.get("annotations") or {}).get("evidence"),
        access_path=d.get("accessPath"),
    )


def _license(d: dict[str, Any]) -> License:
    return License(
        value=d["value"],
        spdx_expression=d.get("spdxExpression"),
        type=d.get("type", "declared"),
        locations=[_location(x) for x in d.get("locations", [])],
        urls=list(d.get("urls", [])),
    )


def _package(d: dict[str, Any]) -> Package:
    return Package(
        name=d["name"],
        version=d["version"],
        type=PackageType(d["type"]),
        found_by=d.get("foundBy", ""),
        locations=[_location(x) for x in d.get("locations", [])],
        licenses=[_license(x) for x in d.get("licenses", [])],
        purl=d.get("purl") or None,
        cpes=list(d.get("cpes", [])),
        language=d.get("language", ""),
        metadata_type=d.get("metadataType") or None,
        metadata=dict(d.get("metadata") or {}),
        files=list(d.get("files", [])),
    )


def _distro(d: dict[str, Any] | None) -> Distro | None:
    if not d:
        return None
    return Distro(
        id=d["id"],
        version_id=d.get("versionID") or None,
        id_like=tuple(d.get("idLike", [])),
        name=d.get("name") or None,
        pretty_name=d.get("prettyName") or None,
        version_codename=d.get("versionCodename") or None,
        cpe_name=d.get("cpeName") or None,
    )


def _file(d: dict[str, Any]) -> FileEntry:
    return FileEntry(
        path=d["path"],
        type=FileType(d["type"]),
        mode=int(d["mode"], 8),
        uid=d.get("uid", 0),
        gid=d.get("gid", 0),
        size=d.get("size", 0),
        link_target=d.get("linkTarget"),
        layer=d.get("layer"),
        digests={x["algorithm"]: x["value"] for x in d.get("digests", [])},
        mtime=d.get("mtime", 0),
    )


def _secret(d: dict[str, Any]) -> SecretMatch:
    return SecretMatch(path=d["path"], name=d["name"], regex=d["regex"], lines=list(d.get("lines", [])))


def from_document(doc: dict[str, Any]) -> ImageAnalysis:
    schema = doc.get("schema") or {}
    if schema.get("name") != SCHEMA_NAME:
        raise DocumentError(f"not a {SCHEMA_NAME} document: schema {schema!r}")
    if str(schema.get("version", "")).split(".")[0] != SCHEMA_VERSION.split(".")[0]:
        raise DocumentError(
            f"unsupported {SCHEMA_NAME} version {schema.get('version')!r} (reader: {SCHEMA_VERSION})"
        )
    try:
        return ImageAnalysis(
            source=dict(doc.get("source") or {}),
            distro=_distro(doc.get("distro")),
            packages=[_package(p) for p in doc.get("packages", [])],
            relationships=[
                Relationship(from_id=r["child"], to_id=r["parent"], type=r["type"])
                for r in doc.get("relationships", [])
            ],
            files=[_file(f) for f in doc.get("files", [])],
            secrets=[_secret(m) for m in doc.get("secrets", [])],
            content_matches=[_secret(m) for m in doc.get("contentMatches", [])],
            retrieved_files={p: base64.b64decode(b) for p, b in (doc.get("retrievedFiles") or {}).items()},
            image_metadata=dict(doc.get("imageMetadata") or {}),
            dockerfile=doc.get("dockerfile"),
            dockerfile_mode=doc.get("dockerfileMode", "Guessed"),
            warnings=list(doc.get("warnings", [])),
            timings=dict(doc.get("timings") or {}),
            malware=[_malware(m) for m in doc["malware"]] if "malware" in doc else None,
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise DocumentError(f"malformed {SCHEMA_NAME} document: {type(exc).__name__}: {exc}") from exc
