"""Arch Linux versions ordered by libalpm's ``alpm_pkg_vercmp``.

alpm's rpmvercmp is the older RPM algorithm with two differences that make it
not a tuple order: separator *length* matters (``1..0`` > ``1.0``), and a
leftover alphabetic segment loses to the end of string (``1.0a`` < ``1.0``)
while a leftover separator wins (``1.0.a`` > ``1.0``).  The release is compared
only when both sides have one, which is also why equality is not transitive
and the key hashes on the epoch and version alone.
"""

from __future__ import annotations

from drydock.versions.base import OrderedKey, VersionScheme, register_scheme
from drydock.versions.rpm import split_evr


def _isalnum(c: str) -> bool:
    return c.isascii() and c.isalnum()


def _isalpha(c: str) -> bool:
    return c.isascii() and c.isalpha()


def _isdigit(c: str) -> bool:
    return "0" <= c <= "9"


def _span(text: str, start: int, predicate: object) -> int:
    end = start
    while end < len(text) and predicate(text[end]):  # type: ignore[operator]
        end += 1
    return end


def alpm_vercmp(a: str, b: str) -> int:
    """Port of libalpm's rpmvercmp() (lib/libalpm/version.c)."""
    if a == b:
        return 0
    one = two = 0
    while one < len(a) and two < len(b):
        sep_start_a, sep_start_b = one, two
        one = _span(a, one, lambda c: not _isalnum(c))
        two = _span(b, two, lambda c: not _isalnum(c))
        if one >= len(a) or two >= len(b):
            break
        if one - sep_start_a != two - sep_start_b:
            return -1 if one - sep_start_a < two - sep_start_b else 1
        is_num = _isdigit(a[one])
        if is_num:
            end_a = _span(a, one, _isdigit)
            end_b = _span(b, two, _isdigit)
        else:
            end_a = _span(a, one, _isalpha)
            end_b = _span(b, two, _isalpha)
        if end_b == two:
            return 1 if is_num else -1
        seg_a, seg_b = a[one:end_a], b[two:end_b]
        if is_num:
            diff = (int(seg_a) > int(seg_b)) - (int(seg_a) < int(seg_b))
        else:
            diff = (seg_a > seg_b) - (seg_a < seg_b)
        if diff:
            return diff
        one, two = end_a, end_b
    rest_a, rest_b = a[one:], b[two:]
    if not rest_a and not rest_b:
        return 0
    # alpm: a remaining alphabetic segment never beats the end of the other string.
    if (not rest_a and not _isalpha(rest_b[0])) or (rest_a and _isalpha(rest_a[0])):
        return -1
    return 1


class PacmanKey(OrderedKey):
    """Epoch, version and optional release under alpm_pkg_vercmp."""

    __slots__ = ("epoch", "release", "version")

    def __init__(self, epoch: int, version: str, release: str) -> None:
        self.epoch = epoch
        self.version = version
        self.release = release

    def cmp(self, other: PacmanKey) -> int:
        if self.epoch != other.epoch:
            return -1 if self.epoch < other.epoch else 1
        result = alpm_vercmp(self.version, other.version)
        if result == 0 and self.release and other.release:
            result = alpm_vercmp(self.release, other.release)
        return result

    def __hash__(self) -> int:
        return hash(self.epoch)


class PacmanScheme(VersionScheme):
    """Arch Linux ``vercmp`` ordering."""

    name = "pacman"

    def key(self, text: str) -> PacmanKey:
        epoch, version, release = split_evr(text, self.name)
        return PacmanKey(epoch, version, release)


PACMAN = register_scheme(PacmanScheme(), "alpm", "arch")
