"""NuGet ordering (NuGet.Versioning tests) and interval notation."""

from __future__ import annotations

import pytest

from drydock.versions import InvalidConstraint, InvalidVersion, get_scheme

from ._helpers import assert_order

NUGET = get_scheme("nuget")

# Transcribed from NuGet.Client test/NuGet.Core.Tests/NuGet.Versioning.Test/VersionComparerTests.cs.
DEFAULT_EQUAL = [
    ("1.0.0", "1.0.0"),
    ("1.0.0-BETA", "1.0.0-beta"),
    ("1.0.0-BETA+AA", "1.0.0-beta+aa"),
    ("1.0.0-BETA.X.y.5.77.0+AA", "1.0.0-beta.x.y.5.77.0+aa"),
]
DEFAULT_LESS = [
    ("0.0.0", "1.0.0"),
    ("1.0.0", "1.1.0"),
    ("1.0.0", "1.0.1"),
    ("1.999.9999", "2.1.1"),
    ("1.0.0-BETA", "1.0.0-beta2"),
    ("1.0.0-beta+AA", "1.0.0+aa"),
    ("1.0.0-BETA", "1.0.0-beta.1+AA"),
    ("1.0.0-BETA.X.y.5.77.0+AA", "1.0.0-beta.x.y.5.79.0+aa"),
    ("1.0.0-BETA.X.y.5.79.0+AA", "1.0.0-beta.x.y.5.790.0+abc"),
]
FOUR_PART = [
    ("1.0.0.0", "1.0.0", 0),
    ("1.0", "1.0.0.0", 0),
    ("1.0.0.1", "1.0.0", 1),
    ("1.0.0.1-beta", "1.0.0.1", -1),
    ("4.7.0.1", "4.7.1", -1),
    ("1.01", "1.1", 0),
]


@pytest.mark.parametrize(("a", "b"), DEFAULT_EQUAL)
def test_default_equal(a: str, b: str) -> None:
    assert_order("nuget", a, b, 0)


@pytest.mark.parametrize(("a", "b"), DEFAULT_LESS)
def test_default_less(a: str, b: str) -> None:
    assert_order("nuget", a, b, -1)


@pytest.mark.parametrize(("a", "b", "expected"), FOUR_PART)
def test_four_part(a: str, b: str, expected: int) -> None:
    assert_order("nuget", a, b, expected)


@pytest.mark.parametrize(
    ("version", "rng", "expected"),
    [
        ("1.0", "[1.0,2.0)", True),
        ("2.0", "[1.0,2.0)", False),
        ("2.0", "[1.0,2.0]", True),
        ("1.0", "(1.0,2.0)", False),
        ("1.5", "(1.0,)", True),
        ("0.9", "(,1.0]", True),
        ("1.0", "(,1.0)", False),
        ("1.0", "[1.0]", True),
        ("1.0.1", "[1.0]", False),
        ("2.0.0-preview1", "[1.0,2.0)", True),
        ("4.0.0", ">= 3.0.0, < 4.0.0", False),
        ("3.9.9", ">= 3.0.0, < 4.0.0", True),
    ],
)
def test_ranges(version: str, rng: str, expected: bool) -> None:
    assert NUGET.satisfies(version, rng) is expected


@pytest.mark.parametrize("rng", ["(1.0)", "[1.0", "[2.0,1.0]", "[,]", "(,1.0"])
def test_bad_ranges(rng: str) -> None:
    with pytest.raises(InvalidConstraint):
        NUGET.satisfies("1.0", rng)


@pytest.mark.parametrize("text", ["", "1.0.0.0.0", "a.b", "1.0-", "1.0+", "v1.0"])
def test_invalid(text: str) -> None:
    with pytest.raises(InvalidVersion):
        NUGET.parse(text)
