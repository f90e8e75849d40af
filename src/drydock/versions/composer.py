"""PHP Composer package versions, normalised as Composer's VersionParser does.

Normalisation: optional ``v``; up to four numeric parts padded to four
(``1.2`` → ``1.2.0.0``) or a date version (``20230101``); an optional stability
modifier (``alpha``/``a``, ``beta``/``b``, ``RC``, ``patch``/``pl``/``p``, with
``stable`` meaning a plain release) with optional numbers; an optional ``-dev``.
Composer then orders normalised strings with PHP's version_compare, under which
``dev < alpha < beta < RC < release < patch`` and a trailing ``-dev`` sorts just
below the same version without it.  That is a fixed-shape order, so the key is
a tuple.  Branch names (``dev-main``) are not orderable and are refused;
numbered branches (``2.x-dev``) become ``2.9999999.9999999.9999999-dev`` as in
Composer.
"""

from __future__ import annotations

import re

from drydock.versions.base import VersionScheme, register_scheme
from drydock.versions.constraint import Clause, Comparator, Predicate
from drydock.versions.errors import InvalidConstraint, InvalidVersion

_MODIFIER = r"[._-]?(?:(?P<stability>stable|beta|b|rc|alpha|a|patch|pl|p)(?P<numbers>(?:[.-]?[0-9]+)*+)?)?(?P<dev>[.-]?dev)?"
_CLASSICAL = re.compile(rf"v?(?P<numeric>[0-9]{{1,5}}(?:\.[0-9]+){{0,3}}){_MODIFIER}", re.IGNORECASE)
_DATE = re.compile(
    rf"v?(?P<numeric>[0-9]{{4}}(?:[.:-]?[0-9]{{2}}){{1,6}}(?:[.:-]?[0-9]{{1,3}}){{0,2}}){_MODIFIER}",
    re.IGNORECASE,
)
_BRANCH = re.compile(
    r"v?([0-9]+)(?:\.([0-9]+|[x*]))?(?:\.([0-9]+|[x*]))?(?:\.([0-9]+|[x*]))?[.-]dev", re.IGNORECASE
)
_METADATA = re.compile(r"[0-9A-Za-z.-]+")
_SINGLE_BAR = re.compile(r"(?<!\|)\|(?!\|)")

_RANK = {"alpha": 1, "a": 1, "beta": 2, "b": 2, "rc": 3, "patch": 5, "pl": 5, "p": 5}
_DEV_ONLY, _RELEASE = 0, 4
_END, _DEV = -1, -2
_BRANCH_FILL = 9999999

ComposerKey = tuple[tuple[int, ...], int, tuple[int, ...]]


def _modifier_key(match: re.Match[str]) -> tuple[int, tuple[int, ...]]:
    stability = (match.group("stability") or "").lower()
    dev = _DEV if match.group("dev") else _END
    numbers = tuple(int(n) for n in re.findall(r"[0-9]+", match.group("numbers") or ""))
    if stability in ("", "stable"):
        return (_DEV_ONLY, ()) if dev == _DEV else (_RELEASE, (_END,))
    return _RANK[stability], (*numbers, dev)


def composer_key(text: str) -> ComposerKey:
    """Normalise like VersionParser::normalize and order like version_compare."""
    version = re.sub(r"@\w+$", "", text.strip())  # stability flags ("@dev") do not change the version
    version = re.sub(r"\s+as\s+\S+$", "", version)  # "1.0.x-dev as 1.0.0" aliases name the left side
    version, _, metadata = version.partition("+")
    if any(c.isspace() for c in version) or (metadata and not _METADATA.fullmatch(metadata)):
        raise InvalidVersion("composer", text, "malformed version or build metadata")
    if version.lower().startswith("dev-"):
        raise InvalidVersion("composer", text, "branch names have no version order")
    for pattern, is_date in ((_CLASSICAL, False), (_DATE, True)):
        match = pattern.fullmatch(version)
        if match is None:
            continue
        numeric = [int(n) for n in re.split(r"[.:-]", match.group("numeric"))]
        if not is_date:
            numeric += [0] * (4 - len(numeric))
        rank, rest = _modifier_key(match)
        return tuple(numeric), rank, rest
    branch = _BRANCH.fullmatch(version)
    if branch:
        parts = [_BRANCH_FILL if p is None or not p.isdigit() else int(p) for p in branch.groups()]
        return tuple(parts), _DEV_ONLY, ()
    raise InvalidVersion("composer", text, "not a Composer version")


_PARTS = re.compile(
    r"v?([0-9]+)(?:\.([0-9]+))?(?:\.([0-9]+))?(?:\.([0-9]+))?(?P<modifier>[._-]?[A-Za-z].*)?", re.IGNORECASE
)
_WILDCARD = re.compile(r"v?([0-9]+)(?:\.([0-9]+))?(?:\.([0-9]+))?\.[x*](?:\.[x*])*", re.IGNORECASE)


def _bumped(parts: list[int], position: int) -> str:
    """VersionParser::manipulateVersionString: increment part ``position`` (1-based), zero the rest."""
    out = [*parts[:position], 0, 0, 0, 0][:4]
    out[position - 1] += 1
    return ".".join(map(str, out)) + "-dev"


class ComposerScheme(VersionScheme):
    """Packagist ordering and VersionParser::parseConstraints operators.

    ``|`` is accepted as OR; ``^``, ``~`` and ``1.2.*`` desugar as Composer does;
    ``<`` and ``>=`` against a plain release bound at its ``-dev`` (so ``< 1.2.3``
    excludes ``1.2.3-beta1``), which is Composer's own reading.
    """

    name = "composer"

    def key(self, text: str) -> ComposerKey:
        return composer_key(text)

    def constraint_clauses(self, text: str) -> tuple[Clause, ...]:
        return super().constraint_clauses(_SINGLE_BAR.sub("||", text))

    def term_predicates(self, op: str, version: str) -> tuple[Predicate, ...]:
        if op in ("^", "~"):
            return self._shorthand(op, version)
        wildcard = _WILDCARD.fullmatch(version)
        if wildcard and op in ("=", "=="):
            parts = [int(p) for p in wildcard.groups() if p is not None]
            low = ".".join(map(str, parts)) + "-dev"
            return (
                Comparator(">=", self.parse(low)),
                Comparator("<", self.parse(_bumped(parts, len(parts)))),
            )
        if op == "<>":
            op = "!="
        if op in ("<", ">=") and self.parse(version).key[1] == _RELEASE and "stable" not in version.lower():
            return (Comparator(op, self.parse(version.split("+")[0] + "-dev")),)
        return super().term_predicates(op, version)

    def _shorthand(self, op: str, version: str) -> tuple[Predicate, ...]:
        match = _PARTS.fullmatch(version.strip())
        if match is None:
            raise InvalidConstraint(self.name, f"{op}{version}", "not a Composer version")
        parts = [int(p) for p in match.groups()[:4] if p is not None]
        low = self.parse(version)
        if low.key[1] == _RELEASE and not match.group("modifier"):
            low = self.parse(".".join(map(str, parts)) + "-dev")
        if op == "~":
            position = max(1, len(parts) - 1)
        elif parts[0] != 0 or len(parts) == 1:
            position = 1
        elif parts[1] != 0 or len(parts) == 2:
            position = 2
        else:
            position = 3
        return (Comparator(">=", low), Comparator("<", self.parse(_bumped(parts, position))))


COMPOSER = register_scheme(ComposerScheme(), "packagist", "php")
