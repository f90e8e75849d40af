"""Version parsing, comparison and range matching for every ecosystem Drydock scans.

Usage::

    from drydock.versions import get_scheme, Constraint

    dpkg = get_scheme("dpkg")
    dpkg.compare("1:2.0-1", "2.1-1")          # 1
    dpkg.satisfies("1.2-3", "< 1.2-4")         # True
    Constraint.from_osv_events([{"introduced": "0"}, {"fixed": "1.4"}], "pypi")

Every scheme module registers itself on import; importing this package
imports them all.
"""

from drydock.versions import (  # noqa: F401  (importing a scheme module registers it)
    apk,
    composer,
    dpkg,
    gem,
    generic,
    golang,
    maven,
    npm,
    nuget,
    pacman,
    pep440,
    rpm,
    semver,
)
from drydock.versions.base import (
    OrderedKey,
    Version,
    VersionScheme,
    get_scheme,
    register_scheme,
    scheme_names,
)
from drydock.versions.constraint import Comparator, Constraint, Outside, Predicate
from drydock.versions.errors import InvalidConstraint, InvalidVersion
from drydock.versions.rpm import module_stream, same_module_stream


def compare(scheme: str, a: str | Version, b: str | Version) -> int:
    """Shorthand for ``get_scheme(scheme).compare(a, b)``."""
    return get_scheme(scheme).compare(a, b)


def satisfies(scheme: str, version: str | Version, constraint: str | Constraint) -> bool:
    """Shorthand for ``get_scheme(scheme).satisfies(version, constraint)``."""
    return get_scheme(scheme).satisfies(version, constraint)


__all__ = [
    "Comparator",
    "Constraint",
    "InvalidConstraint",
    "InvalidVersion",
    "OrderedKey",
    "Outside",
    "Predicate",
    "Version",
    "VersionScheme",
    "compare",
    "get_scheme",
    "module_stream",
    "register_scheme",
    "same_module_stream",
    "satisfies",
    "scheme_names",
]
