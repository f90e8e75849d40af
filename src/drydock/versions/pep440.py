"""Python package versions: PEP 440 via ``packaging``, with a stated legacy fallback.

``packaging`` no longer orders non-PEP 440 strings.  Old sdists and some feeds
still carry them (``2004d``, ``1.0-foo-bar``), so they get the rule the removed
``LegacyVersion`` had: every legacy version sorts *below* every valid PEP 440
version, and legacy versions order among themselves by the generic scheme.

Specifier operators ``~=`` and ``==1.4.*`` / ``!=1.4.*`` are supported.  Unlike
pip, pre-releases are not excluded from ranges: a vulnerable ``2.0rc1`` must
match ``< 2.0``.
"""

from __future__ import annotations

from packaging.version import InvalidVersion as PackagingInvalidVersion
from packaging.version import Version as Pep440Version

from drydock.versions.base import Version, VersionScheme, register_scheme
from drydock.versions.constraint import Comparator, Outside, Predicate
from drydock.versions.errors import InvalidConstraint, InvalidVersion
from drydock.versions.generic import generic_key

_LEGACY, _PEP440 = 0, 1


class Pep440Scheme(VersionScheme):
    """PyPI ordering (PEP 440)."""

    name = "pep440"

    def key(self, text: str) -> tuple[int, object]:
        try:
            return (_PEP440, Pep440Version(text))
        except PackagingInvalidVersion:
            pass
        try:
            return (_LEGACY, generic_key(text))
        except InvalidVersion:
            raise InvalidVersion(self.name, text, "neither PEP 440 nor a legacy version") from None

    def term_predicates(self, op: str, version: str) -> tuple[Predicate, ...]:
        if op == "~=":
            return self._compatible(version)
        if version.endswith(".*") and op in ("=", "==", "!="):
            low, high = self._prefix_bounds(version[:-2], version)
            if op == "!=":
                return (Outside(low, high),)
            return (Comparator(">=", low), Comparator("<", high))
        if op == "===":
            return super().term_predicates("=", version)
        return super().term_predicates(op, version)

    def _release(self, version: str, text: str) -> tuple[int, ...]:
        try:
            return Pep440Version(version).release
        except PackagingInvalidVersion:
            raise InvalidConstraint(self.name, text, "operator needs a PEP 440 version") from None

    def _prefix_bounds(self, prefix: str, text: str) -> tuple[Version, Version]:
        """``1.4.*`` is ``[1.4.dev0, 1.5.dev0)``: the lowest version of the prefix up to the next."""
        release = self._release(prefix, text)
        upper = (*release[:-1], release[-1] + 1)
        return (
            self.parse(".".join(map(str, release)) + ".dev0"),
            self.parse(".".join(map(str, upper)) + ".dev0"),
        )

    def _compatible(self, version: str) -> tuple[Predicate, ...]:
        """``~=1.4.2`` is ``>=1.4.2, ==1.4.*``."""
        release = self._release(version, f"~={version}")
        if len(release) < 2:
            raise InvalidConstraint(self.name, f"~={version}", "~= needs at least two release parts")
        prefix = ".".join(map(str, release[:-1]))
        _, high = self._prefix_bounds(prefix, version)
        return (Comparator(">=", self.parse(version)), Comparator("<", high))


PEP440 = register_scheme(Pep440Scheme(), "pypi", "python", "pip")
