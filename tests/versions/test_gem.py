"""RubyGems ordering against test_gem_version.rb, and the ~> operator."""

from __future__ import annotations

import itertools

import pytest

from drydock.versions import InvalidVersion, get_scheme

from ._helpers import assert_order

GEM = get_scheme("gem")

# Transcribed from rubygems test/rubygems/test_gem_version.rb.
SPACESHIP = [
    ("1.0", "1.0.0", 0),
    ("1.0", "1.0.a", 1),
    ("1.8.2", "0.0.0", 1),
    ("1.8.2", "1.8.2.a", 1),
    ("1.8.2.b", "1.8.2.a", 1),
    ("1.8.2.a", "1.8.2", -1),
    ("1.8.2.a10", "1.8.2.a9", 1),
    ("", "0", 0),
]
EQUALS = [
    ("1.2", "1.2"),
    ("1.2.b1", "1.2.b.1"),
    ("1.0", "1.0 "),
    ("1.0", " 1.0 "),
    ("1.0", "1.0\n"),
    ("1.0", "\n1.0\n"),
]
SEMVER_LESS = [
    "1.0.0-alpha",
    "1.0.0-alpha.1",
    "1.0.0-beta.2",
    "1.0.0-beta.11",
    "1.0.0-rc.1",
    "1.0.0-rc.1+build.1",
    "1.0.0",
    "1.0.0+0.3.7",
    "1.3.7+build",
    "1.3.7+build.2.b8f12d7",
    "1.3.7+build.11.e0f985a",
]


@pytest.mark.parametrize(("a", "b", "expected"), SPACESHIP)
def test_spaceship(a: str, b: str, expected: int) -> None:
    assert_order("gem", a, b, expected)


@pytest.mark.parametrize(("a", "b"), EQUALS)
def test_equal(a: str, b: str) -> None:
    assert_order("gem", a, b, 0)


def test_refute_equal() -> None:
    assert GEM.compare("1.2", "1.3") == -1


def test_semver_like_strings() -> None:
    # Gem's test_semver: the "+build" forms are not valid gem versions in current
    # RubyGems, so only the pre-release chain is checked here.
    chain = [v for v in SEMVER_LESS if "+" not in v]
    for low, high in itertools.pairwise(chain):
        assert_order("gem", low, high, -1)


@pytest.mark.parametrize("text", ["junk", "1.0\n2.0", "1..0", "-1"])
def test_invalid(text: str) -> None:
    with pytest.raises(InvalidVersion):
        GEM.parse(text)


@pytest.mark.parametrize(
    ("version", "requirement", "expected"),
    [
        ("1.2.3", "~> 1.2.3", True),
        ("1.2.9", "~> 1.2.3", True),
        ("1.3", "~> 1.2.3", False),
        ("1.2.2", "~> 1.2.3", False),
        ("1.9", "~> 1.2", True),
        ("2.0", "~> 1.2", False),
        ("2.0.a", "~> 1.2", False),  # the release of 2.0.a is 2.0: outside, unlike plain "< 2"
        ("2.0.a", "< 2", True),
        ("5.2.4.3", ">= 5.2.0, < 5.2.4.4", True),  # GHSA text form
        ("6.1.7.1", "~> 6.1.7, >= 6.1.7.1", True),
    ],
)
def test_requirements(version: str, requirement: str, expected: bool) -> None:
    assert GEM.satisfies(version, requirement) is expected
