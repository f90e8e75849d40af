"""Hostile and malformed input: every scheme answers quickly with a version or InvalidVersion."""

from __future__ import annotations

import itertools
import time

import pytest

from drydock.versions import InvalidVersion, get_scheme

SCHEMES = [
    "dpkg",
    "rpm",
    "pacman",
    "apk",
    "pep440",
    "semver",
    "npm",
    "go",
    "maven",
    "gem",
    "nuget",
    "composer",
    "generic",
]

# Shapes that make backtracking regular expressions explode (long digit runs
# after a modifier, repeated optional separators) or stress tokenisers.
HOSTILE = [
    "1" * 500,
    "1." * 250,
    "1.0.0-beta" + "1" * 60 + "x",
    "1.0.0-beta" + "1." * 40 + "x",
    "2010" + "01" * 60 + "x",
    "a" * 500,
    "1" + "-" * 400 + "x",
    "1.2.3-" + "a." * 200 + "!",
    "1" + ".0" * 200 + "a" * 50 + "!",
    "v" + "=" * 300 + "1",
    "~" * 500,
    "1" + "_p" * 200,
    "1a" * 250,
    "1.0" + "-1" * 200 + "!",
    "\x00\x01\x02",
    "1.0\u202e",
    "１.２.３",  # full-width digits are not ASCII digits
]


@pytest.mark.parametrize("scheme_name", SCHEMES)
def test_hostile_inputs_are_fast(scheme_name: str) -> None:
    scheme = get_scheme(scheme_name)
    for text in HOSTILE:
        start = time.perf_counter()
        try:
            scheme.key(text)
        except InvalidVersion:
            pass
        assert time.perf_counter() - start < 0.5, (scheme_name, text[:20])


@pytest.mark.parametrize("scheme_name", SCHEMES)
@pytest.mark.parametrize("value", [None, 1, 1.5, b"1.0", ["1.0"]])
def test_non_strings_are_invalid_versions(scheme_name: str, value: object) -> None:
    with pytest.raises(InvalidVersion, match="not a string"):
        get_scheme(scheme_name).parse(value)  # type: ignore[arg-type]


@pytest.mark.parametrize("scheme_name", SCHEMES)
def test_orders_are_consistent_on_a_mixed_sample(scheme_name: str) -> None:
    """compare() is antisymmetric and sorting agrees with pairwise compare (a total order on the sample)."""
    scheme = get_scheme(scheme_name)
    sample = ["1.0", "1.0.1", "2.0", "0.9", "1.10", "1.2", "10.0", "1.0.0.1", "3"]
    parsed = [scheme.parse(s) for s in sample if scheme.is_valid(s)]
    assert len(parsed) >= 5
    ordered = sorted(parsed)
    for low, high in itertools.pairwise(ordered):
        assert scheme.compare(low, high) <= 0
        assert scheme.compare(high, low) >= 0
