"""User-supplied regular expressions, matched with a time limit.

Bundles come from users, and a pattern such as ``(a+)+$`` on a long line backtracks for
minutes. The third-party ``regex`` engine takes a ``timeout`` per call and raises
``TimeoutError`` when it is spent, so patterns run in-process (no worker round-trip per file
or line) while a hostile one can cost at most ``timeout`` seconds per call. Its syntax is a
superset of ``re``, which is what Anchore's bundles were written against.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import regex as _regex  # type: ignore[import-untyped]

DEFAULT_TIMEOUT = 0.25  # seconds per match call
MAX_PATTERN = 4096  # characters; longer "patterns" are data pasted by mistake, or an attack


class InvalidRegex(ValueError):
    """The pattern does not compile; the message says why."""


class RegexTimeout(Exception):
    """A match ran past its time limit; the pattern is treated as not matching."""

    def __init__(self, pattern: str) -> None:
        super().__init__(f"regex {pattern!r} exceeded its {DEFAULT_TIMEOUT}s time limit")
        self.pattern = pattern


@dataclass(frozen=True, slots=True)
class UserRegex:
    pattern: str
    compiled: Any
    timeout: float = DEFAULT_TIMEOUT

    def search(self, text: str) -> bool:
        try:
            return self.compiled.search(text, timeout=self.timeout) is not None
        except TimeoutError:
            raise RegexTimeout(self.pattern) from None

    def fullmatch(self, text: str) -> bool:
        try:
            return self.compiled.fullmatch(text, timeout=self.timeout) is not None
        except TimeoutError:
            raise RegexTimeout(self.pattern) from None

    def match(self, text: str) -> bool:
        try:
            return self.compiled.match(text, timeout=self.timeout) is not None
        except TimeoutError:
            raise RegexTimeout(self.pattern) from None


def compile_user(pattern: str, flags: int = 0, timeout: float = DEFAULT_TIMEOUT) -> UserRegex:
    if len(pattern) > MAX_PATTERN:
        raise InvalidRegex(f"regular expression of {len(pattern)} characters exceeds the {MAX_PATTERN} limit")
    try:
        return UserRegex(pattern, _regex.compile(pattern, flags | _regex.VERSION0), timeout)
    except (_regex.error, TypeError, ValueError, OverflowError, RecursionError) as exc:
        raise InvalidRegex(f"invalid regular expression {pattern!r}: {exc}") from None


MULTILINE = _regex.MULTILINE
IGNORECASE = _regex.IGNORECASE
