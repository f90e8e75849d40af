"""Secret and content search: named regexes matched line by line against small text files.

Semantics follow Anchore's secret_search/content_search analyzers: each regex is matched at
the start of every line (Python ``re.match`` per line, so the default patterns begin with
``.*``), files above the size limit are not searched. Unlike Anchore we skip binary files
(a NUL byte in the first 8 KiB): matching PEM headers inside ``ssh`` binaries is noise.

Speed: one combined alternation (leading ``.*`` dropped) over the whole file decides whether anything
matches at all (almost never); only then is each regex run separately to get its line numbers.
The searcher is plain data (compiled patterns pickle by source) so it runs inside the layer
workers on each file as it streams past.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from drydock.analyzer.model import SecretMatch

_LEADING_FLAGS = re.compile(r"^\(\?([aiLmsux]+)\)")
BINARY_SNIFF_BYTES = 8192


def _scoped(regex: str) -> str:
    """Turn a leading global flag group ``(?i)rest`` into ``(?i:rest)`` so the regex can sit
    inside an alternation (Python rejects global flags anywhere but the start)."""
    m = _LEADING_FLAGS.match(regex)
    if not m:
        return f"(?:{regex})"
    return f"(?{m.group(1)}:{regex[m.end():]})"


def _prefilter(regex: str) -> str:
    """The regex as an unanchored search term: ``^.*X`` matches a line iff ``X`` occurs in
    it, and searching for ``X`` skips the per-line ``.*`` backtracking."""
    m = _LEADING_FLAGS.match(regex)
    flags, body = (m.group(1), regex[m.end() :]) if m else ("", regex)
    if body.startswith(".*"):
        body = body[2:]
    else:
        body = "^" + body
    return f"(?{flags}:{body})" if flags else f"(?:{body})"


def parse_named_regexes(entries: list[str]) -> dict[str, str]:
    """Anchore's ``NAME=regex`` list form → {name: regex}; the name is what policies refer to."""
    out: dict[str, str] = {}
    for item in entries:
        name, sep, regex = item.partition("=")
        if not sep or not name:
            raise ValueError(f"expected NAME=REGEX, got {item!r}")
        out[name] = regex
    return out


def looks_binary(data: bytes) -> bool:
    return b"\0" in data[:BINARY_SNIFF_BYTES]


@dataclass(slots=True)
class RegexSearcher:
    """Searches file contents for a set of named regexes (one kind: secrets or content)."""

    regexes: dict[str, str]
    max_bytes: int
    _each: list[tuple[str, str, re.Pattern[bytes]]] = field(init=False, repr=False)
    _any: re.Pattern[bytes] | None = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._each = []
        for name, regex in self.regexes.items():
            try:
                compiled = re.compile(("^" + _scoped(regex)).encode(), re.MULTILINE)
            except re.error as exc:
                raise ValueError(f"invalid regex {name}={regex!r}: {exc}") from exc
            self._each.append((name, regex, compiled))
        alternation = "|".join(_prefilter(regex) for regex in self.regexes.values())
        self._any = re.compile(alternation.encode(), re.MULTILINE) if self._each else None

    def wants(self, size: int) -> bool:
        return self._any is not None and size <= self.max_bytes

    def search(self, path: str, data: bytes) -> list[SecretMatch]:
        if self._any is None or len(data) > self.max_bytes or looks_binary(data):
            return []
        if self._any.search(data) is None:
            return []
        matches = []
        for name, regex, compiled in self._each:
            lines = _line_numbers(data, compiled)
            if lines:
                matches.append(SecretMatch(path=path, name=name, regex=regex, lines=lines))
        return matches


def _line_numbers(data: bytes, compiled: re.Pattern[bytes]) -> list[int]:
    lines: list[int] = []
    line, pos = 1, 0
    for m in compiled.finditer(data):
        line += data.count(b"\n", pos, m.start())
        pos = m.start()
        if not lines or lines[-1] != line:
            lines.append(line)
    return lines
