"""Evidence matchers for binary classifiers: small composable predicates over one file.

A matcher looks at a ``MatchContext`` (the file's real path and bytes, plus a ``FileLookup``
for sibling or linked files) and answers either ``None`` (no match) or a list of ``Hit``s.
An empty list means "matched, but found nothing to report" — path and negative conditions use
it so that ``all_of`` can tell a passing guard from a failure, as syft's ``MatchAll`` does.

Regexes run on bytes. They were written for Go's RE2, so three differences matter and are handled
where the patterns are written: ``.`` counts bytes here (runes in Go); Go sees every invalid
UTF-8 byte as U+FFFD, which a pattern must spell as a byte class here; and RE2 is linear while
Python's engine backtracks, so a leading unbounded repeat (``\x00+X``, ``(?m).*/X``) is reduced
to one character or dropped (the captured version is the same, the cost no longer quadratic in
long NUL runs or lines) and ``X.*Y`` under (?s) becomes ``contents_before``.
"""

from __future__ import annotations

import functools
import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Protocol

from drydock.analyzer.filetree import glob_match

if TYPE_CHECKING:
    from drydock.analyzer.catalogers.binary.classifiers import Identity


class FileLookup(Protocol):
    """Access to files other than the one being classified (supporting evidence)."""

    def glob(self, pattern: str) -> list[str]:
        """Real paths of the regular files matching ``pattern`` (sorted, symlinks resolved)."""
        ...

    def read(self, path: str) -> bytes | None: ...


@dataclass(slots=True)
class MatchContext:
    path: str  # real path of the file being classified
    data: bytes
    lookup: FileLookup | None = None


@dataclass(frozen=True, slots=True)
class Hit:
    """One version found. ``evidence`` lists the other files it came from as (path, role),
    after the classified file itself; ``identity`` is set by ``branching`` to the
    sub-classifier that won."""

    groups: dict[str, str]
    evidence: tuple[tuple[str, str], ...] = ()
    identity: Identity | None = None


Matcher = Callable[[MatchContext], list[Hit] | None]


def named_groups(rx: re.Pattern[bytes], data: bytes) -> dict[str, str] | None:
    """syft's MatchNamedCaptureGroups: the first match whose named groups are all non-empty,
    else the groups of the last match; None when the pattern does not match at all."""
    names = list(rx.groupindex)
    result: dict[str, str] | None = None
    for m in rx.finditer(data):
        result = {n: (m.group(n) or b"").decode("utf-8", "replace") for n in names}
        if all(result.values()):
            break
    return result


@functools.cache
def compiled(pattern: bytes | str) -> re.Pattern[Any]:
    """Patterns are compiled on a matcher's first use, not when the classifier table is built:
    ~180 patterns, ≈ 15 ms of every analysis' start-up, while an image has files for few of
    them (none on a minimal Debian)."""
    return re.compile(pattern)


def contents(*patterns: bytes) -> Matcher:
    """Every pattern must match the file; the named groups of all of them (later ones win)
    describe the package, and a non-empty ``version`` is required."""

    def match(ctx: MatchContext) -> list[Hit] | None:
        groups: dict[str, str] = {}
        for rx in map(compiled, patterns):
            found = named_groups(rx, ctx.data) if rx.groupindex else ({} if rx.search(ctx.data) else None)
            if found is None:
                return None
            groups.update(found)
        if not groups.get("version"):
            return None
        return [Hit(groups=groups)]

    return match


def contents_before(pattern: bytes, literal: bytes) -> Matcher:
    """``pattern`` must match somewhere before the last occurrence of ``literal``. Stands in for
    RE2 patterns of the form ``X.*literal`` under (?s), which backtracking engines run in
    quadratic time on large binaries."""

    def match(ctx: MatchContext) -> list[Hit] | None:
        rx = compiled(pattern)
        end = ctx.data.rfind(literal)
        if end < 0:
            return None
        m = rx.search(ctx.data, 0, end)
        if m is None or not m.group("version"):
            return None
        return [Hit(groups={k: (v or b"").decode("utf-8", "replace") for k, v in m.groupdict().items()})]

    return match


def last_on_first_line(pattern: bytes) -> Matcher:
    """The RE2 pattern ``(?m).*X`` in linear time: greedy ``.*`` makes Go report the *last*
    match of ``X`` on the first line that has one."""

    def match(ctx: MatchContext) -> list[Hit] | None:
        rx = compiled(pattern)
        chosen: re.Match[bytes] | None = None
        line_end = -1
        for m in rx.finditer(ctx.data):
            if chosen is None:
                line_end = ctx.data.find(b"\n", m.start())
                line_end = len(ctx.data) if line_end < 0 else line_end
            elif m.start() >= line_end:
                break
            chosen = m
        if chosen is None or not chosen.group("version"):
            return None
        return [Hit(groups={k: (v or b"").decode("utf-8", "replace") for k, v in chosen.groupdict().items()})]

    return match


def filename_template(name_pattern: str, content_template: bytes) -> Matcher:
    """The file name gives a version prefix (python3.8 → "3.8") that the version found in the
    content must start with, as syft's FileNameTemplateVersionMatcher does. The prefix is
    escaped: unescaped, "3.5" would accept an unrelated "\x00305\x00" first."""

    def match(ctx: MatchContext) -> list[Hit] | None:
        m = compiled(name_pattern).search(ctx.path)
        if m is None or not m.groupdict().get("version"):
            return None
        rendered = content_template.replace(b"{{ .version }}", re.escape(m.group("version")).encode())
        rx = re.compile(rendered)
        groups = named_groups(rx, ctx.data)
        if not groups or not groups.get("version"):
            return None
        return [Hit(groups=groups)]

    return match


def any_of(*matchers: Matcher) -> Matcher:
    """The first matcher that finds something wins."""

    def match(ctx: MatchContext) -> list[Hit] | None:
        for m in matchers:
            hits = m(ctx)
            if hits:
                return hits
        return None

    return match


def all_of(*matchers: Matcher) -> Matcher:
    """Every matcher must match; the last one's hits are reported (syft's MatchAll)."""

    def match(ctx: MatchContext) -> list[Hit] | None:
        out: list[Hit] | None = None
        for m in matchers:
            out = m(ctx)
            if out is None:
                return None
        return out

    return match


def none_of(*matchers: Matcher) -> Matcher:
    """A guard: passes (with no hits) only when no matcher matches."""

    def match(ctx: MatchContext) -> list[Hit] | None:
        return None if any(m(ctx) is not None for m in matchers) else []

    return match


def path_glob(pattern: str) -> Matcher:
    """A guard on the file's own path."""

    def match(ctx: MatchContext) -> list[Hit] | None:
        return [] if glob_match(pattern, ctx.path) else None

    return match


def contents_has(literal: bytes) -> Matcher:
    """A guard: the file contains ``literal`` somewhere."""

    def match(ctx: MatchContext) -> list[Hit] | None:
        return [] if literal in ctx.data else None

    return match


def supporting(relative_glob: str, matcher: Matcher) -> Matcher:
    """Look for the version in a file next to the binary (``VERSION``, ``application.ini``);
    the binary stays the primary location and the other file is added as supporting."""

    def match(ctx: MatchContext) -> list[Hit] | None:
        if ctx.lookup is None:
            return None
        pattern = posixpath.normpath(posixpath.join(posixpath.dirname(ctx.path), relative_glob))
        for other in ctx.lookup.glob(pattern):
            data = ctx.lookup.read(other)
            if data is None:
                continue
            hits = matcher(MatchContext(path=other, data=data, lookup=ctx.lookup))
            if hits:
                return [replace(h, evidence=((other, "supporting"),) + h.evidence) for h in hits]
        return None

    return match


def shared_library(soname_pattern: str, matcher: Matcher) -> Matcher:
    """Follow the binary's DT_NEEDED entries to libraries matching ``soname_pattern`` and
    classify those (python and ruby often keep their version only in libpython/libruby)."""
    from drydock.analyzer.catalogers.binary.elf_libs import needed_libraries

    def match(ctx: MatchContext) -> list[Hit] | None:
        soname_rx = compiled(soname_pattern)
        if ctx.lookup is None:
            return None
        out: list[Hit] = []
        for lib in needed_libraries(ctx.data):
            if not soname_rx.search(lib):
                continue
            for lib_path in ctx.lookup.glob("**/" + lib):
                data = ctx.lookup.read(lib_path)
                if data is None:
                    continue
                for h in matcher(MatchContext(path=lib_path, data=data, lookup=ctx.lookup)) or []:
                    out.append(replace(h, evidence=((lib_path, "supporting"),) + h.evidence))
        return out or None

    return match


def branching(*choices: Identity) -> Matcher:
    """Try sub-classifiers in order; the first that matches names the package (syft's
    BranchingEvidenceMatcher: one binary, several possible products)."""

    def match(ctx: MatchContext) -> list[Hit] | None:
        for choice in choices:
            hits = choice.matcher(ctx)
            if hits:
                return [replace(h, identity=choice) for h in hits]
        return None

    return match


def alternatives(*patterns: bytes) -> Matcher:
    """Shorthand for ``any_of(contents(p) for p in patterns)``: alternative spellings of one
    product's version string."""
    return any_of(*(contents(p) for p in patterns))
