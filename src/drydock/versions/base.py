"""The scheme interface, the parsed-version value and the scheme registry.

A scheme turns a version string into a *key*: an object whose natural ordering
is the ecosystem's ordering.  Most schemes build plain tuples so that a compare
is a single C-level tuple comparison; schemes whose upstream algorithm is not a
lexicographic order (pacman, Maven, RubyGems) wrap a comparison function in an
``OrderedKey``.  Parsed versions are cached per scheme with a bounded LRU so a
matcher that sees the same installed version against thousands of records pays
for parsing once.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from functools import lru_cache
from typing import TYPE_CHECKING, Any, ClassVar

from drydock.versions.errors import InvalidConstraint, InvalidVersion

if TYPE_CHECKING:
    from drydock.versions.constraint import Constraint, Predicate

# Longer strings are not versions in any ecosystem; refusing them bounds the
# work a hostile feed or image can make a parser do.
MAX_VERSION_LENGTH = 512

BASIC_OPERATORS: dict[str, str] = {
    "<": "<",
    "<=": "<=",
    ">": ">",
    ">=": ">=",
    "=": "=",
    "==": "=",
    "!=": "!=",
}


class OrderedKey(ABC):
    """Key for schemes whose upstream order is a comparison function, not a tuple order."""

    __slots__ = ()

    @abstractmethod
    def cmp(self, other: Any) -> int:
        """Return -1, 0 or 1 following the upstream algorithm."""

    @abstractmethod
    def __hash__(self) -> int: ...

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return self.cmp(other) == 0

    def __lt__(self, other: Any) -> bool:
        return self.cmp(other) < 0

    def __le__(self, other: Any) -> bool:
        return self.cmp(other) <= 0

    def __gt__(self, other: Any) -> bool:
        return self.cmp(other) > 0

    def __ge__(self, other: Any) -> bool:
        return self.cmp(other) >= 0


class Version:
    """A parsed version: the original text plus the scheme's ordering key.

    Versions of different schemes never compare equal and refuse ordering, so a
    dpkg version cannot be silently compared with an rpm one.
    """

    __slots__ = ("key", "scheme", "text")

    def __init__(self, text: str, key: Any, scheme: str) -> None:
        self.text = text
        self.key = key
        self.scheme = scheme

    def __repr__(self) -> str:
        return f"Version({self.scheme}:{self.text!r})"

    def __str__(self) -> str:
        return self.text

    def _other_key(self, other: object) -> Any:
        if isinstance(other, Version) and other.scheme == self.scheme:
            return other.key
        return NotImplemented

    def __eq__(self, other: object) -> bool:
        key = self._other_key(other)
        return NotImplemented if key is NotImplemented else self.key == key

    def __hash__(self) -> int:
        return hash((self.scheme, self.key))

    def __lt__(self, other: object) -> bool:
        key = self._other_key(other)
        return NotImplemented if key is NotImplemented else self.key < key

    def __le__(self, other: object) -> bool:
        key = self._other_key(other)
        return NotImplemented if key is NotImplemented else self.key <= key

    def __gt__(self, other: object) -> bool:
        key = self._other_key(other)
        return NotImplemented if key is NotImplemented else self.key > key

    def __ge__(self, other: object) -> bool:
        key = self._other_key(other)
        return NotImplemented if key is NotImplemented else self.key >= key


class VersionScheme(ABC):
    """One ecosystem's version syntax, ordering and constraint operators."""

    name: ClassVar[str]
    cache_size: ClassVar[int] = 1 << 15

    def __init__(self) -> None:
        self._parse_cached = lru_cache(maxsize=self.cache_size)(self._parse_uncached)

    @abstractmethod
    def key(self, text: str) -> Any:
        """Build the ordering key for ``text``; raise InvalidVersion when it is not a version."""

    def parse(self, text: str | Version) -> Version:
        """Parse (cached) ``text`` into a Version of this scheme."""
        if isinstance(text, Version):
            if text.scheme != self.name:
                raise InvalidVersion(self.name, text.text, f"is a {text.scheme} version")
            return text
        if not isinstance(text, str):
            raise InvalidVersion(self.name, text, "not a string")
        return self._parse_cached(text)

    def _parse_uncached(self, text: str) -> Version:
        if len(text) > MAX_VERSION_LENGTH:
            raise InvalidVersion(self.name, text[:40] + "...", "too long")
        return Version(text, self.key(text), self.name)

    def is_valid(self, text: str) -> bool:
        """Whether ``text`` parses, for callers that want to filter rather than catch."""
        try:
            self.parse(text)
        except InvalidVersion:
            return False
        return True

    def compare(self, a: str | Version, b: str | Version) -> int:
        """Three-way compare: -1 if a < b, 0 if equal, 1 if a > b."""
        ka = self.parse(a).key
        kb = self.parse(b).key
        return (ka > kb) - (ka < kb)

    def satisfies(self, version: str | Version, constraint: str | Constraint) -> bool:
        """Whether ``version`` lies in ``constraint`` (text is parsed with this scheme)."""
        from drydock.versions.constraint import Constraint

        if not isinstance(constraint, Constraint):
            constraint = Constraint.parse(constraint, self)
        return constraint.satisfied_by(version)

    def term_predicates(self, op: str, version: str) -> tuple[Predicate, ...]:
        """Expand one ``<op> <version>`` term of a constraint into predicates.

        Schemes override this to add ecosystem operators (``^``, ``~>``, ``~=``);
        the base handles the comparison operators every feed uses.
        """
        from drydock.versions.constraint import Comparator

        canonical = BASIC_OPERATORS.get(op)
        if canonical is None:
            raise InvalidConstraint(self.name, f"{op}{version}", f"operator {op!r} not supported")
        return (Comparator(canonical, self.parse(version)),)

    def clause_gate(self) -> Callable[[Version, tuple[Any, ...]], bool] | None:
        """An extra per-clause admission rule for parsed text constraints (npm's pre-release rule).

        None, the default, means a clause's bounds alone decide.
        """
        return None

    def constraint_clauses(self, text: str) -> tuple[tuple[Predicate, ...], ...]:
        """Parse constraint text into OR-of-AND clauses; overridden by schemes with own grammars."""
        from drydock.versions.constraint import parse_expression

        return parse_expression(text, self)


_REGISTRY: dict[str, VersionScheme] = {}


def register_scheme(scheme: VersionScheme, *aliases: str) -> VersionScheme:
    """Make ``scheme`` available by its name (and aliases) through get_scheme."""
    for name in (scheme.name, *aliases):
        _REGISTRY[name.lower()] = scheme
    return scheme


def get_scheme(name: str | VersionScheme) -> VersionScheme:
    """Look up a registered scheme by (case-insensitive) name."""
    if isinstance(name, VersionScheme):
        return name
    try:
        return _REGISTRY[name.lower()]
    except (KeyError, AttributeError):
        raise KeyError(f"unknown version scheme {name!r}; known: {', '.join(scheme_names())}") from None


def scheme_names() -> list[str]:
    """All registered names and aliases, sorted."""
    return sorted(_REGISTRY)
