"""Streaming OVAL 5 reader and criteria evaluation shared by the OVAL-based distro drivers.

OVAL definitions say "vulnerable if (platform X installed) AND (package P earlier than V)" as a
criteria tree whose leaves reference tests, objects (package names) and states (versions). The
file is streamed: each definition is reduced to a small dataclass as soon as it is read, and
tests/objects/states to dict entries, so memory tracks the useful data, not the XML tree.

Vendors leave tests out of truncated or per-arch files, so a package criterion whose test cannot
be resolved falls back to its comment ("bind is earlier than 30:9.3.3-8.el5"), as Red Hat and
Oracle word them consistently.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree.ElementTree import Element

from drydock.feeds.drivers.io import (
    find_all,
    find_child,
    find_children,
    iter_xml_elements,
    local_name,
    text_of,
)
from drydock.feeds.records import Constraint

OPERATIONS = {
    "less than": "<",
    "less than or equal": "<=",
    "greater than": ">",
    "greater than or equal": ">=",
    "equals": "=",
}
_EARLIER_THAN = re.compile(r"^(?:Package\s+)?(\S+) is earlier than (\S+?),?(?:\s|$)")


@dataclass(slots=True)
class Criterion:
    test_ref: str
    comment: str


@dataclass(slots=True)
class Criteria:
    operator: str
    children: list[Criteria | Criterion] = field(default_factory=list)


@dataclass(slots=True)
class Definition:
    id: str
    cls: str
    title: str
    description: str
    severity: str | None
    issued: str | None
    updated: str | None
    advisory_date: str | None
    references: list[tuple[str, str, str | None]]  # (source, ref_id, ref_url)
    cves: list[tuple[str, str | None]]  # (id, href)
    criteria: Criteria | None
    cvss_vectors: list[str] = field(default_factory=list)


@dataclass(slots=True)
class State:
    evr: tuple[str, str] | None = None
    version: tuple[str, str] | None = None
    arch: tuple[str, str] | None = None


@dataclass(slots=True)
class OvalDocument:
    definitions: list[Definition] = field(default_factory=list)
    tests: dict[str, tuple[str | None, str | None]] = field(default_factory=dict)
    objects: dict[str, str] = field(default_factory=dict)
    states: dict[str, State] = field(default_factory=dict)


_WANTED = {"definition", "rpminfo_test", "rpminfo_object", "rpminfo_state"}


def read_oval(source: Path | bytes) -> OvalDocument:
    doc = OvalDocument()
    for elem in iter_xml_elements(source, _WANTED):
        kind = local_name(elem.tag)
        ident = elem.get("id", "")
        if kind == "definition":
            doc.definitions.append(_definition(elem))
        elif kind == "rpminfo_test":
            obj, state = find_child(elem, "object"), find_child(elem, "state")
            doc.tests[ident] = (
                obj.get("object_ref") if obj is not None else None,
                state.get("state_ref") if state is not None else None,
            )
        elif kind == "rpminfo_object":
            doc.objects[ident] = text_of(find_child(elem, "name"))
        else:
            doc.states[ident] = State(*(_operation(find_child(elem, n)) for n in ("evr", "version", "arch")))
    return doc


def _operation(elem: Element | None) -> tuple[str, str] | None:
    """(comparison, value); an EVR with an unknown operation is read as the usual "less than"."""
    if elem is None:
        return None
    operation = elem.get("operation", "equals")
    if operation not in OPERATIONS and local_name(elem.tag) == "evr":
        return "<", text_of(elem)
    return OPERATIONS.get(operation, operation), text_of(elem)


def _definition(elem: Element) -> Definition:
    meta = find_child(elem, "metadata")
    if meta is None:
        raise ValueError(f"definition {elem.get('id')} has no metadata")
    advisory = find_child(meta, "advisory")
    issued = find_child(advisory, "issued") if advisory is not None else None
    updated = find_child(advisory, "updated") if advisory is not None else None
    criteria = find_child(elem, "criteria")
    return Definition(
        id=elem.get("id", ""),
        cls=elem.get("class", ""),
        title=text_of(find_child(meta, "title")),
        description=text_of(find_child(meta, "description")),
        severity=_severity(meta, advisory),
        issued=issued.get("date") if issued is not None else None,
        updated=updated.get("date") if updated is not None else None,
        advisory_date=text_of(find_child(meta, "advisory_date")) or None,
        references=[
            (r.get("source", ""), r.get("ref_id", ""), r.get("ref_url"))
            for r in find_children(meta, "reference")
        ],
        cves=[(text_of(c), c.get("href")) for c in find_all(advisory, "cve")] if advisory is not None else [],
        criteria=_criteria(criteria) if criteria is not None else None,
        cvss_vectors=_cvss_vectors(advisory),
    )


def _cvss_vectors(advisory: Element | None) -> list[str]:
    """SUSE annotates ``<cve cvss3="3.7/CVSS:3.0/AV:N/...">``: keep the vector (scores are derived)."""
    if advisory is None:
        return []
    values = (c.get(attr) for c in find_all(advisory, "cve") for attr in ("cvss3", "cvss4"))
    return [v.split("/", 1)[1] for v in values if v and "/" in v]


def _severity(meta: Element, advisory: Element | None) -> str | None:
    """Red Hat/Oracle/SUSE nest severity in ``advisory``; Mariner puts it in ``metadata``."""
    inner = find_child(advisory, "severity") if advisory is not None else None
    return text_of(inner if inner is not None else find_child(meta, "severity")) or None


def _criteria(elem: Element) -> Criteria:
    node = Criteria(elem.get("operator", "AND").upper())
    for child in elem:
        name = local_name(child.tag)
        if name == "criteria":
            node.children.append(_criteria(child))
        elif name == "criterion":
            node.children.append(Criterion(child.get("test_ref", ""), child.get("comment", "")))
    return node


@dataclass(slots=True)
class PackageFix:
    """One vulnerable package under one platform, with its AND-ed version constraints."""

    namespace: str | None
    name: str
    constraints: list[Constraint]
    arch: str | None = None


#: Maps a criterion to the platform it asserts: a namespace, "" for a platform we don't track
#: (e.g. SUSE Desktop), or None if the criterion is not a platform check.
PlatformOf = Callable[[Criterion], str | None]
_ARCH = re.compile(r" arch is (\S+)$")


class CriteriaEvaluator:
    """Flattens a definition's criteria tree into :class:`PackageFix` entries."""

    def __init__(
        self, doc: OvalDocument, platform_of: PlatformOf, unpatched: re.Pattern[str] | None = None
    ) -> None:
        """``unpatched`` matches comments of "package is installed" checks that mean "every
        version is vulnerable" (Red Hat's *-including-unpatched* streams); None disables that."""
        self.doc = doc
        self.platform_of = platform_of
        self.unpatched = unpatched

    def fixes(self, definition: Definition) -> list[PackageFix]:
        if definition.criteria is None:
            return []
        return list(self._walk(definition.criteria, None, None))

    def _walk(self, node: Criteria, namespaces: set[str] | None, arch: str | None) -> Iterator[PackageFix]:
        children = node.children
        if node.operator == "AND":
            context = [self._context(c) for c in children]
            found = {ns for ctx in context if ctx for ns in ctx[0]}
            namespaces = found or namespaces
            arch = next((ctx[1] for ctx in context if ctx and ctx[1]), arch)
            if any(isinstance(c, Criterion) and c.comment.endswith("is ksplice-based") for c in children):
                return  # Ksplice user-space patches are not package upgrades
            merged: dict[str, PackageFix] = {}
            for child, ctx in zip(children, context, strict=True):
                if ctx is not None:
                    continue
                if isinstance(child, Criteria):
                    yield from self._walk(child, namespaces, arch)
                elif (pkg := self._package(child)) is not None:
                    name, constraint = pkg
                    fix = merged.setdefault(name, PackageFix(None, name, [], arch))
                    fix.constraints += [constraint] if constraint else []
            for fix in merged.values():
                yield from self._per_namespace(fix, namespaces)
            return
        for child in children:
            if isinstance(child, Criteria):
                yield from self._walk(child, namespaces, arch)
            elif self._context(child) is None and (pkg := self._package(child)) is not None:
                constraints = [pkg[1]] if pkg[1] else []
                yield from self._per_namespace(PackageFix(None, pkg[0], constraints, arch), namespaces)

    @staticmethod
    def _per_namespace(fix: PackageFix, namespaces: set[str] | None) -> Iterator[PackageFix]:
        for ns in sorted(namespaces or {""}):
            yield PackageFix(ns or None, fix.name, list(fix.constraints), fix.arch)

    def _context(self, node: Criteria | Criterion) -> tuple[set[str], str | None] | None:
        """(namespaces, arch) if ``node`` only asserts platform/arch facts, else None."""
        if isinstance(node, Criterion):
            if arch := _ARCH.search(node.comment):
                return set(), arch.group(1)
            platform = self.platform_of(node)
            return ({platform} if platform else set(), None) if platform is not None else None
        contexts = [self._context(c) for c in node.children]
        if not contexts or any(c is None for c in contexts):
            return None
        return {ns for c in contexts if c for ns in c[0]}, next((c[1] for c in contexts if c and c[1]), None)

    def _package(self, criterion: Criterion) -> tuple[str, Constraint | None] | None:
        """(package, constraint) for a package criterion; constraint None = all versions."""
        obj_ref, state_ref = self.doc.tests.get(criterion.test_ref, (None, None))
        name = self.doc.objects.get(obj_ref or "")
        state = self.doc.states.get(state_ref or "")
        if name and state:  # resolved: only EVR checks are version constraints (not signatures, releases)
            if state.evr:
                return name, Constraint(*state.evr)
            if state.version == ("=", "0") and not name.endswith("-release"):
                return name, Constraint("<", "0")  # SUSE "is not affected": fixed since version 0
            return None
        match = _EARLIER_THAN.match(criterion.comment)
        if match:
            return match.group(1), Constraint("<", match.group(2))
        unpatched = self.unpatched.match(criterion.comment) if self.unpatched else None
        return (unpatched.group(1), None) if unpatched else None
