"""Java candidates: Maven group IDs (from pom.properties, pom.xml and MANIFEST.MF) carry the
organisation (vendor) and umbrella project (product) that NVD names use."""

from __future__ import annotations

from typing import Any

from drydock.analyzer.cpe.candidates import CandidateSet, mapping, normalize_person_name, text
from drydock.analyzer.model import Package

FORBIDDEN_PRODUCT_FIELDS = frozenset({"plugin", "plugins", "client"})
FORBIDDEN_VENDOR_FIELDS = frozenset({"plugin", "plugins"})
TOP_LEVEL_DOMAINS = ("com", "org", "net", "io", "be")
PRIMARY_MANIFEST_GROUP_FIELDS = (
    "Bundle-SymbolicName", "Extension-Name", "Specification-Vendor", "Implementation-Vendor",
    "Implementation-Vendor-Id", "Implementation-Title", "Bundle-Activator",
)
SECONDARY_MANIFEST_GROUP_FIELDS = ("Automatic-Module-Name", "Main-Class", "Package")
MANIFEST_NAME_FIELDS = ("Specification-Vendor", "Implementation-Vendor")


def _starts_with_tld(value: str) -> bool:
    return value.startswith(TOP_LEVEL_DOMAINS)


def _clean_group_id(value: str) -> str:
    """Drop OSGi directives (``org.bar;uses:=...``) and fragments."""
    return value.split(";")[0].split("#")[0].strip()


def _section(section: Any) -> dict[str, str]:
    """A manifest section as a dict; syft serialises it as ``[{Key, Value}, ...]``."""
    if isinstance(section, dict):
        return {str(k): str(v) for k, v in section.items()}
    if isinstance(section, list):
        return {str(kv.get("Key")): str(kv.get("Value", "")) for kv in section if isinstance(kv, dict)}
    return {}


def _manifest_sections(metadata: Any) -> list[dict[str, str]]:
    manifest = mapping(metadata, "Manifest")
    named = manifest.get("NamedSections") or {}
    named_sections = named.values() if isinstance(named, dict) else named if isinstance(named, list) else []
    return [_section(manifest.get("Main")), *(_section(s) for s in named_sections)]


def _manifest_group_ids(sections: list[dict[str, str]], names: tuple[str, ...]) -> list[str]:
    found = [
        _clean_group_id(section[name])
        for name in names
        for section in sections
        if name in section and _starts_with_tld(section[name])
    ]
    return sorted(found)


def _pair_group_ids(group_id: str, artifact_id: str) -> list[str]:
    out = []
    if _starts_with_tld(group_id):
        out.append(_clean_group_id(group_id))
    # publishers sometimes put the group ID in the artifact ID field
    if _starts_with_tld(artifact_id) and len(artifact_id.split(".")) > 1:
        out.append(_clean_group_id(artifact_id))
    return out


def group_ids(pkg: Package) -> list[str]:
    if pkg.metadata_type != "JavaArchive":
        return []
    m = pkg.metadata
    out: list[str] = []
    project = mapping(m, "PomProject")
    for source in (mapping(m, "PomProperties"), project, mapping(project, "Parent")):
        out += _pair_group_ids(text(source, "GroupID"), text(source, "ArtifactID"))
    sections = _manifest_sections(m)
    out += (_manifest_group_ids(sections, PRIMARY_MANIFEST_GROUP_FIELDS)
            or _manifest_group_ids(sections, SECONDARY_MANIFEST_GROUP_FIELDS))
    return out


def artifact_id(pkg: Package) -> str:
    if pkg.metadata_type != "JavaArchive":
        return ""
    value = text(mapping(pkg.metadata, "PomProperties"), "ArtifactID").strip()
    # an artifact ID with dots is really a group ID
    return "" if "." in value else value


def products_for_java(pkg: Package) -> list[str]:
    art = artifact_id(pkg)
    products = [art] if art else []
    for gid in group_ids(pkg):
        is_plugin = "plugin" in art or "plugin" in gid
        for i, field in enumerate(f.strip() for f in gid.split(".")):
            if not field or field.lower() in FORBIDDEN_PRODUCT_FIELDS or i <= 1:
                continue
            # umbrella projects prefix or suffix their components with the project name
            could_be_project = art.startswith(field) or art.endswith(field)
            if not art or (could_be_project and not is_plugin):
                products.append(field)
    return sorted(set(products))


def vendors_for_java(pkg: Package) -> CandidateSet:
    out = CandidateSet()
    for gid in group_ids(pkg):
        for i, field in enumerate(f.strip() for f in gid.split(".")):
            if field and field.lower() not in FORBIDDEN_VENDOR_FIELDS and i > 0:
                out.add_values(field)
        # NVD sometimes uses the whole group ID as the vendor
        out.add_values(gid, no_sub=True, no_delim=True)
    for section in _manifest_sections(pkg.metadata):
        for name in MANIFEST_NAME_FIELDS:
            value = section.get(name)
            if value is not None and not _starts_with_tld(value):
                out.add_values(normalize_person_name(value), no_sub=True)
    return out
