"""META-INF/MANIFEST.MF: parsing, and how syft picks a package name and version from it.

Sections are kept as ordered (key, value) lists, the shape syft reports (``Main`` plus
``Sections``), because consumers compare manifests entry by entry and order carries meaning
for humans reading the SBOM.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from drydock.analyzer.catalogers.java.filename import ArchiveFilename

KeyValues = list[tuple[str, str]]


class ManifestError(ValueError):
    """The manifest is not in the key: value format."""


@dataclass(slots=True)
class JavaManifest:
    main: KeyValues = field(default_factory=list)
    sections: list[KeyValues] = field(default_factory=list)

    def get(self, key: str) -> str:
        """Value of ``key`` in the main section ('' when absent)."""
        return next((v for k, v in self.main if k == key), "")

    def has(self, key: str) -> bool:
        return any(k == key for k, _ in self.main)

    def field_anywhere(self, key: str) -> str:
        """Main section first, then every later section in order."""
        if value := self.get(key):
            return value
        for section in self.sections:
            if value := next((v for k, v in section if k == key and v), ""):
                return value
        return ""

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"Main": [{"Key": k, "Value": v} for k, v in self.main]}
        if self.sections:
            out["Sections"] = [[{"Key": k, "Value": v} for k, v in s] for s in self.sections]
        return out


def parse_manifest(text: str) -> JavaManifest:
    """Blank lines separate sections; a line starting with a space continues the previous
    value (the 72-byte line wrapping of the jar spec). Lines that are neither (no colon, an
    empty key, a continuation with nothing to continue) are skipped, as syft does, because real
    manifests carry such junk and the rest is still worth reading."""
    sections: list[KeyValues] = [[]]
    current = 0
    last_key: str | None = None
    for line in text.splitlines():
        if not line.strip():
            current += 1
            last_key = None
            continue
        while current >= len(sections):
            sections.append([])
        section = sections[current]
        if line[0] == " ":
            if last_key is not None:
                key, value = section[-1]
                section[-1] = (key, value + line.strip())
            continue
        key, sep, value = line.partition(":")
        if not sep or not key.strip():
            continue
        section.append((key.strip(), value.strip()))
        last_key = key.strip()
    if not any(sections):
        raise ManifestError("no key: value entries")
    non_empty = [s for s in sections[1:] if s]
    return JavaManifest(main=sections[0], sections=non_empty)


def _bundle_artifact(manifest: JavaManifest) -> str:
    """Apache Maven Bundle Plugin writes Bundle-SymbolicName as groupId.artifactId."""
    symbolic = manifest.get("Bundle-SymbolicName")
    vendor = manifest.get("Implementation-Vendor-Id") or manifest.get("Bundle-Vendor")
    if "Apache Maven Bundle Plugin" not in manifest.get("Created-By") or not symbolic:
        return ""
    if vendor and symbolic.lower() == vendor.lower():
        return ""
    if vendor and symbolic.startswith(vendor + "."):
        return symbolic[len(vendor) + 1 :]
    return symbolic.rsplit(".", 1)[-1]


def select_name(manifest: JavaManifest | None, filename: ArchiveFilename) -> str:
    """syft's order: bundle-plugin artifact, the file name, then manifest naming keys."""
    manifest = manifest or JavaManifest()
    if artifact := _bundle_artifact(manifest):
        return artifact
    if filename.name:
        return filename.name_without_group(manifest)
    for key in ("Name", "Bundle-Name", "Short-Name", "Extension-Name", "Implementation-Title"):
        if value := manifest.get(key):
            return value
    return ""


def select_version(manifest: JavaManifest | None, filename: ArchiveFilename) -> str:
    if filename.version:
        return filename.version
    if manifest is None:
        return ""
    for key in ("Implementation-Version", "Specification-Version", "Plugin-Version", "Bundle-Version"):
        if value := manifest.field_anywhere(key):
            return value
    return ""
