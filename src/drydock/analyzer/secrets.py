"""Secret and content search: named regexes matched line by line against small text files.

Semantics follow Anchore's secret_search/content_search analyzers: each regex is matched at
the start of every line (Python ``re.match`` per line, so the default patterns begin with
``.*``), files above the size limit are not searched. Unlike Anchore we skip binary files
(a NUL byte in the first 8 KiB): matching PEM headers inside ``ssh`` binaries is noise.

Speed: almost no file matches, so each regex is keyed on the longest literal every match must
contain (``aws_access_key_id``, ``PRIVATE KEY``), found with one C-speed substring search
(on the lower-cased bytes for case-insensitive regexes); only when it is present does the
regex itself run, per line. Regexes without such a literal always run.
The searcher is plain data (compiled patterns pickle by source) so it runs inside the layer
workers on each file as it streams past.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from re import (
    _constants,
    _parser,
)

from drydock.analyzer.model import SecretMatch

_LITERAL = _constants.LITERAL
_LEADING_FLAGS = re.compile(r"^\(\?([aiLmsux]+)\)")
BINARY_SNIFF_BYTES = 8192


def _scoped(regex: str) -> str:
    """Turn a leading global flag group ``(?i)rest`` into ``(?i:rest)`` so the regex can sit
    inside an alternation (Python rejects global flags anywhere but the start)."""
    m = _LEADING_FLAGS.match(regex)
    if not m:
        return f"(?:{regex})"
    return f"(?{m.group(1)}:{regex[m.end() :]})"


def required_literal(regex: str) -> tuple[bytes, bool] | None:
    """The longest run of literal characters every match must contain (top-level sequence
    only: a literal outside any group or repeat is mandatory), with whether the regex is
    case-insensitive; None when there is no run of at least 3 characters to key on."""
    try:
        parsed = _parser.parse(regex)
    except re.error:
        return None
    best, run = "", []
    for op, av in [*parsed, (None, None)]:
        if op is _LITERAL:
            run.append(chr(av))
            continue
        if len(run) > len(best):
            best = "".join(run)
        run = []
    if len(best) < 3:
        return None
    ignorecase = bool(parsed.state.flags & re.IGNORECASE)
    literal = best.encode("utf-8")
    return (literal.lower() if ignorecase else literal), ignorecase


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
class _Compiled:
    name: str
    regex: str
    pattern: re.Pattern[bytes]
    literal: tuple[bytes, bool] | None  # (needle, search the lower-cased text)


@dataclass(slots=True)
class RegexSearcher:
    """Searches file contents for a set of named regexes (one kind: secrets or content)."""

    regexes: dict[str, str]
    max_bytes: int
    _each: list[_Compiled] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._each = []
        for name, regex in self.regexes.items():
            try:
                compiled = re.compile(("^" + _scoped(regex)).encode(), re.MULTILINE)
            except re.error as exc:
                raise ValueError(f"invalid regex {name}={regex!r}: {exc}") from exc
            self._each.append(_Compiled(name, regex, compiled, required_literal(regex)))

    def wants(self, size: int) -> bool:
        return bool(self._each) and size <= self.max_bytes

    def search(self, path: str, data: bytes) -> list[SecretMatch]:
        if not self._each or len(data) > self.max_bytes or looks_binary(data):
            return []
        lowered: bytes | None = None
        matches = []
        for c in self._each:
            if c.literal is not None:
                needle, ignorecase = c.literal
                if ignorecase and lowered is None:
                    lowered = data.lower()
                if needle not in (lowered if ignorecase else data):
                    continue
            lines = _line_numbers(data, c.pattern)
            if lines:
                matches.append(SecretMatch(path=path, name=c.name, regex=c.regex, lines=lines))
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
