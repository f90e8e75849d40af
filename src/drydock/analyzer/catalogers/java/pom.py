"""Maven metadata: ``pom.properties`` and ``pom.xml``.

Both are parsed into plain records rendered with syft's field names (``JavaPomProperties``,
``JavaPomProject``). ``pom.xml`` values may reference properties (``${project.version}``); ``interpolate`` fills them
in, and ``maven.MavenResolver`` adds what parents and imported BOMs define.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from xml.etree.ElementTree import Element

from drydock.analyzer.model import License, Location, PackageType

_PROPERTY_REF = re.compile(r"\$\{([^}]+)\}")
_MAX_INTERPOLATION = 10


class PomError(ValueError):
    """A pom.xml that is not well-formed XML (or is hostile)."""


@dataclass(slots=True)
class PomProperties:
    path: str = ""
    name: str = ""
    group_id: str = ""
    artifact_id: str = ""
    version: str = ""
    scope: str = ""
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def package_type(self) -> PackageType:
        """Jenkins plugins are recognisable by their Maven group."""
        if any(
            g in self.group_id
            for g in ("io.jenkins.plugins", "org.jenkins.plugins", "org.jenkins-ci.plugins")
        ):
            return PackageType.JENKINS_PLUGIN
        return PackageType.JAVA_ARCHIVE

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, value in (
            ("Path", self.path),
            ("Name", self.name),
            ("GroupID", self.group_id),
            ("ArtifactID", self.artifact_id),
            ("Version", self.version),
            ("Scope", self.scope),
        ):
            if value:
                out[key] = value
        if self.extra:
            out["Extra"] = dict(self.extra)
        return out


_PROPERTIES_KEYS = {"groupId": "group_id", "artifactId": "artifact_id", "version": "version", "name": "name"}


def parse_pom_properties(path: str, text: str) -> PomProperties:
    """Java .properties: ``key=value`` or ``key:value`` (whichever delimiter comes first),
    ``#``/``!`` comments; keys other than the Maven coordinates go to ``Extra``."""
    props = PomProperties(path=path)
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line[0] in "#!":
            continue
        cut = min((i for i in (line.find("="), line.find(":")) if i >= 0), default=-1)
        if cut < 0:
            continue
        key, value = line[:cut].strip(), line[cut + 1 :].strip()
        attr = _PROPERTIES_KEYS.get(key)
        if attr:
            setattr(props, attr, value)
        else:
            props.extra[key] = value
    return props


@dataclass(frozen=True, slots=True)
class MavenID:
    group_id: str = ""
    artifact_id: str = ""
    version: str = ""

    def to_dict(self) -> dict[str, str]:
        return {
            k: v
            for k, v in (
                ("GroupID", self.group_id),
                ("ArtifactID", self.artifact_id),
                ("Version", self.version),
            )
            if v
        }


@dataclass(frozen=True, slots=True)
class PomDependency:
    group_id: str
    artifact_id: str
    version: str
    scope: str


@dataclass(slots=True)
class PomXML:
    """The parts of a pom.xml that matter for identity, licences and dependencies."""

    path: str
    group_id: str = ""
    artifact_id: str = ""
    version: str = ""
    name: str = ""
    description: str = ""
    url: str = ""
    parent: MavenID | None = None
    properties: dict[str, str] = field(default_factory=dict)
    licenses: list[tuple[str, str]] = field(default_factory=list)  # (name, url)
    dependencies: list[PomDependency] = field(default_factory=list)
    managed: list[PomDependency] = field(default_factory=list)

    def own_properties(self) -> dict[str, str]:
        """The values ``${...}`` may name without looking at parents; project fields win over
        ``<properties>`` entries of the same name, as in Maven."""
        props = dict(self.properties)
        parent = self.parent or MavenID()
        fields = {
            "groupId": self.group_id or parent.group_id,
            "artifactId": self.artifact_id,
            "version": self.version or parent.version,
            "name": self.name,
        }
        for prefix in ("project.", "pom."):
            props.update({prefix + k: v for k, v in fields.items()})
        props.update(
            {
                "project.parent.groupId": parent.group_id,
                "project.parent.artifactId": parent.artifact_id,
                "project.parent.version": parent.version,
            }
        )
        return props


def interpolate(value: str, lookup: Callable[[str], str | None]) -> str:
    """Replace ``${name}`` references; unknown references are left as written (as Maven
    does), and self-referencing chains stop after a few rounds."""
    for _ in range(_MAX_INTERPOLATION):
        if "${" not in value:
            return value
        new = _PROPERTY_REF.sub(lambda m: _or_keep(lookup(m.group(1)), m.group(0)), value)
        if new == value:
            return value
        value = new
    return value


def _or_keep(found: str | None, original: str) -> str:
    return original if found is None else found


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _child(el: Element | None, name: str) -> Element | None:
    if el is None:
        return None
    return next((c for c in el if _local(c.tag) == name), None)


def _text(el: Element | None, name: str) -> str:
    c = _child(el, name)
    return (c.text or "").strip() if c is not None and c.text else ""


def _dependencies(el: Element | None) -> list[PomDependency]:
    deps = _child(el, "dependencies")
    if deps is None:
        return []
    return [
        PomDependency(_text(d, "groupId"), _text(d, "artifactId"), _text(d, "version"), _text(d, "scope"))
        for d in deps
        if _local(d.tag) == "dependency"
    ]


def parse_pom_xml(path: str, data: bytes | str) -> PomXML:
    """Parse a pom.xml (entity expansion and external references are refused)."""
    # imported by the first pom.xml, not by every analysis
    from defusedxml import ElementTree as SafeET
    from defusedxml.common import DefusedXmlException

    try:
        root = SafeET.fromstring(data)
    except (SafeET.ParseError, DefusedXmlException, ValueError) as exc:
        raise PomError(f"{path}: invalid pom.xml: {exc}") from exc
    if _local(root.tag) != "project":
        raise PomError(f"{path}: not a Maven project (root element {_local(root.tag)!r})")
    parent_el = _child(root, "parent")
    parent = None
    if parent_el is not None:
        parent = MavenID(
            _text(parent_el, "groupId"), _text(parent_el, "artifactId"), _text(parent_el, "version")
        )
    props_el = _child(root, "properties")
    properties = {_local(p.tag): (p.text or "").strip() for p in props_el} if props_el is not None else {}
    licenses_el = _child(root, "licenses")
    licenses = [
        (_text(lic, "name"), _text(lic, "url"))
        for lic in (licenses_el if licenses_el is not None else [])
        if _local(lic.tag) == "license"
    ]
    return PomXML(
        path=path,
        group_id=_text(root, "groupId"),
        artifact_id=_text(root, "artifactId"),
        version=_text(root, "version"),
        name=_text(root, "name"),
        description=_text(root, "description"),
        url=_text(root, "url"),
        parent=parent,
        properties=properties,
        licenses=licenses,
        dependencies=_dependencies(root),
        managed=_dependencies(_child(root, "dependencyManagement")),
    )


def project_metadata(pom: PomXML, resolve: Callable[[str], str]) -> dict[str, Any]:
    """syft's ``JavaPomProject`` for a parsed pom (values interpolated with ``resolve``)."""
    group = resolve(pom.group_id) or (resolve(pom.parent.group_id) if pom.parent else "")
    version = resolve(pom.version) or (resolve(pom.parent.version) if pom.parent else "")
    out: dict[str, Any] = {"Path": pom.path}
    if pom.parent:
        parent = MavenID(
            resolve(pom.parent.group_id), resolve(pom.parent.artifact_id), resolve(pom.parent.version)
        )
        out["Parent"] = parent.to_dict()
    for key, value in (
        ("GroupID", group),
        ("ArtifactID", resolve(pom.artifact_id)),
        ("Version", version),
        ("Name", resolve(pom.name)),
        ("Description", _one_line(resolve(pom.description))),
        ("URL", resolve(pom.url)),
    ):
        if value:
            out[key] = value
    return {
        k: out[k]
        for k in ("Path", "Parent", "GroupID", "ArtifactID", "Version", "Name", "Description", "URL")
        if k in out
    }


def _one_line(text: str) -> str:
    """Multi-line XML text as syft reports it: lines trimmed and joined by one space."""
    return " ".join(line.strip() for line in text.strip().splitlines() if line.strip())


@functools.lru_cache(maxsize=1)
def _licensing():  # type: ignore[no-untyped-def]
    from license_expression import get_spdx_licensing

    return get_spdx_licensing()


@functools.lru_cache(maxsize=2048)
def spdx_expression(value: str) -> str:
    """The SPDX expression ``value`` already is, else ''. Free-text names such as "The Apache
    Software License, Version 2.0" are deliberately not guessed at (as syft)."""
    if not value or " " in value.strip() and not re.search(r"\b(AND|OR|WITH)\b", value):
        return ""
    try:
        result = _licensing().validate(value)
    except Exception:  # noqa: BLE001  (license_expression raises assorted error types on garbage input)
        return ""
    return "" if result.errors else (result.normalized_expression or "")


def pom_licenses(pairs: list[tuple[str, str]], location: Location | None) -> list[License]:
    out = []
    for name, url in pairs:
        if not name and not url:
            continue
        out.append(
            License(
                value=name,
                spdx_expression=spdx_expression(name) or None,
                locations=[location] if location else [],
                urls=[url] if url else [],
            )
        )
    return out
