"""NuGet package versions (NuGet.Versioning) and NuGet interval notation.

``Major.Minor[.Patch[.Revision]][-prerelease][+metadata]``: missing numeric
parts are 0, pre-release labels compare per SemVer 2.0 but *case-insensitively*,
metadata is ignored.  Constraints accept NuGet ranges (``[1.0,2.0)``, ``(,1.0]``,
``[1.0]``) as well as the comparison-operator text GHSA publishes.
"""

from __future__ import annotations

import re

from drydock.versions.base import VersionScheme, register_scheme
from drydock.versions.constraint import Clause, looks_like_interval, parse_intervals
from drydock.versions.errors import InvalidVersion
from drydock.versions.semver import prerelease_key

_IDENTS = r"[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*"
_NUGET = re.compile(
    rf"(?P<release>[0-9]+(?:\.[0-9]+){{0,3}})(?:-(?P<pre>{_IDENTS}))?(?:\+(?P<meta>{_IDENTS}))?"
)

NugetKey = tuple[tuple[int, ...], tuple[object, ...]]


class NugetScheme(VersionScheme):
    """NuGet (.NET) ordering."""

    name = "nuget"

    def key(self, text: str) -> NugetKey:
        match = _NUGET.fullmatch(text.strip())
        if match is None:
            raise InvalidVersion(self.name, text, "not a NuGet version")
        parts = [int(p) for p in match.group("release").split(".")]
        release = tuple(parts + [0] * (4 - len(parts)))
        pre = match.group("pre")
        return release, prerelease_key(pre.lower() if pre else None)

    def constraint_clauses(self, text: str) -> tuple[Clause, ...]:
        if looks_like_interval(text):
            return parse_intervals(text, self)
        return super().constraint_clauses(text)


NUGET = register_scheme(NugetScheme(), "dotnet", ".net")
