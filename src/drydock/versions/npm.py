"""npm versions and node-semver range syntax.

Ranges follow node-semver: ``||`` alternatives; within one, space-separated
comparators, hyphen ranges (``1.2 - 2.3``), x-ranges (``1.x``, ``*``), tilde
(``~1.2``, ``~>1.2``) and caret (``^0.2.3``).  A pre-release version satisfies
a clause only if some comparator of that clause names a pre-release of the same
``major.minor.patch`` — node-semver's rule that keeps ``^1.2.3`` from matching
``1.3.0-beta``.  OSV/GHSA event ranges built with ``Constraint.from_osv_events``
do not apply that rule: for vulnerability data every listed version counts.
"""

from __future__ import annotations

import re

from drydock.versions.base import Version, register_scheme
from drydock.versions.constraint import Clause, ClauseGate, Comparator, Predicate
from drydock.versions.errors import InvalidConstraint
from drydock.versions.semver import SemverScheme
from drydock.versions.semver_ranges import (
    Bounds,
    caret_bounds,
    hyphen_bounds,
    parse_partial,
    tilde_bounds,
    xrange_bounds,
)

_HYPHEN = re.compile(r"\s+-\s+")
_OP_SPACE = re.compile(r"(~>?|\^|[<>]=?|=)\s+")
_COMPARATOR = re.compile(r"(?P<op>~>|~|\^|<=|>=|<|>|=)?(?P<version>.*)")


class NpmScheme(SemverScheme):
    """node-semver ordering and range grammar."""

    name = "npm"

    def constraint_clauses(self, text: str) -> tuple[Clause, ...]:
        return tuple(self._alternative(alt.strip(), text) for alt in text.split("||"))

    def _alternative(self, alt: str, text: str) -> Clause:
        halves = _HYPHEN.split(alt)
        if len(halves) == 2:
            low, high = (self._partial(h, text) for h in halves)
            return self._comparators(hyphen_bounds(low, high))
        predicates: list[Predicate] = []
        for token in _OP_SPACE.sub(r"\1", alt).split():
            match = _COMPARATOR.fullmatch(token)
            op = match.group("op") or ""  # type: ignore[union-attr]
            partial = self._partial(match.group("version"), text)  # type: ignore[union-attr]
            if op == "^":
                bounds = caret_bounds(partial)
            elif op in ("~", "~>"):
                bounds = tilde_bounds(partial)
            else:
                bounds = xrange_bounds(op, partial)
            predicates.extend(self._comparators(bounds))
        return tuple(predicates)

    def _partial(self, version: str, text: str) -> tuple[int | None, int | None, int | None, str | None]:
        partial = parse_partial(version)
        if partial is None:
            raise InvalidConstraint(self.name, text, f"{version!r} is not a version or x-range")
        return partial

    def _comparators(self, bounds: Bounds) -> Clause:
        return tuple(Comparator(op, self.parse(version)) for op, version in bounds)

    def clause_gate(self) -> ClauseGate:
        return prerelease_gate


def prerelease_gate(version: Version, clause: Clause) -> bool:
    """node-semver's pre-release rule (see module docstring)."""
    release, pre = version.key
    if pre[0] == 1:
        return True
    return any(
        isinstance(p, Comparator) and p.version.key[1][0] == 0 and p.version.key[0] == release for p in clause
    )


NPM = register_scheme(NpmScheme(), "node", "javascript")
