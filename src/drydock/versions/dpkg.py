"""Debian package versions: ``[epoch:]upstream[-revision]`` ordered as dpkg does.

The key reproduces lib/dpkg/version.c ``verrevcmp``: each string is a sequence
of (non-digit run, number) pairs.  Non-digit runs compare character by
character with dpkg's ``order()`` weights — ``~`` below everything including the
end of the string, letters below other punctuation — so each run becomes a
tuple of weights terminated by 0, the weight of "end of run".
"""

from __future__ import annotations

import re

from drydock.versions.base import VersionScheme, register_scheme
from drydock.versions.epoch import split_epoch
from drydock.versions.errors import InvalidVersion

_UPSTREAM_OK = re.compile(r"[A-Za-z0-9.+~:-]*")
_REVISION_OK = re.compile(r"[A-Za-z0-9.+~]*")
_RUNS = re.compile(r"([^0-9]*)([0-9]*)")

DpkgPart = tuple[object, ...]


def _weight(char: str) -> int:
    if char == "~":
        return -1
    if char.isascii() and char.isalpha():
        return ord(char)
    return ord(char) + 256


# Validation admits only ASCII, so a table lookup replaces a call per character.
_WEIGHTS = {chr(c): _weight(chr(c)) for c in range(128)}


def _part_key(text: str) -> DpkgPart:
    """Alternate (weights-of-non-digits, number) pairs, closed by an end-of-string run."""
    key: list[object] = []
    for letters, digits in _RUNS.findall(text):
        if not letters and not digits:
            continue
        key.append((*map(_WEIGHTS.__getitem__, letters), 0))
        key.append(int(digits) if digits else 0)
    if not key:
        key = [(0,), 0]  # dpkg compares an absent revision like "0"
    # A string that ended compares as an empty non-digit run against whatever the
    # longer one has left, so "1.0" > "1.0~rc1" but "1.0" < "1.0.1".
    key.append((0,))
    return tuple(key)


def split_dpkg(text: str) -> tuple[int, str, str]:
    """Split and validate ``[epoch:]upstream[-revision]`` following dpkg's parseversion()."""
    epoch, rest = split_epoch(text, "dpkg")
    upstream, sep, revision = rest.rpartition("-")
    if not sep:
        upstream, revision = rest, ""
    if not upstream:
        raise InvalidVersion("dpkg", text, "empty upstream version")
    if not upstream[0].isdigit():
        raise InvalidVersion("dpkg", text, "upstream version must start with a digit")
    if not _UPSTREAM_OK.fullmatch(upstream):
        raise InvalidVersion("dpkg", text, "invalid character in upstream version")
    if not _REVISION_OK.fullmatch(revision):
        raise InvalidVersion("dpkg", text, "invalid character in revision")
    return epoch, upstream, revision


class DpkgScheme(VersionScheme):
    """Debian/Ubuntu ``dpkg --compare-versions`` ordering."""

    name = "dpkg"

    def key(self, text: str) -> tuple[int, DpkgPart, DpkgPart]:
        epoch, upstream, revision = split_dpkg(text)
        return (epoch, _part_key(upstream), _part_key(revision))


DPKG = register_scheme(DpkgScheme(), "deb", "debian")
