"""Fallback ordering for versions with no declared ecosystem (NVD CPE ranges).

NVD ranges come from every kind of project, so the rule has to be predictable
rather than clever:

* the string splits into numeric and alphabetic runs; any other character
  separates runs and is otherwise ignored, case is ignored;
* numbers beat words, and zero numbers that end the numeric part are dropped
  (``1.0`` = ``1``, ``2.0-rc1`` = ``2-rc1``);
* a word that names a pre-release (dev, alpha, beta, pre, preview, rc, cr,
  milestone, snapshot) sorts *before* the end of the string, so ``2.0-rc1``
  < ``2.0``; the abbreviations a, b and m count only when a number follows
  (``2.0b3``), because a lone trailing letter is a letter release;
* any other word sorts *after* the end of the string, so OpenSSL-style letter
  releases order naturally: ``1.0.2`` < ``1.0.2j`` < ``1.0.2k`` < ``1.0.3``.
"""

from __future__ import annotations

import re

from drydock.versions.base import VersionScheme, register_scheme
from drydock.versions.errors import InvalidVersion

_PRE_WORDS = {
    "dev": 0,
    "snapshot": 0,
    "alpha": 1,
    "beta": 2,
    "milestone": 3,
    "pre": 4,
    "preview": 4,
    "rc": 5,
    "cr": 5,
}
_ABBREVIATIONS = {"a": 1, "b": 2, "m": 3}
_PRE, _END, _WORD, _NUMBER = 0, 1, 2, 3
_RUNS = re.compile(r"[0-9]+|[a-z]+")
# CPE's "any" and "not applicable" values are wildcards, not versions.
_NOT_VERSIONS = frozenset({"*", "-", "", "na", "n/a"})

GenericKey = tuple[tuple[int, object], ...]


def generic_key(text: str) -> GenericKey:
    """Key under the fallback rule; InvalidVersion when nothing orderable remains."""
    lowered = text.strip().lower()
    if lowered in _NOT_VERSIONS:
        raise InvalidVersion("generic", text, "a CPE wildcard is not a version")
    runs = _RUNS.findall(lowered)
    if not runs:
        raise InvalidVersion("generic", text, "no digits or letters")
    tokens: list[tuple[int, object]] = []
    zeros = 0
    for index, run in enumerate(runs):
        if run[0].isdigit():
            number = int(run)
            if number == 0:
                zeros += 1
                continue
            tokens.extend([(_NUMBER, 0)] * zeros)
            zeros = 0
            tokens.append((_NUMBER, number))
            continue
        zeros = 0
        if run in _PRE_WORDS:
            tokens.append((_PRE, _PRE_WORDS[run]))
        elif run in _ABBREVIATIONS and index + 1 < len(runs) and runs[index + 1][0].isdigit():
            tokens.append((_PRE, _ABBREVIATIONS[run]))
        else:
            tokens.append((_WORD, run))
    tokens.append((_END, 0))
    return tuple(tokens)


class GenericScheme(VersionScheme):
    """Ecosystem-neutral ordering used for NVD CPE configurations and unknown formats."""

    name = "generic"

    def key(self, text: str) -> GenericKey:
        return generic_key(text)


GENERIC = register_scheme(GenericScheme(), "cpe", "nvd", "unknown")
