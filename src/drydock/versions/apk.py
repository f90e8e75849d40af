"""Alpine package versions ordered as apk-tools does.

Grammar (Gentoo-derived): ``digit{.digit}...{letter}{_suffix{number}}...{~hash}{-rN}``.
apk compares token by token: equal-type tokens by value, and at the first
position where the token *types* differ the version whose next token comes
earlier in the grammar is greater — except a pre-release suffix (``_alpha``,
``_beta``, ``_pre``, ``_rc``), which is lower than anything, even the end.
Encoding each token as ``(rank, value)`` turns that into a tuple order.

A digit run with a leading zero compares as a string (``1.01`` < ``1.1``), as
in apk-tools since its leading-zero fix; such values sort below numbers.
"""

from __future__ import annotations

import re

from drydock.versions.base import VersionScheme, register_scheme
from drydock.versions.errors import InvalidVersion

# Token types in grammar order; a lower type sorts higher when types differ.
_INITIAL, _DIGIT, _LETTER, _SUFFIX, _SUFFIX_NO, _HASH, _REVISION, _END = range(8)
_PRE_SUFFIX_RANK = -100

# Suffix values: pre-releases are negative, post-releases positive.
SUFFIX_VALUES = {"alpha": -4, "beta": -3, "pre": -2, "rc": -1, "cvs": 1, "svn": 2, "git": 3, "hg": 4, "p": 5}

_DIGITS = re.compile(r"[0-9]+")
_SUFFIX_NAME = re.compile(r"[a-z]*")
_HEX = re.compile(r"[0-9a-f]*")

ApkToken = tuple[int, object]


def _digit_value(digits: str) -> tuple[int, object]:
    return (0, digits) if digits[0] == "0" else (1, int(digits))


class _Tokenizer:
    """Walks a version string with apk-tools' token_next() state machine."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.type = _INITIAL

    def fail(self, reason: str) -> InvalidVersion:
        return InvalidVersion("apk", self.text, f"{reason} at offset {self.pos}")

    def digits(self) -> str:
        match = _DIGITS.match(self.text, self.pos)
        if match is None:
            raise self.fail("expected digits")
        self.pos = match.end()
        return match.group()

    def tokens(self) -> list[ApkToken]:
        out: list[ApkToken] = [(-_INITIAL, int(self.digits()))]
        text = self.text
        while self.pos < len(text):
            char = text[self.pos]
            if "a" <= char <= "z":
                if self.type > _DIGIT:
                    raise self.fail("letter not allowed here")
                self.type = _LETTER
                self.pos += 1
                out.append((-_LETTER, char))
            elif char == "." or "0" <= char <= "9":
                if char == ".":
                    if self.type > _DIGIT:
                        raise self.fail("'.' not allowed here")
                    self.pos += 1
                if self.type > _SUFFIX:
                    raise self.fail("digits not allowed here")
                if self.type == _SUFFIX:
                    self.type = _SUFFIX_NO
                    out.append((-_SUFFIX_NO, int(self.digits())))
                else:
                    self.type = _DIGIT
                    out.append((-_DIGIT, _digit_value(self.digits())))
            elif char == "_":
                if self.type > _SUFFIX_NO:
                    raise self.fail("suffix not allowed here")
                match = _SUFFIX_NAME.match(text, self.pos + 1)
                value = SUFFIX_VALUES.get(match.group()) if match else None
                if value is None:
                    raise self.fail("unknown suffix")
                self.type = _SUFFIX
                self.pos = match.end()  # type: ignore[union-attr]
                out.append((_PRE_SUFFIX_RANK if value < 0 else -_SUFFIX, value))
            elif char == "~":
                if self.type >= _HASH:
                    raise self.fail("commit hash not allowed here")
                match = _HEX.match(text, self.pos + 1)
                self.type = _HASH
                self.pos = match.end()  # type: ignore[union-attr]
                out.append((-_HASH, match.group()))  # type: ignore[union-attr]
            elif char == "-":
                if self.type >= _REVISION or not text.startswith("-r", self.pos):
                    raise self.fail("expected -rN revision")
                self.type = _REVISION
                self.pos += 2
                out.append((-_REVISION, int(self.digits())))
            else:
                raise self.fail(f"unexpected character {char!r}")
        out.append((-_END, 0))
        return out


class ApkScheme(VersionScheme):
    """Alpine/Wolfi/Chainguard ``apk version -t`` ordering."""

    name = "apk"

    def key(self, text: str) -> tuple[ApkToken, ...]:
        stripped = text.strip()
        if not stripped:
            raise InvalidVersion(self.name, text, "empty version")
        return tuple(_Tokenizer(stripped).tokens())


APK = register_scheme(ApkScheme(), "alpine", "wolfi", "chainguard")
