"""Stable, unique identifiers for the packages of one analysis.

Every format needs a per-package reference that other parts of the document point at
(CycloneDX ``bom-ref``, SPDX ``SPDXID`` and syft-json ``id`` all derive from ``PackageRef.key``).
They must be unique even when two catalogers report the same package twice, and identical
across runs on the same image so that SBOMs can be diffed; so they are content hashes,
disambiguated in a deterministic order.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from drydock.analyzer.model import Package, Relationship

_SPDX_UNSAFE = re.compile(r"[^A-Za-z0-9.-]+")
MAX_NAME_IN_ID = 64


def sort_key(package: Package) -> tuple[str, str, str, str, str]:
    return (package.name, package.version, str(package.type), package.purl or "", package.id)


def _content(package: Package) -> str:
    return json.dumps(package.to_dict(), sort_keys=True, default=str)


def document_order(packages: Iterable[Package]) -> list[Package]:
    """Sorted by identity; packages with equal identity (same package reported twice with
    different metadata) are ordered by their full content, so input order never shows."""
    out: list[Package] = []
    for _, group in itertools.groupby(sorted(packages, key=sort_key), key=sort_key):
        tied = list(group)
        out.extend(sorted(tied, key=_content) if len(tied) > 1 else tied)
    return out


def spdx_safe(text: str) -> str:
    """Reduce text to the characters SPDX allows in an idstring (``[A-Za-z0-9.-]``)."""
    return _SPDX_UNSAFE.sub("-", text).strip("-") or "x"


@dataclass(frozen=True, slots=True)
class PackageRef:
    package: Package
    key: str  # 16 hex, unique in the document (syft's package id shape)

    @property
    def spdx_id(self) -> str:
        """syft's shape; the key alone makes it unique, the name part is for readers."""
        name = spdx_safe(self.package.name)[:MAX_NAME_IN_ID]
        return f"SPDXRef-Package-{spdx_safe(str(self.package.type))}-{name}-{self.key}"


class PackageIndex:
    """The analysis' packages in document order, with their references.

    Relationships name packages by ``Package.id``; ``lookup`` resolves those names (the first
    package wins when two share an id) so writers can drop relationships to unknown ends.
    """

    def __init__(self, packages: Iterable[Package]) -> None:
        self._refs: list[PackageRef] = []
        self._by_model_id: dict[str, PackageRef] = {}
        used: set[str] = set()
        for package in document_order(packages):
            basis = "\x00".join(sort_key(package))
            key = hashlib.sha256(basis.encode()).hexdigest()[:16]
            attempt = 1
            while key in used:
                attempt += 1
                key = hashlib.sha256(f"{basis}\x00{attempt}".encode()).hexdigest()[:16]
            used.add(key)
            ref = PackageRef(package, key)
            self._refs.append(ref)
            self._by_model_id.setdefault(package.id, ref)

    def __iter__(self) -> Iterator[PackageRef]:
        return iter(self._refs)

    def __len__(self) -> int:
        return len(self._refs)

    def lookup(self, model_id: str) -> PackageRef | None:
        return self._by_model_id.get(model_id)

    def package_relationships(
        self, relationships: Iterable[Relationship]
    ) -> list[tuple[PackageRef, PackageRef, str]]:
        """Relationships whose both ends are packages of this analysis, deduplicated and sorted
        (from-key, to-key, type) so documents do not depend on cataloger scheduling."""
        seen: set[tuple[str, str, str]] = set()
        out: list[tuple[PackageRef, PackageRef, str]] = []
        for rel in relationships:
            source, target = self.lookup(rel.from_id), self.lookup(rel.to_id)
            if source is None or target is None:
                continue
            triple = (source.key, target.key, rel.type)
            if triple not in seen:
                seen.add(triple)
                out.append((source, target, rel.type))
        out.sort(key=lambda r: (r[0].key, r[1].key, r[2]))
        return out
