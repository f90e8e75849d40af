"""Go module versions: SemVer with a ``v`` prefix, ``+incompatible`` and pseudo-versions.

Ordering is golang.org/x/mod/semver's: strict SemVer where ``v1`` and ``v1.2``
abbreviate ``v1.0.0`` and ``v1.2.0``, build metadata (including
``+incompatible``) is ignored.  Pseudo-versions need no special case: they are
pre-releases built so that SemVer precedence already orders them —
``vX.0.0-yyyymmddhhmmss-hash`` below ``vX.0.0``, and
``vX.Y.(Z+1)-0.yyyymmddhhmmss-hash`` above ``vX.Y.Z`` and below ``vX.Y.(Z+1)``.
The ``v`` is optional because OSV records for Go omit it.
"""

from __future__ import annotations

import re

from drydock.versions.base import MAX_VERSION_LENGTH, register_scheme
from drydock.versions.semver import SemverKey, SemverScheme, strict_key

# golang.org/x/mod/module pseudo-version shape.
_PSEUDO = re.compile(
    r"v?[0-9]+\.(?:0\.0-|[0-9]+\.[0-9]+-(?:[^+]*\.)?0\.)[0-9]{14}-[A-Za-z0-9]+(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?"
)


def is_pseudo_version(text: str) -> bool:
    """Whether ``text`` is a Go pseudo-version (a commit, not a tagged release)."""
    return len(text) <= MAX_VERSION_LENGTH and _PSEUDO.fullmatch(text.strip()) is not None


class GoScheme(SemverScheme):
    """Go modules (x/mod/semver)."""

    name = "go"

    def key(self, text: str) -> SemverKey:
        return strict_key(text, self.name, allow_shorthand=True)


GO = register_scheme(GoScheme(), "golang", "gomod", "go-module")
