"""Maven versions ordered by ``org.apache.maven.artifact.versioning.ComparableVersion``.

Parsing splits on ``.`` and ``-`` and on digit/letter transitions; ``-`` (and a
transition) opens a nested list, which is what makes ``1-1`` differ from
``1.1``.  Trailing "null" items (0, empty qualifier, ga, final, release) are
dropped, so ``1.0.0`` = ``1``.  Qualifiers order
``alpha < beta < milestone < rc = cr < snapshot < "" = ga = final = release < sp``
and unknown qualifiers sort after ``sp``, lexically.  Comparison pads the
shorter list with "null", whose meaning depends on the other item's type, so
the key is the item tree with a comparison function rather than a tuple.
"""

from __future__ import annotations

from typing import Union

from drydock.versions.base import OrderedKey, VersionScheme, register_scheme
from drydock.versions.constraint import Clause, looks_like_interval, parse_intervals
from drydock.versions.errors import InvalidVersion

_QUALIFIERS = ["alpha", "beta", "milestone", "rc", "snapshot", "", "sp"]
_ALIASES = {"ga": "", "final": "", "release": "", "cr": "rc"}
_SHORT = {"a": "alpha", "b": "beta", "m": "milestone"}
_RELEASE_INDEX = str(_QUALIFIERS.index(""))


def _comparable_qualifier(value: str) -> str:
    """Maven's ordering string: the qualifier's index, or "7-<name>" for unknown ones."""
    if value in _QUALIFIERS:
        return str(_QUALIFIERS.index(value))
    return f"{len(_QUALIFIERS)}-{value}"


class _Qualifier:
    __slots__ = ("order", "value")

    def __init__(self, value: str, followed_by_digit: bool) -> None:
        if followed_by_digit and value in _SHORT:
            value = _SHORT[value]
        self.value = _ALIASES.get(value, value)
        self.order = _comparable_qualifier(self.value)

    def __str__(self) -> str:
        return self.value


Item = Union[int, _Qualifier, "list[Item]"]


def _is_null(item: Item) -> bool:
    if isinstance(item, int):
        return item == 0
    if isinstance(item, _Qualifier):
        return item.value == ""
    return not item


def _sign(a: object, b: object) -> int:
    return (a > b) - (a < b)  # type: ignore[operator]


def _compare(a: Item | None, b: Item | None) -> int:
    """ComparableVersion's Item.compareTo, with None for a padding "null" item."""
    if a is None:
        return -_compare(b, None) if b is not None else 0
    if isinstance(a, int):
        if b is None:
            return 0 if a == 0 else 1
        return _sign(a, b) if isinstance(b, int) else 1
    if isinstance(a, _Qualifier):
        if b is None:
            return _sign(a.order, _RELEASE_INDEX)
        if isinstance(b, _Qualifier):
            return _sign(a.order, b.order)
        return -1
    if b is None:
        for item in a:
            result = _compare(item, None)
            if result:
                return result
        return 0
    if isinstance(b, int):
        return -1
    if isinstance(b, _Qualifier):
        return 1
    for index in range(max(len(a), len(b))):
        result = _compare(a[index] if index < len(a) else None, b[index] if index < len(b) else None)
        if result:
            return result
    return 0


def _normalize(items: list[Item]) -> None:
    """Drop trailing null items, stopping at the first nested list from the end."""
    for index in range(len(items) - 1, -1, -1):
        item = items[index]
        if _is_null(item):
            del items[index]
        elif not isinstance(item, list):
            break


def _parse_item(is_digit: bool, text: str, followed_by_digit: bool = False) -> Item:
    return int(text) if is_digit else _Qualifier(text, followed_by_digit)


def parse_maven(text: str) -> list[Item]:
    """Build the item tree as ComparableVersion.parseVersion does."""
    version = text.strip().lower()
    root: list[Item] = []
    current = root
    stack = [root]
    is_digit = False
    start = 0

    def open_list() -> None:
        nonlocal current
        nested: list[Item] = []
        current.append(nested)
        current = nested
        stack.append(nested)

    for index, char in enumerate(version):
        if char in ".-":
            current.append(0 if index == start else _parse_item(is_digit, version[start:index]))
            start = index + 1
            if char == "-":
                open_list()
        elif char.isdigit():
            if not is_digit and index > start:
                current.append(_Qualifier(version[start:index], True))
                start = index
                open_list()
            is_digit = True
        else:
            if is_digit and index > start:
                current.append(int(version[start:index]))
                start = index
                open_list()
            is_digit = False
    if len(version) > start:
        current.append(_parse_item(is_digit, version[start:]))
    for items in reversed(stack):
        _normalize(items)
    return root


def canonical(items: list[Item]) -> str:
    """ComparableVersion.getCanonical(): equal versions have equal canonical forms."""
    out: list[str] = []
    for item in items:
        if out:
            out.append("-" if isinstance(item, list) else ".")
        out.append(canonical(item) if isinstance(item, list) else str(item))
    return "".join(out)


class MavenKey(OrderedKey):
    __slots__ = ("canonical", "items")

    def __init__(self, items: list[Item]) -> None:
        self.items = items
        self.canonical = canonical(items)

    def cmp(self, other: MavenKey) -> int:
        return _compare(self.items, other.items)

    def __hash__(self) -> int:
        return hash(self.canonical)


class MavenScheme(VersionScheme):
    """Maven/Gradle artifact versions; constraints accept Maven range notation too."""

    name = "maven"

    def key(self, text: str) -> MavenKey:
        if not text.strip() or any(c.isspace() for c in text.strip()):
            raise InvalidVersion(self.name, text, "empty or contains whitespace")
        if not any(c.isalnum() for c in text):
            raise InvalidVersion(self.name, text, "no digits or letters")
        return MavenKey(parse_maven(text))

    def constraint_clauses(self, text: str) -> tuple[Clause, ...]:
        if looks_like_interval(text):
            return parse_intervals(text, self)
        return super().constraint_clauses(text)


MAVEN = register_scheme(MavenScheme(), "java", "gradle", "jenkins")
