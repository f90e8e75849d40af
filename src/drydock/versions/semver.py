"""SemVer 2.0 precedence, with the loose input grype and anchore accept.

The key is ``(release, prerelease)``.  ``release`` is the numeric parts with
trailing zeros dropped, so ``1.2`` = ``1.2.0`` and four-part versions like
``1.2.3.4`` order naturally.  ``prerelease`` is ``(1,)`` for a release and
``(0, ids...)`` otherwise, which puts every pre-release below its release;
numeric identifiers ``(0, n)`` sort below alphanumeric ones ``(1, s)`` and a
shorter identifier list sorts first, as SemVer §11 requires.  Build metadata
never affects precedence.
"""

from __future__ import annotations

import re

from drydock.versions.base import VersionScheme, register_scheme
from drydock.versions.constraint import Comparator, Predicate
from drydock.versions.errors import InvalidConstraint, InvalidVersion
from drydock.versions.semver_ranges import caret_bounds, parse_partial, tilde_bounds

_IDENTS = r"[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*"
# Loose form: optional v/= prefix, any number of numeric parts, and a
# pre-release introduced by "-" or, when it starts with a letter, by nothing
# ("1.0.0beta1", as hashicorp/go-version accepts).
_LOOSE = re.compile(
    rf"[vV=]?\s*(?P<release>[0-9]+(?:\.[0-9]+)*)"
    rf"(?:-(?P<pre>{_IDENTS})|(?P<bare>[A-Za-z][0-9A-Za-z-]*(?:\.[0-9A-Za-z-]+)*))?"
    rf"(?:\+(?P<build>{_IDENTS}))?"
)
_STRICT = re.compile(
    r"v?(?P<major>0|[1-9][0-9]*)(?:\.(?P<minor>0|[1-9][0-9]*)(?:\.(?P<patch>0|[1-9][0-9]*)"
    rf"(?:-(?P<pre>{_IDENTS}))?(?:\+(?P<build>{_IDENTS}))?)?)?"
)

SemverKey = tuple[tuple[int, ...], tuple[object, ...]]
RELEASE_MARK = (1,)


def prerelease_key(pre: str | None) -> tuple[object, ...]:
    """Order pre-release identifiers per SemVer §11 (releases get ``(1,)``)."""
    if not pre:
        return RELEASE_MARK
    ids: list[object] = [0]
    for ident in pre.split("."):
        ids.append((0, int(ident)) if ident.isdigit() else (1, ident))
    return tuple(ids)


def release_key(parts: list[int]) -> tuple[int, ...]:
    while len(parts) > 1 and parts[-1] == 0:
        parts.pop()
    return tuple(parts)


def loose_key(text: str, scheme: str) -> SemverKey:
    match = _LOOSE.fullmatch(text.strip())
    if match is None:
        raise InvalidVersion(scheme, text, "not a semantic version")
    release = release_key([int(p) for p in match.group("release").split(".")])
    return release, prerelease_key(match.group("pre") or match.group("bare"))


def strict_key(text: str, scheme: str, allow_shorthand: bool) -> SemverKey:
    """SemVer 2.0 grammar (with Go's ``v1``/``v1.2`` shorthands when allowed)."""
    match = _STRICT.fullmatch(text.strip())
    if match is None or (match.group("patch") is None and not allow_shorthand):
        raise InvalidVersion(scheme, text, "not a valid semantic version")
    pre = match.group("pre")
    if pre and any(i.isdigit() and len(i) > 1 and i[0] == "0" for i in pre.split(".")):
        raise InvalidVersion(scheme, text, "numeric pre-release identifier with a leading zero")
    parts = [int(match.group(g) or 0) for g in ("major", "minor", "patch")]
    return release_key(parts), prerelease_key(pre)


class SemverScheme(VersionScheme):
    """Semantic versions, loosely parsed; also used for cargo and OSV SEMVER ranges."""

    name = "semver"

    def key(self, text: str) -> SemverKey:
        return loose_key(text, self.name)

    def term_predicates(self, op: str, version: str) -> tuple[Predicate, ...]:
        """Adds ``^`` and ``~``/``~>`` (node-semver meaning) to the comparison operators."""
        expand = {"^": caret_bounds, "~": tilde_bounds, "~>": tilde_bounds}.get(op)
        if expand is None:
            return super().term_predicates(op, version)
        partial = parse_partial(version)
        if partial is None:
            raise InvalidConstraint(self.name, f"{op}{version}", "not a partial version")
        return tuple(Comparator(bound_op, self.parse(bound)) for bound_op, bound in expand(partial))


SEMVER = register_scheme(SemverScheme(), "cargo", "rust", "crates.io", "swift", "hex", "pub")
