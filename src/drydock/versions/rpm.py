"""RPM versions: ``[epoch:]version[-release]`` ordered by rpmvercmp, plus module streams.

rpmvercmp walks alphanumeric segments, ignoring every other separator except
``~`` (sorts before anything, even the end of the string) and ``^`` (sorts after
the end of the string but before any further segment).  Numeric segments beat
alphabetic ones.  Those rules are a lexicographic order over the token ranks
below, so the key is a plain tuple and comparison stays in C.
"""

from __future__ import annotations

import re

from drydock.versions.base import VersionScheme, register_scheme
from drydock.versions.epoch import split_epoch
from drydock.versions.errors import InvalidVersion

_TILDE, _END, _CARET, _ALPHA, _NUMBER = 0, 1, 2, 3, 4
_SEGMENTS = re.compile(r"~|\^|[0-9]+|[A-Za-z]+")
_ALNUM = re.compile(r"[0-9A-Za-z]")
_END_TOKEN = (_END,)
_TILDE_TOKEN = (_TILDE,)
_CARET_TOKEN = (_CARET,)

RpmPart = tuple[tuple[object, ...], ...]


def rpmvercmp_key(text: str) -> RpmPart:
    """Key for one version or release string under rpmvercmp."""
    tokens = [
        _TILDE_TOKEN
        if s == "~"
        else _CARET_TOKEN
        if s == "^"
        else (_NUMBER, int(s))
        if s[0] <= "9"
        else (_ALPHA, s)
        for s in _SEGMENTS.findall(text)
    ]
    tokens.append(_END_TOKEN)
    return tuple(tokens)


def split_evr(text: str, scheme: str = "rpm") -> tuple[int, str, str]:
    """Split ``[epoch:]version[-release]``; a missing epoch is 0."""
    epoch, rest = split_epoch(text, scheme)
    version, sep, release = rest.rpartition("-")
    if not sep:
        version, release = rest, ""
    if not version or ":" in version or not _ALNUM.search(version):
        raise InvalidVersion(scheme, text, "empty or malformed version")
    if sep and not release:
        raise InvalidVersion(scheme, text, "empty release after '-'")
    return epoch, version, release


class RpmScheme(VersionScheme):
    """RHEL/Fedora/SUSE/Amazon Linux ``rpm -q --qf`` EVR ordering."""

    name = "rpm"

    def key(self, text: str) -> tuple[int, RpmPart, RpmPart]:
        epoch, version, release = split_evr(text)
        return (epoch, rpmvercmp_key(version), rpmvercmp_key(release))


def module_stream(label: str | None) -> tuple[str, str] | None:
    """``(name, stream)`` from a modularity label ``name:stream[:version[:context[:arch]]]``.

    Returns None for an empty label (a non-modular package or record).
    """
    if label is None or not label.strip():
        return None
    parts = label.strip().split(":")
    if len(parts) < 2 or not parts[0] or not parts[1]:
        raise InvalidVersion("rpm-module", label, "expected name:stream")
    return parts[0], parts[1]


def same_module_stream(package_label: str | None, record_label: str | None) -> bool:
    """Whether a package's modularity label belongs to the module stream a record targets.

    A module stream is a separate line of builds, so a fix in ``nodejs:18`` says
    nothing about ``nodejs:20``; only identical name and stream match, and a
    modular package never matches a non-modular record or vice versa.
    """
    return module_stream(package_label) == module_stream(record_label)


RPM = register_scheme(RpmScheme(), "redhat", "centos", "fedora", "amazon", "suse")
