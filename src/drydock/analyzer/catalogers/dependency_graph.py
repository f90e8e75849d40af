"""Dependency relationships from "provides / requires" specifications (syft's resolver).

Lock files name dependencies, not packages; each ecosystem says what a package provides (its
name, optionally with extras) and requires, and this module links every requirement to the
packages providing it as ``dependency-of`` relationships. Shared by all language catalogers so
the edge semantics (variants count as requirements of the package, no duplicate pairs) are
identical everywhere.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from drydock.analyzer.model import Package, Relationship

DEPENDENCY_OF = "dependency-of"


@dataclass(slots=True)
class ProvidesRequires:
    provides: list[str] = field(default_factory=list)
    requires: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Specification:
    """What a package provides and requires; ``variants`` are optional facets (extras)."""

    main: ProvidesRequires = field(default_factory=ProvidesRequires)
    variants: list[ProvidesRequires] = field(default_factory=list)

    def all(self) -> list[ProvidesRequires]:
        return [self.main, *self.variants]


def resolve(packages: Iterable[Package], specify: Callable[[Package], Specification]) -> list[Relationship]:
    """``dependency-of`` edges from each provider to each package requiring what it provides."""
    pkgs = list(packages)
    # Keyed by object identity, not Package.id: one lock can hold two packages with the same
    # name@version from different sources (Cargo git vs registry), and both need their edges.
    providers: dict[str, dict[int, Package]] = {}
    specs: list[Specification] = []
    for pkg in pkgs:
        spec = specify(pkg)
        specs.append(spec)
        for part in spec.all():
            for resource in part.provides:
                providers.setdefault(resource, {}).setdefault(id(pkg), pkg)
    seen: set[tuple[int, int]] = set()
    out: list[Relationship] = []
    for dependant, spec in zip(pkgs, specs):
        for part in spec.all():
            for resource in dict.fromkeys(part.requires):
                for provider in providers.get(resource, {}).values():
                    pair = (id(provider), id(dependant))
                    if pair in seen:
                        continue
                    seen.add(pair)
                    out.append(Relationship(from_id=provider.id, to_id=dependant.id, type=DEPENDENCY_OF))
    return out


def edge(dependency: Package, dependant: Package) -> Relationship:
    return Relationship(from_id=dependency.id, to_id=dependant.id, type=DEPENDENCY_OF)
