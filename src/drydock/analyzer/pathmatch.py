"""Match one path against many globs quickly.

Every member of every layer is tested against the union of all catalogers' patterns; a
combined regex alternation costs O(patterns × path length) per path (each ``(?:.*/)?``
backtracks), which on 50 000-file layers with ~100 patterns is seconds. Most patterns end in a
literal file name (``**/package.json``) or a literal extension (``**/*.jar``), so patterns are
bucketed by that and only the few candidates whose bucket matches are run as regexes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from drydock.analyzer.filetree import glob_to_regex

_WILD = frozenset("*?[{")


def _has_wild(text: str) -> bool:
    return any(c in _WILD for c in text)


class GlobSet:
    """A picklable set of doublestar globs (compiled lazily after unpickling)."""

    def __init__(self, globs: Iterable[str]) -> None:
        self.globs = tuple(sorted(set(globs)))
        self._compiled = False
        self._by_name: dict[str, list[re.Pattern[str]]] = {}
        self._by_suffix: dict[str, list[re.Pattern[str]]] = {}
        self._other: re.Pattern[str] | None = None

    def __getstate__(self) -> tuple[str, ...]:
        return self.globs

    def __setstate__(self, state: tuple[str, ...]) -> None:
        self.__init__(state)  # type: ignore[misc]

    def __bool__(self) -> bool:
        return bool(self.globs)

    def literal_paths(self) -> list[str]:
        """Globs without wildcards: exact paths."""
        return [g if g.startswith("/") else "/" + g for g in self.globs if not _has_wild(g)]

    def _compile(self) -> None:
        other = []
        for glob in self.globs:
            base = glob.rsplit("/", 1)[-1]
            rx = glob_to_regex(glob)
            if base and not _has_wild(base):
                self._by_name.setdefault(base, []).append(rx)
            elif base.startswith("*.") and not _has_wild(base[1:]):
                self._by_suffix.setdefault(base[1:], []).append(rx)
            else:
                other.append(rx.pattern)
        self._other = re.compile("|".join(f"(?:{p})" for p in other)) if other else None
        self._compiled = True

    def match(self, path: str) -> bool:
        if not self._compiled:
            self._compile()
        base = path.rsplit("/", 1)[-1]
        for rx in self._by_name.get(base, ()):
            if rx.match(path):
                return True
        dot = base.find(".")
        while dot >= 0:
            for rx in self._by_suffix.get(base[dot:], ()):
                if rx.match(path):
                    return True
            dot = base.find(".", dot + 1)
        return self._other is not None and self._other.match(path) is not None
