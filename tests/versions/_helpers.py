"""Shared helpers for the version-scheme tests."""

from __future__ import annotations

from drydock.versions import get_scheme

SIGN = {"<": -1, "=": 0, ">": 1}


def assert_order(scheme_name: str, a: str, b: str, expected: int) -> None:
    """Check compare(a, b) and its mirror, so an asymmetric bug cannot hide."""
    scheme = get_scheme(scheme_name)
    assert scheme.compare(a, b) == expected, f"{scheme_name}: {a} vs {b}"
    assert scheme.compare(b, a) == -expected, f"{scheme_name}: {b} vs {a}"
