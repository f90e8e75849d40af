"""RubyGems versions (Gem::Version) and the pessimistic ``~>`` operator.

Segments are digit runs (integers) and letter runs (strings); a version with any
letter is a pre-release, and ``-`` means ``.pre.``.  Comparison uses the
*canonical* segments — trailing zeros removed from the numeric part and from
the pre-release part separately — padded with 0, where a string segment is
below any number.  Padding with 0 can make a longer version *greater or lower*
depending on what follows, so the key compares with Gem::Version#<=> rather
than as a tuple.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from drydock.versions.base import OrderedKey, Version, VersionScheme, register_scheme
from drydock.versions.constraint import Predicate
from drydock.versions.errors import InvalidVersion

# Gem::Version::ANCHORED_VERSION_PATTERN
_PATTERN = re.compile(r"\s*([0-9]+(?:\.[0-9a-zA-Z]+)*(?:-[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?)?\s*")
_SEGMENTS = re.compile(r"[0-9]+|[a-z]+", re.IGNORECASE)

Segment = int | str


def _drop_trailing_zeros(segments: list[Segment]) -> list[Segment]:
    while segments and segments[-1] == 0:
        segments.pop()
    return segments


def gem_segments(text: str) -> list[Segment]:
    """Gem::Version#segments after the ``-`` → ``.pre.`` rewrite."""
    match = _PATTERN.fullmatch(text)
    if match is None or "\n" in text.strip():
        raise InvalidVersion("gem", text, "malformed version number string")
    version = (match.group(1) or "0").replace("-", ".pre.")
    return [int(s) if s.isdigit() else s for s in _SEGMENTS.findall(version)]


def _first_string(segments: list[Segment]) -> int:
    return next((i for i, s in enumerate(segments) if isinstance(s, str)), len(segments))


def canonical_segments(segments: list[Segment]) -> tuple[Segment, ...]:
    first_string = _first_string(segments)
    numeric = _drop_trailing_zeros(list(segments[:first_string]))
    pre = _drop_trailing_zeros(list(segments[first_string:]))
    return tuple(numeric + pre)


class GemKey(OrderedKey):
    __slots__ = ("canonical", "segments")

    def __init__(self, segments: list[Segment]) -> None:
        self.segments = segments
        self.canonical = canonical_segments(segments)

    @property
    def prerelease(self) -> bool:
        return any(isinstance(s, str) for s in self.segments)

    def cmp(self, other: GemKey) -> int:
        """Gem::Version#<=>."""
        left, right = self.canonical, other.canonical
        if left == right:
            return 0
        for index in range(max(len(left), len(right))):
            lhs = left[index] if index < len(left) else 0
            rhs = right[index] if index < len(right) else 0
            if lhs == rhs:
                continue
            if isinstance(lhs, str) and isinstance(rhs, int):
                return -1
            if isinstance(lhs, int) and isinstance(rhs, str):
                return 1
            return (lhs > rhs) - (lhs < rhs)  # type: ignore[operator]
        return 0

    def __hash__(self) -> int:
        return hash(self.canonical)


@dataclass(frozen=True, slots=True)
class Pessimistic:
    """``~> X``: ``>= X`` and the version's *release* below X bumped (Gem::Requirement)."""

    low: Version
    bump: Version
    scheme: VersionScheme

    def matches(self, version: Version) -> bool:
        if version.key < self.low.key:
            return False
        release = release_of(version.key.segments)
        return self.scheme.parse(release).key < self.bump.key

    def __str__(self) -> str:
        return f"~>{self.low.text}"


def release_of(segments: list[Segment]) -> str:
    """Gem::Version#release: the segments before the first letter."""
    return ".".join(str(s) for s in segments[: _first_string(segments)]) or "0"


def bump(segments: list[Segment]) -> str:
    """Gem::Version#bump: drop letters and the last part, then increment: 1.2.3 → 1.3."""
    parts = list(segments[: _first_string(segments)])
    if len(parts) > 1:
        parts.pop()
    parts[-1] = int(parts[-1]) + 1
    return ".".join(str(p) for p in parts)


class GemScheme(VersionScheme):
    """Ruby gems (Gem::Version and Gem::Requirement operators)."""

    name = "gem"

    def key(self, text: str) -> GemKey:
        return GemKey(gem_segments(text))

    def term_predicates(self, op: str, version: str) -> tuple[Predicate, ...]:
        if op != "~>":
            return super().term_predicates(op, version)
        low = self.parse(version)
        return (Pessimistic(low, self.parse(bump(low.key.segments)), self),)


GEM = register_scheme(GemScheme(), "rubygems", "ruby", "bundler")
