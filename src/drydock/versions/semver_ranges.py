"""Bounds for the shorthand range operators of the SemVer family (``^``, ``~``, x-ranges).

The functions take a *partial* version — ``(major, minor, patch, prerelease)``
with None for a missing or wildcard part — and return ``(op, version)`` pairs
following node-semver's desugaring.  Upper bounds use the ``-0`` pre-release,
the lowest version with that release number, exactly as node-semver does, so a
pre-release of the next major is outside ``^1.2.3``.
"""

from __future__ import annotations

import re

Partial = tuple[int | None, int | None, int | None, str | None]
Bounds = list[tuple[str, str]]

PARTIAL_PATTERN = (
    r"[v=\s]*(?P<major>[0-9]+|[xX*])"
    r"(?:\.(?P<minor>[0-9]+|[xX*])"
    r"(?:\.(?P<patch>[0-9]+|[xX*])"
    r"(?:-?(?P<pre>[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?"
    r"(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?)?)?"
)
_PARTIAL = re.compile(PARTIAL_PATTERN)


def _number(part: str | None) -> int | None:
    return None if part is None or part in ("x", "X", "*") else int(part)


def parse_partial(text: str) -> Partial | None:
    """Parse ``1``, ``1.2``, ``1.x``, ``v1.2.3-beta+build``; None when ``text`` is not one."""
    match = _PARTIAL.fullmatch(text)
    if match is None:
        return None
    major, minor, patch = (_number(match.group(g)) for g in ("major", "minor", "patch"))
    # Anything after a wildcard is a wildcard too ("1.x.3" means "1.x").
    if major is None:
        minor = None
    if minor is None:
        patch = None
    pre = match.group("pre") if patch is not None else None
    return major, minor, patch, pre


def _full(major: int, minor: int, patch: int, pre: str | None = None) -> str:
    return f"{major}.{minor}.{patch}" + (f"-{pre}" if pre else "")


def _lowest(major: int, minor: int, patch: int) -> str:
    return f"{major}.{minor}.{patch}-0"


def tilde_bounds(p: Partial) -> Bounds:
    """``~1.2.3`` := ``>=1.2.3 <1.3.0-0``; ``~1`` := ``>=1.0.0 <2.0.0-0``."""
    major, minor, patch, pre = p
    if major is None:
        return []
    if minor is None:
        return [(">=", _full(major, 0, 0)), ("<", _lowest(major + 1, 0, 0))]
    return [(">=", _full(major, minor, patch or 0, pre)), ("<", _lowest(major, minor + 1, 0))]


def caret_bounds(p: Partial) -> Bounds:
    """``^`` allows changes that keep the left-most non-zero part."""
    major, minor, patch, pre = p
    if major is None:
        return []
    if minor is None:
        return [(">=", _full(major, 0, 0)), ("<", _lowest(major + 1, 0, 0))]
    low = (">=", _full(major, minor, patch or 0, pre))
    if major > 0:
        return [low, ("<", _lowest(major + 1, 0, 0))]
    if patch is None or minor > 0:
        return [low, ("<", _lowest(0, minor + 1, 0))]
    return [low, ("<", _lowest(0, 0, patch + 1))]


def xrange_bounds(op: str, p: Partial) -> Bounds:
    """A comparison against a partial version (``>1.2`` means ``>=1.3.0``)."""
    major, minor, patch, pre = p
    if major is None:
        return [("<", "0.0.0-0")] if op in ("<", ">") else []
    if patch is not None:
        return [("=" if op in ("", "=") else op, _full(major, minor or 0, patch, pre))]
    if minor is None:
        low, next_low = _full(major, 0, 0), _full(major + 1, 0, 0)
    else:
        low, next_low = _full(major, minor, 0), _full(major, minor + 1, 0)
    if op in ("", "="):
        return [(">=", low), ("<", next_low + "-0")]
    if op == ">":
        return [(">=", next_low)]
    if op == ">=":
        return [(">=", low)]
    if op == "<":
        return [("<", low + "-0")]
    return [("<", next_low + "-0")]  # "<="


def hyphen_bounds(low: Partial, high: Partial) -> Bounds:
    """``1.2 - 2.3`` := ``>=1.2.0 <2.4.0-0``; missing parts widen the range."""
    bounds: Bounds = []
    if low[0] is not None:
        bounds.append((">=", _full(low[0], low[1] or 0, low[2] or 0, low[3])))
    if high[0] is not None:
        if high[2] is not None:
            bounds.append(("<=", _full(high[0], high[1] or 0, high[2], high[3])))
        else:
            bounds.extend(xrange_bounds("<=", high))
    return bounds
