"""The Anchore content, metadata and artifact views of an analysis (what
``anchore-cli image content|metadata`` prints), computed from the stored analysis document."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from typing import Any

from drydock.analyzer.document import malware_to_dict
from drydock.analyzer.model import FileEntry, ImageAnalysis, Package, PackageType, SecretMatch
from drydock.core.errors import BadRequest

OS_TYPES = {PackageType.DEB: "dpkg", PackageType.RPM: "rpm", PackageType.APK: "APKG"}
LANG_CONTENT: dict[str, tuple[set[PackageType], str]] = {
    "npm": ({PackageType.NPM}, "NPM"),
    "gem": ({PackageType.GEM}, "GEM"),
    "python": ({PackageType.PYTHON}, "PYTHON"),
    "go": ({PackageType.GO_MODULE}, "GO"),
    "binary": ({PackageType.BINARY}, "BINARY"),
    "rust": ({PackageType.RUST_CRATE}, "RUST"),
    "nuget": ({PackageType.DOTNET}, "NUGET"),
    "php": ({PackageType.PHP_COMPOSER, PackageType.PHP_PEAR, PackageType.PHP_PECL}, "PHP"),
}
JAVA_TYPES = {PackageType.JAVA_ARCHIVE, PackageType.JENKINS_PLUGIN}
CONTENT_TYPES = (
    "os",
    "files",
    "npm",
    "gem",
    "python",
    "java",
    "binary",
    "go",
    "rust",
    "nuget",
    "php",
    "malware",
)
METADATA_TYPES = ("manifest", "docker_history", "dockerfile")


def _licenses(p: Package) -> list[str]:
    return [lic.spdx_expression or lic.value for lic in p.licenses] or ["Unknown"]


def _location(p: Package) -> str:
    return p.locations[0].path if p.locations else "pkgdb"


def _os_row(p: Package) -> dict[str, Any]:
    md = p.metadata or {}  # syft's Go field names (DpkgDBEntry, ApkDBEntry, RpmDBEntry)
    source = md.get("Source") or md.get("SourceRpm") or md.get("OriginPackage") or p.name
    return {
        "package": p.name,
        "version": p.version,
        "size": str(md.get("InstalledSize") or md.get("Size") or 0),
        "type": OS_TYPES[p.type],
        "origin": md.get("Maintainer") or md.get("Vendor") or "N/A",
        "license": " ".join(_licenses(p)),
        "licenses": _licenses(p),
        "cpes": list(p.cpes),
        "sourcepkg": source,
    }


def _lang_row(p: Package, label: str) -> dict[str, Any]:
    return {
        "package": p.name,
        "version": p.version,
        "type": label,
        "location": _location(p),
        "origin": (p.metadata or {}).get("Author") or (p.metadata or {}).get("author") or "N/A",
        "license": " ".join(_licenses(p)),
        "licenses": _licenses(p),
        "cpes": list(p.cpes),
        "purl": p.purl or "",
    }


def _java_row(p: Package) -> dict[str, Any]:
    md = p.metadata or {}  # syft's JavaArchive field names
    manifest = (md.get("Manifest") or {}).get("Main") or {}
    if isinstance(manifest, list):  # syft keeps ordered key/value pairs
        manifest = {kv.get("Key"): kv.get("Value") for kv in manifest if isinstance(kv, dict)}
    pom = md.get("PomProperties") or {}
    path = _location(p)
    ext = path.rsplit(".", 1)[-1].upper() if "." in path else "JAR"
    return {
        "package": p.name,
        "type": f"JAVA-{ext}" if ext in ("JAR", "WAR", "EAR", "JPI", "HPI") else "JAVA-JAR",
        "location": md.get("VirtualPath") or path,
        "specification-version": manifest.get("Specification-Version", "N/A"),
        "implementation-version": manifest.get("Implementation-Version", "N/A"),
        "maven-version": pom.get("Version", "N/A"),
        "version": p.version,
        "origin": pom.get("GroupID") or "N/A",
        "cpes": list(p.cpes),
        "purl": p.purl or "",
        "metadata": md,
    }


def _file_row(f: FileEntry) -> dict[str, Any]:
    return {
        "filename": f.path,
        "gid": f.gid,
        "uid": f.uid,
        "linkdest": f.link_target,
        "mode": f"{f.mode:05o}",
        "sha256": f.digests.get("sha256"),
        "size": f.size,
        "type": {"regular": "file", "directory": "dir", "symlink": "slink", "hardlink": "hlink"}.get(
            str(f.type), str(f.type)
        ),
    }


def content(analysis: ImageAnalysis, ctype: str) -> list[dict[str, Any]]:
    """Rows of one content type; 400 for a type this image's analysis does not have."""
    if ctype == "os":
        return [_os_row(p) for p in analysis.packages if p.type in OS_TYPES]
    if ctype == "files":
        return [_file_row(f) for f in analysis.files]
    if ctype == "java":
        return [_java_row(p) for p in analysis.packages if p.type in JAVA_TYPES]
    if ctype == "malware":  # one entry per scanner; none when no scan ran
        return [malware_to_dict(scan) for scan in analysis.malware or ()]
    if ctype in LANG_CONTENT:
        types, label = LANG_CONTENT[ctype]
        return [_lang_row(p, label) for p in analysis.packages if p.type in types]
    raise BadRequest(f"content type '{ctype}' not available; available types: {', '.join(CONTENT_TYPES)}")


def _b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


_METADATA: dict[str, Callable[[ImageAnalysis], str]] = {
    "manifest": lambda a: _b64(json.dumps(a.image_metadata.get("manifest") or {})),
    "docker_history": lambda a: _b64(json.dumps(a.image_metadata.get("history") or [])),
    "dockerfile": lambda a: _b64(a.dockerfile or ""),
}


def metadata(analysis: ImageAnalysis, mtype: str) -> str:
    if mtype not in _METADATA:
        raise BadRequest(
            f"metadata type '{mtype}' not available; available types: {', '.join(METADATA_TYPES)}"
        )
    return _METADATA[mtype](analysis)


def _matches_out(matches: list[SecretMatch]) -> list[dict[str, Any]]:
    by_path: dict[str, list[dict[str, Any]]] = {}
    for m in matches:
        by_path.setdefault(m.path, []).append({"name": m.name, "regex": m.regex, "lines": list(m.lines)})
    return [{"path": path, "matches": rows} for path, rows in sorted(by_path.items())]


def artifacts(analysis: ImageAnalysis, kind: str) -> list[dict[str, Any]]:
    if kind == "retrieved_files":
        return [
            {"path": path, "b64_content": base64.b64encode(data).decode()}
            for path, data in sorted(analysis.retrieved_files.items())
        ]
    if kind == "secret_search":
        return _matches_out(analysis.secrets)
    if kind == "file_content_search":
        return _matches_out(analysis.content_matches)
    raise BadRequest(f"unknown artifact type '{kind}': retrieved_files, file_content_search or secret_search")
