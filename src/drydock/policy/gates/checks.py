"""Comparisons shared by the gates whose rules say ``check`` + ``value`` (dockerfile
instruction, metadata attribute), and version ordering by package type."""

from __future__ import annotations

from functools import lru_cache

from drydock.policy.gates.base import COMPARISONS, parse_csv
from drydock.policy.regex import InvalidRegex, UserRegex, compile_user
from drydock.versions import InvalidVersion, get_scheme

VALUE_CHECKS = ("=", "!=", ">", "<", ">=", "<=", "exists", "not_exists", "like", "not_like", "in", "not_in")
NEEDS_VALUE = frozenset({"=", "!=", ">", "<", ">=", "<=", "like", "not_like", "in", "not_in"})
_SCHEMES = {
    "deb": "dpkg",
    "apk": "apk",
    "rpm": "rpm",
    "npm": "npm",
    "gem": "gem",
    "python": "pep440",
    "java-archive": "maven",
}


@lru_cache(maxsize=256)
def _like(pattern: str) -> UserRegex:
    return compile_user(pattern)


def value_problems(check: str | None, value: str | None) -> list[str]:
    """Validation of a check/value pair: a value where one is needed, a regex that compiles."""
    if check in NEEDS_VALUE and value is None:
        return [f"check '{check}' requires the 'value' parameter"]
    if check in ("like", "not_like") and value is not None:
        try:
            _like(value)
        except InvalidRegex as exc:
            return [str(exc)]
    return []


def _as_number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def check_value(check: str, actual: str | None, value: str | None) -> bool:
    """Whether ``actual`` (None: absent) satisfies ``check`` against ``value``. Ordering
    checks compare numerically when both sides are numbers, else as strings."""
    if check == "exists":
        return actual is not None
    if check == "not_exists":
        return actual is None
    if actual is None or value is None:
        return False
    if check == "like":
        return _like(value).search(actual)
    if check == "not_like":
        return not _like(value).search(actual)
    if check == "in":
        return actual in parse_csv(value)
    if check == "not_in":
        return actual not in parse_csv(value)
    a, b = _as_number(actual), _as_number(value)
    if a is not None and b is not None:
        return COMPARISONS[check](a, b)
    return COMPARISONS[check](actual, value)


def version_at_least(package_type: str, version: str, minimum: str) -> bool:
    """``version >= minimum`` by the package type's scheme; unreadable versions compare as
    not satisfying (a required minimum is not proven met)."""
    scheme = get_scheme(_SCHEMES.get(package_type, "generic"))
    try:
        return scheme.compare(version, minimum) >= 0
    except (InvalidVersion, ValueError):
        return False
