"""Version constraints: one representation for text ranges and OSV event lists.

A constraint is an OR of clauses, each clause an AND of predicates.  Feed range
text (``>= 1.2, < 1.4 || = 2.0``), interval notation (``[1.0,2.0)``) and OSV
``introduced``/``fixed``/``last_affected``/``limit`` events all reduce to this
form, so the matcher evaluates every source the same way.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Protocol

from drydock.versions.base import Version, VersionScheme, get_scheme
from drydock.versions.errors import InvalidConstraint, InvalidVersion

MAX_CONSTRAINT_LENGTH = 4096

_OPS: dict[str, Callable[[Any, Any], bool]] = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
    "=": operator.eq,
    "!=": operator.ne,
}


class Predicate(Protocol):
    """One condition of a clause; Comparator is the common case."""

    def matches(self, version: Version) -> bool: ...


@dataclass(frozen=True, slots=True)
class Comparator:
    """``version <op> bound`` with op one of < <= > >= = !=."""

    op: str
    version: Version

    def matches(self, version: Version) -> bool:
        return _OPS[self.op](version.key, self.version.key)

    def __str__(self) -> str:
        return f"{self.op}{self.version.text}"


@dataclass(frozen=True, slots=True)
class Outside:
    """True when the version is outside ``[low, high)``: the negation of a wildcard or prefix match."""

    low: Version
    high: Version

    def matches(self, version: Version) -> bool:
        return not (self.low.key <= version.key < self.high.key)

    def __str__(self) -> str:
        return f"!([{self.low.text},{self.high.text}))"


Clause = tuple[Predicate, ...]
ClauseGate = Callable[[Version, Clause], bool]


class Constraint:
    """An OR of AND-clauses over one scheme's versions."""

    __slots__ = ("clauses", "gate", "scheme", "text")

    def __init__(
        self,
        scheme: VersionScheme,
        clauses: Iterable[Clause],
        text: str = "",
        gate: ClauseGate | None = None,
    ) -> None:
        self.scheme = scheme
        self.clauses: tuple[Clause, ...] = tuple(clauses)
        self.text = text
        # npm-style rules that admit a version to a clause beyond the bounds
        # themselves (node-semver's pre-release rule); None for most schemes.
        self.gate = gate

    def __repr__(self) -> str:
        return f"Constraint({self.scheme.name}:{self})"

    def __str__(self) -> str:
        if self.text:
            return self.text
        return " || ".join(", ".join(str(p) for p in clause) or "*" for clause in self.clauses)

    def satisfied_by(self, version: str | Version) -> bool:
        """Whether ``version`` is in the constraint; raises InvalidVersion for unparseable input."""
        parsed = self.scheme.parse(version)
        gate = self.gate
        for clause in self.clauses:
            if all(p.matches(parsed) for p in clause) and (gate is None or gate(parsed, clause)):
                return True
        return False

    __contains__ = satisfied_by

    @classmethod
    def parse(cls, text: str, scheme: str | VersionScheme) -> Constraint:
        """Parse range text with the scheme's grammar (cached)."""
        resolved = get_scheme(scheme)
        if not isinstance(text, str):
            raise InvalidConstraint(resolved.name, text, "not a string")
        return _parse_cached(resolved, text)

    @classmethod
    def from_osv_events(
        cls,
        events: Iterable[Mapping[str, str]],
        scheme: str | VersionScheme,
        range_type: str = "ECOSYSTEM",
    ) -> Constraint:
        """Build the constraint an OSV ``ranges[]`` entry describes.

        SEMVER ranges are evaluated with SemVer precedence whatever the
        ecosystem, as the OSV schema requires; GIT ranges name commits, which
        have no version order, so they are refused rather than guessed.
        """
        kind = range_type.upper()
        if kind == "GIT":
            raise InvalidConstraint("osv", range_type, "GIT ranges are commit ranges, not version ranges")
        if kind not in ("ECOSYSTEM", "SEMVER"):
            raise InvalidConstraint("osv", range_type, "unknown OSV range type")
        resolved = get_scheme("semver") if kind == "SEMVER" else get_scheme(scheme)
        return cls(resolved, _osv_clauses(list(events), resolved))

    @classmethod
    def from_bounds(
        cls,
        scheme: str | VersionScheme,
        *,
        start_including: str | None = None,
        start_excluding: str | None = None,
        end_including: str | None = None,
        end_excluding: str | None = None,
    ) -> Constraint:
        """One interval from NVD-style CPE match bounds (``versionStartIncluding`` ...).

        No bound at all means "every version", which NVD expresses that way for
        an unversioned CPE; the caller decides whether to trust such a record.
        """
        resolved = get_scheme(scheme)
        if start_including is not None and start_excluding is not None:
            raise InvalidConstraint(resolved.name, (start_including, start_excluding), "two lower bounds")
        if end_including is not None and end_excluding is not None:
            raise InvalidConstraint(resolved.name, (end_including, end_excluding), "two upper bounds")
        clause: list[Predicate] = []
        for op, bound in (
            (">=", start_including),
            (">", start_excluding),
            ("<=", end_including),
            ("<", end_excluding),
        ):
            if bound is not None:
                try:
                    clause.append(Comparator(op, resolved.parse(bound)))
                except InvalidVersion as exc:
                    raise InvalidConstraint(resolved.name, bound, str(exc)) from exc
        return cls(resolved, (tuple(clause),))


@lru_cache(maxsize=1 << 14)
def _parse_cached(scheme: VersionScheme, text: str) -> Constraint:
    if len(text) > MAX_CONSTRAINT_LENGTH:
        raise InvalidConstraint(scheme.name, text[:40] + "...", "too long")
    try:
        clauses = scheme.constraint_clauses(text)
    except InvalidVersion as exc:
        raise InvalidConstraint(scheme.name, text, str(exc)) from exc
    return Constraint(scheme, clauses, text.strip(), scheme.clause_gate())


# An operator is optional; the version may not start with an operator character
# so that a dangling ">=" is an error rather than a comparison against "=".
_TERM = re.compile(r"\s*(?P<op>===|~>|~=|==|!=|<>|<=|>=|<|>|=|\^|~)?\s*(?P<ver>[^\s,|<>=!~^][^\s,|]*)")
_SEPARATORS = re.compile(r"[\s,]*")
ANY_VERSION = frozenset({"*", "x", "X"})


def parse_expression(text: str, scheme: VersionScheme) -> tuple[Clause, ...]:
    """Generic feed grammar: ``||`` separates alternatives; commas or spaces separate AND terms."""
    stripped = text.strip()
    if not stripped:
        raise InvalidConstraint(scheme.name, text, "empty constraint")
    clauses = []
    for alternative in stripped.split("||"):
        clauses.append(parse_conjunction(alternative, scheme, text))
    return tuple(clauses)


def parse_conjunction(alternative: str, scheme: VersionScheme, text: str) -> Clause:
    """Parse one AND-clause of ``op version`` terms."""
    predicates: list[Predicate] = []
    pos = _SEPARATORS.match(alternative).end()  # type: ignore[union-attr]
    if pos == len(alternative):
        raise InvalidConstraint(scheme.name, text, "empty alternative")
    while pos < len(alternative):
        match = _TERM.match(alternative, pos)
        if match is None:
            raise InvalidConstraint(scheme.name, text, f"cannot parse near {alternative[pos : pos + 20]!r}")
        op = match.group("op") or "="
        version = match.group("ver")
        if version in ANY_VERSION and op in ("=", "==", ">="):
            pass  # "*" matches every version: contributes no predicate
        else:
            predicates.extend(scheme.term_predicates(op, version))
        pos = _SEPARATORS.match(alternative, match.end()).end()  # type: ignore[union-attr]
    return tuple(predicates)


_INTERVAL = re.compile(r"\s*(?P<open>[\[(])(?P<body>[^\[\]()]*)(?P<close>[\])])\s*(?:,|$)")


def looks_like_interval(text: str) -> bool:
    """Interval notation (NuGet, Maven) starts with a bracket; feed operator text never does."""
    return text.lstrip()[:1] in ("[", "(")


def parse_intervals(text: str, scheme: VersionScheme) -> tuple[Clause, ...]:
    """Parse ``[a,b)``-style intervals; several comma-separated intervals are alternatives."""
    clauses: list[Clause] = []
    pos = 0
    stripped = text.strip()
    while pos < len(stripped):
        match = _INTERVAL.match(stripped, pos)
        if match is None:
            raise InvalidConstraint(scheme.name, text, f"bad interval near {stripped[pos : pos + 20]!r}")
        clauses.append(_interval_clause(match, scheme, text))
        pos = match.end()
    if not clauses:
        raise InvalidConstraint(scheme.name, text, "empty constraint")
    return tuple(clauses)


def _interval_clause(match: re.Match[str], scheme: VersionScheme, text: str) -> Clause:
    parts = [p.strip() for p in match.group("body").split(",")]
    inclusive_low = match.group("open") == "["
    inclusive_high = match.group("close") == "]"
    if len(parts) == 1:
        if not (inclusive_low and inclusive_high and parts[0]):
            raise InvalidConstraint(scheme.name, text, "a single-version interval must be [v]")
        return (Comparator("=", scheme.parse(parts[0])),)
    if len(parts) != 2 or not (parts[0] or parts[1]):
        raise InvalidConstraint(scheme.name, text, "an interval needs one or two bounds")
    low, high = parts
    clause: list[Predicate] = []
    if low:
        clause.append(Comparator(">=" if inclusive_low else ">", scheme.parse(low)))
    if high:
        clause.append(Comparator("<=" if inclusive_high else "<", scheme.parse(high)))
    if low and high and clause[0].version.key > clause[1].version.key:  # type: ignore[attr-defined]
        raise InvalidConstraint(scheme.name, text, "interval lower bound is above its upper bound")
    return tuple(clause)


# At one version, "introduced" is applied before "last_affected" and "fixed" so
# that introduced=X, fixed=X is an empty range rather than an open-ended one.
_EVENT_ORDER = {"introduced": 0, "last_affected": 1, "fixed": 2}


def _osv_clauses(events: list[Mapping[str, str]], scheme: VersionScheme) -> tuple[Clause, ...]:
    """Sweep the sorted events per the OSV spec's evaluation algorithm into intervals."""
    from_zero = False
    points: list[tuple[Version, str]] = []
    limits: list[Version] = []
    unlimited = False
    for event in events:
        kind, value = _osv_event(event, scheme)
        if kind == "introduced" and value == "0":
            from_zero = True
        elif kind == "limit":
            if value == "*":
                unlimited = True
            else:
                limits.append(_osv_version(scheme, value, event))
        else:
            points.append((_osv_version(scheme, value, event), kind))
    if not from_zero and not any(kind == "introduced" for _, kind in points):
        raise InvalidConstraint(scheme.name, events, "OSV range has no 'introduced' event")
    points.sort(key=lambda p: (p[0].key, _EVENT_ORDER[p[1]]))

    clauses: list[Clause] = []
    affected = from_zero
    lower: Comparator | None = None
    for version, kind in points:
        if kind == "introduced":
            if not affected:
                affected, lower = True, Comparator(">=", version)
        elif affected:
            upper = Comparator("<" if kind == "fixed" else "<=", version)
            clauses.append((lower, upper) if lower else (upper,))
            affected = False
    if affected:
        clauses.append((lower,) if lower else ())
    if limits and not unlimited:
        # "limit" caps every interval: affected versions are below at least one limit.
        cap = Comparator("<", max(limits, key=lambda v: v.key))
        clauses = [(*clause, cap) for clause in clauses]
    return tuple(clauses)


def _osv_event(event: Mapping[str, str], scheme: VersionScheme) -> tuple[str, str]:
    if not isinstance(event, Mapping) or len(event) != 1:
        raise InvalidConstraint(scheme.name, event, "an OSV event is an object with exactly one key")
    ((kind, value),) = event.items()
    if kind not in ("introduced", "fixed", "last_affected", "limit"):
        raise InvalidConstraint(scheme.name, event, f"unknown OSV event {kind!r}")
    if not isinstance(value, str) or not value.strip():
        raise InvalidConstraint(scheme.name, event, "OSV event version must be a non-empty string")
    return kind, value.strip()


def _osv_version(scheme: VersionScheme, value: str, event: Mapping[str, str]) -> Version:
    try:
        return scheme.parse(value)
    except InvalidVersion as exc:
        raise InvalidConstraint(scheme.name, event, str(exc)) from exc
