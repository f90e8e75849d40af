"""Maven coordinates for Java packages: the groupId is not always written down, so syft
infers it from pom.properties, pom.xml (own or parent group), then manifest keys that usually
hold a reverse-domain name. The PURL is ``pkg:maven/<group>/<artifact>@<version>``."""

from __future__ import annotations

from typing import Any

from packageurl import PackageURL

# manifest keys that usually carry a reverse-DNS name, most reliable first
_PRIMARY_GROUP_FIELDS = (
    "Group-Id",
    "Bundle-SymbolicName",
    "Extension-Name",
    "Specification-Vendor",
    "Implementation-Vendor",
    "Implementation-Vendor-Id",
    "Implementation-Title",
    "Bundle-Activator",
    "Automatic-Module-Name",
    "Main-Class",
    "Package",
)
_SECONDARY_GROUP_FIELDS = ("Add-Opens", "Package", "Main-Class")
_TOP_LEVEL_DOMAINS = ("com", "org", "net", "io", "be", "de", "edu", "gov", "info", "uk", "us", "fr", "ch")


def _clean(group: str) -> str:
    """OSGi values carry directives after ';' (``com.foo.bar;singleton:=true``)."""
    return group.split(";", 1)[0].strip()


def _looks_like_group(value: str) -> bool:
    return "." in value


def _from_properties(props: dict[str, Any] | None) -> str:
    if not props:
        return ""
    if props.get("GroupID"):
        return _clean(props["GroupID"])
    artifact = props.get("ArtifactID", "")
    return _clean(artifact) if _looks_like_group(artifact) else ""


def _from_project(project: dict[str, Any] | None) -> str:
    if not project:
        return ""
    found = _from_properties(project)
    if found:
        return found
    return _from_properties(project.get("Parent"))


def _from_manifest(manifest: dict[str, Any] | None) -> str:
    if not manifest:
        return ""
    main = {kv["Key"]: kv["Value"] for kv in manifest.get("Main", [])}
    for fields in (_PRIMARY_GROUP_FIELDS, _SECONDARY_GROUP_FIELDS):
        for key in fields:
            value = main.get(key, "")
            if value.split(".", 1)[0].lower() in _TOP_LEVEL_DOMAINS and "." in value:
                return _clean(value)
    return ""


def group_id(metadata: dict[str, Any]) -> str:
    """The groupId of a ``JavaArchive`` metadata record ('' when nothing names it)."""
    return (
        _from_properties(metadata.get("PomProperties"))
        or _from_project(metadata.get("PomProject"))
        or _from_manifest(metadata.get("Manifest"))
    )


def maven_purl(name: str, version: str, metadata: dict[str, Any]) -> str:
    """Without any group evidence syft uses the artifact name as the group."""
    return PackageURL(
        type="maven", namespace=group_id(metadata) or name, name=name, version=version or None
    ).to_string()
