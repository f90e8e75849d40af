"""Match paths against many globs quickly, in both directions.

* ``GlobSet.match(path)``: every member of every layer is tested against the union of all
  catalogers' patterns (~150). A combined regex alternation costs O(patterns × path length)
  per path (each ``(?:.*/)?`` backtracks): seconds on 50 000-file layers.
* ``NameIndex.glob(pattern)``: catalogers glob the final tree many times; scanning every
  entry per pattern is O(patterns × entries).

Most globs pin their last segment down by a literal name (``**/package.json``), a literal
prefix (``**/python*``) or a literal suffix (``**/*.jar``), so both sides bucket by that and
run the full regex only on the few candidates. Braces are expanded first
(``**/{go,go.exe}`` is two globs with literal names).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Iterator

from drydock.analyzer.filetree import glob_to_regex
from drydock.analyzer.model import FileEntry

_WILD = frozenset("*?[{")
_BRACE = re.compile(r"\{([^{}]*)\}")


def _has_wild(text: str) -> bool:
    return any(c in _WILD for c in text)


def expand_braces(glob: str) -> list[str]:
    """``a{b,c}d`` → ``abd``, ``acd`` (repeatedly, so several groups multiply)."""
    m = _BRACE.search(glob)
    if not m:
        return [glob]
    out = []
    for alt in m.group(1).split(","):
        out.extend(expand_braces(glob[: m.start()] + alt + glob[m.end() :]))
    return out


def _literal_run(text: str, from_end: bool) -> str:
    chars = reversed(text) if from_end else iter(text)
    run = []
    for c in chars:
        if c in _WILD or c == "]":
            break
        run.append(c)
    return "".join(reversed(run) if from_end else run)


def base_key(glob: str) -> tuple[str, str]:
    """How a (brace-free) glob's last segment narrows candidates: ("name", n), ("prefix", p),
    ("suffix", s) or ("any", "")."""
    base = glob.rsplit("/", 1)[-1]
    if base and not _has_wild(base):
        return "name", base
    prefix = _literal_run(base, from_end=False)
    if prefix:
        return "prefix", prefix
    suffix = _literal_run(base, from_end=True)
    if suffix:
        return "suffix", suffix
    return "any", ""


class GlobSet:
    """A picklable set of doublestar globs (compiled lazily after unpickling)."""

    def __init__(self, globs: Iterable[str]) -> None:
        self.globs = tuple(sorted(set(globs)))
        self._compiled = False
        self._buckets: dict[str, dict[str, list[re.Pattern[str]]]] = {}
        self._prefix_lengths: tuple[int, ...] = ()
        self._suffix_lengths: tuple[int, ...] = ()
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
        buckets: dict[str, dict[str, list[re.Pattern[str]]]] = {"name": {}, "prefix": {}, "suffix": {}}
        other = []
        for glob in self.globs:
            for expanded in expand_braces(glob):
                kind, key = base_key(expanded)
                rx = glob_to_regex(expanded)
                if kind == "any":
                    other.append(rx.pattern)
                else:
                    buckets[kind].setdefault(key, []).append(rx)
        self._buckets = buckets
        self._prefix_lengths = tuple(sorted({len(k) for k in buckets["prefix"]}))
        self._suffix_lengths = tuple(sorted({len(k) for k in buckets["suffix"]}))
        self._other = re.compile("|".join(f"(?:{p})" for p in other)) if other else None
        self._compiled = True

    def match(self, path: str) -> bool:
        if not self._compiled:
            self._compile()
        base = path.rsplit("/", 1)[-1]
        for rx in self._buckets["name"].get(base, ()):
            if rx.match(path):
                return True
        prefixes, suffixes = self._buckets["prefix"], self._buckets["suffix"]
        for n in self._prefix_lengths:
            for rx in prefixes.get(base[:n], ()):
                if rx.match(path):
                    return True
        for n in self._suffix_lengths:
            for rx in suffixes.get(base[-n:], ()):
                if rx.match(path):
                    return True
        return self._other is not None and self._other.match(path) is not None


class NameIndex:
    """Entries by base name, with sorted name lists for prefix and suffix lookups."""

    def __init__(self, entries: Iterable[FileEntry]) -> None:
        self._by_name: dict[str, list[FileEntry]] = {}
        for e in entries:
            self._by_name.setdefault(e.path.rsplit("/", 1)[-1], []).append(e)
        self._names = sorted(self._by_name)
        self._reversed = sorted(n[::-1] for n in self._by_name)

    @staticmethod
    def _range(names: list[str], prefix: str) -> list[str]:
        lo = bisect.bisect_left(names, prefix)
        hi = bisect.bisect_left(names, prefix + "\U0010ffff")
        return names[lo:hi]

    def _candidates(self, glob: str) -> Iterator[FileEntry]:
        kind, key = base_key(glob)
        if kind == "name":
            names = [key]
        elif kind == "prefix":
            names = self._range(self._names, key)
        elif kind == "suffix":
            names = [n[::-1] for n in self._range(self._reversed, key[::-1])]
        else:
            names = self._names
        for name in names:
            yield from self._by_name.get(name, ())

    def glob(self, pattern: str) -> list[FileEntry]:
        found: dict[str, FileEntry] = {}
        for expanded in expand_braces(pattern):
            rx = glob_to_regex(expanded)
            for e in self._candidates(expanded):
                if rx.match(e.path):
                    found[e.path] = e
        return sorted(found.values(), key=lambda e: e.path)


class PathSet(GlobSet):
    """Exact paths, compared as strings: a path read back from a layer (a symlink's target, a
    file to spool) may contain ``*``, ``?``, ``[`` or ``{``, which a glob would interpret."""

    def __init__(self, paths: Iterable[str]) -> None:
        super().__init__(())
        self.paths = frozenset(paths)

    def __getstate__(self) -> tuple[str, ...]:
        return tuple(sorted(self.paths))

    def __bool__(self) -> bool:
        return bool(self.paths)

    def literal_paths(self) -> list[str]:
        return sorted(self.paths)

    def match(self, path: str) -> bool:
        return path in self.paths
