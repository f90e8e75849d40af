"""Resolving pom.xml values the way Maven (and syft's resolver) does, offline.

A pom inherits from its parent chain: properties, dependency management (including imported
BOMs) and licences. Parents are looked up in a local Maven repository *inside the scanned
tree* (``<repo>/<group as path>/<artifact>/<version>/<artifact>-<version>.pom``); without one,
only what the pom itself says is used. Cycles (a pom that is its own parent) and runaway chains
are cut by a depth limit, and every pom is read at most once.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass

from drydock.analyzer.catalogers.java.pom import PomDependency, PomError, PomXML, interpolate, parse_pom_xml
from drydock.analyzer.filetree import FileResolver, FileTooLarge

_MAX_CHAIN = 12
_MAX_DEPTH = 8
_MAX_POM_BYTES = 8 << 20
_PROJECT_FIELDS = ("groupId", "artifactId", "version", "name")


@dataclass(frozen=True, slots=True)
class Coordinates:
    group: str
    artifact: str
    version: str


class MavenResolver:
    def __init__(self, files: FileResolver | None = None, repo_dir: str = "") -> None:
        self._files = files
        self._repo = "/" + repo_dir.strip("/") if repo_dir else ""
        self._cache: dict[Coordinates, PomXML | None] = {}
        self._chains: dict[int, list[PomXML]] = {}

    # -- loading ------------------------------------------------------------------------
    def load(self, coords: Coordinates) -> PomXML | None:
        """The pom of ``coords`` from the local repository, if there is one."""
        if not (self._files and self._repo and coords.group and coords.artifact and coords.version):
            return None
        if coords in self._cache:
            return self._cache[coords]
        path = posixpath.join(
            self._repo,
            *coords.group.split("."),
            coords.artifact,
            coords.version,
            f"{coords.artifact}-{coords.version}.pom",
        )
        pom = None
        entry = self._files.resolve(path)
        if entry is not None and entry.size <= _MAX_POM_BYTES:
            try:
                pom = parse_pom_xml(path, self._files.read_bytes(path))
            except (PomError, FileNotFoundError, FileTooLarge, OSError):
                pom = None
        self._cache[coords] = pom
        return pom

    def chain(self, pom: PomXML) -> list[PomXML]:
        """``pom`` followed by its resolvable ancestors (cached per pom object). Parent
        coordinates are read with the pom's own properties only, as Maven requires them to be
        known before inheritance."""
        cached = self._chains.get(id(pom))
        if cached is not None and cached[0] is pom:
            return cached
        out = [pom]
        seen = {id(pom)}
        while len(out) < _MAX_CHAIN and out[-1].parent is not None:
            current = out[-1]
            parent = current.parent
            assert parent is not None
            own = current.own_properties()
            coords = Coordinates(
                *(interpolate(v, own.get) for v in (parent.group_id, parent.artifact_id, parent.version))
            )
            found = self.load(coords)
            if found is None or id(found) in seen:
                break
            seen.add(id(found))
            out.append(found)
        self._chains[id(pom)] = out
        return out

    # -- values -------------------------------------------------------------------------
    def _special(self, pom: PomXML, name: str, depth: int) -> str | None:
        for prefix in ("project.", "pom."):
            if not name.startswith(prefix):
                continue
            rest = name[len(prefix) :]
            if rest.startswith("parent.") and pom.parent is not None:
                attr = {
                    "groupId": pom.parent.group_id,
                    "artifactId": pom.parent.artifact_id,
                    "version": pom.parent.version,
                }.get(rest[len("parent.") :])
                return None if attr is None else self._resolve(pom, attr, depth + 1)
            if rest in _PROJECT_FIELDS:
                return self._field(pom, rest, depth)
        return None

    def _field(self, pom: PomXML, name: str, depth: int) -> str:
        raw = {
            "groupId": pom.group_id,
            "artifactId": pom.artifact_id,
            "version": pom.version,
            "name": pom.name,
        }[name]
        if not raw and pom.parent is not None and name in ("groupId", "version"):
            raw = pom.parent.group_id if name == "groupId" else pom.parent.version
        return self._resolve(pom, raw, depth + 1)

    def property(self, pom: PomXML, name: str, depth: int = 0) -> str | None:
        """A ``${name}`` as seen from ``pom``: project fields first, then the nearest
        ``<properties>`` entry up the chain, evaluated where it is defined."""
        if depth > _MAX_DEPTH:
            return None
        special = self._special(pom, name, depth)
        if special is not None:
            return special
        for ancestor in self.chain(pom):
            if name in ancestor.properties:
                return self._resolve(ancestor, ancestor.properties[name], depth + 1)
        return None

    def _resolve(self, pom: PomXML, value: str, depth: int) -> str:
        if "${" not in value or depth > _MAX_DEPTH:
            return value
        out, pos = [], 0
        while True:
            start = value.find("${", pos)
            end = value.find("}", start + 2) if start >= 0 else -1
            if start < 0 or end < 0:
                out.append(value[pos:])
                return "".join(out)
            found = self.property(pom, value[start + 2 : end], depth)
            out.append(value[pos:start])
            out.append(value[start : end + 1] if found is None else found)
            pos = end + 1

    def resolve(self, pom: PomXML, value: str) -> str:
        return self._resolve(pom, value, 0)

    def resolver_for(self, pom: PomXML):  # type: ignore[no-untyped-def]
        return lambda value: self.resolve(pom, value)

    def coordinates(self, pom: PomXML) -> Coordinates:
        return Coordinates(
            self._field(pom, "groupId", 0), self._field(pom, "artifactId", 0), self._field(pom, "version", 0)
        )

    # -- dependencies -------------------------------------------------------------------
    def managed_version(self, pom: PomXML, group: str, artifact: str, depth: int = 0) -> str:
        """The version ``dependencyManagement`` (own, inherited or imported BOMs) assigns."""
        if depth > _MAX_DEPTH:
            return ""
        for ancestor in self.chain(pom):
            for dep in ancestor.managed:
                g, a = self.resolve(pom, dep.group_id), self.resolve(pom, dep.artifact_id)
                if dep.scope == "import":
                    bom = self.load(Coordinates(g, a, self.resolve(pom, dep.version)))
                    found = self.managed_version(bom, group, artifact, depth + 1) if bom is not None else ""
                    if found:
                        return found
                elif (g, a) == (group, artifact) and dep.version:
                    return self.resolve(pom, dep.version)
        return ""

    def dependency(self, pom: PomXML, dep: PomDependency) -> Coordinates:
        group, artifact = self.resolve(pom, dep.group_id), self.resolve(pom, dep.artifact_id)
        version = (
            self.resolve(pom, dep.version) if dep.version else self.managed_version(pom, group, artifact)
        )
        return Coordinates(group, artifact, version if "${" not in version else "")

    def licenses(self, pom: PomXML) -> list[tuple[str, str]]:
        """The nearest non-empty ``<licenses>`` up the chain."""
        for ancestor in self.chain(pom):
            if ancestor.licenses:
                return [(self.resolve(ancestor, n), self.resolve(ancestor, u)) for n, u in ancestor.licenses]
        return []
