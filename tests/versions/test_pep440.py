"""PEP 440 ordering (packaging's own vectors) and the legacy fallback rule."""

from __future__ import annotations

import itertools

import pytest

from drydock.versions import InvalidConstraint, InvalidVersion, get_scheme

from ._helpers import assert_order

PEP440 = get_scheme("pep440")

# Transcribed from pypa/packaging tests/test_version.py: VERSIONS "must be in the correct sorting order".
PACKAGING_VERSIONS = [
    "1.0.dev0",
    "1.0.dev456",
    "1.0.dev456+local",
    "1.0a0",
    "1.0a0.post0.dev0",
    "1.0a0.post0",
    "1.0a1.dev1",
    "1.0a1.dev1+local",
    "1.0a1",
    "1.0a1+local",
    "1.0b0",
    "1.0b1.dev456",
    "1.0b2",
    "1.0b2.post345.dev456",
    "1.0b2.post345",
    "1.0b2-346",
    "1.0rc0",
    "1.0rc1.dev1",
    "1.0c1",
    "1.0rc2",
    "1.0",
    "1.0.post0.dev0",
    "1.0.post0",
    "1.0.post456.dev34",
    "1.0.post456",
    "1.0.post456+local",
    "1.0.1.dev1",
    "1.0.1a1",
    "1.0.1",
    "1.0.1+local",
    "1.0.1.post1",
    "1.1.dev1",
    "1.2+a",
    "1.2+abc",
    "1.2+abcdef",
    "1.2+def",
    "1.2+0",
    "1.2+1",
    "1.2+1.abc",
    "1.2+1.1",
    "1.2+1.1.0",
    "1.2+2",
    "1.2+123",
    "1.2+123456",
    "1.2.r32+123456",
    "1.2.rev33+123456",
    "1!1.0.dev0",
    "1!1.0a1",
    "1!1.0rc1.dev1",
    "1!1.0",
    "1!1.0.post456",
    "1!1.0.1",
    "1!1.2+123456",
]


def test_packaging_sort_order() -> None:
    for low, high in itertools.pairwise(PACKAGING_VERSIONS):
        assert_order("pep440", low, high, -1)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("1.0rc1", "1.0c1"),
        ("1.01", "1.1"),
        ("1.0-5", "1.0.post5"),
        ("v1.0", "1.0"),
        ("1.0DEV", "1.0.dev0"),
        ("1.0-ALPHA1", "1.0a1"),
        ("00!1.2", "1.2"),
        ("1.0", "1.0.0"),
    ],
)
def test_normalized_equal(a: str, b: str) -> None:
    assert_order("pep440", a, b, 0)


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("2004d", "0.1", -1),  # every legacy version sorts below every PEP 440 version
        ("1.0-foo-bar", "0.0.1", -1),
        ("2004e", "2004d", 1),  # legacy versions order among themselves by the generic rule
        ("french toast", "0.1", -1),
    ],
)
def test_legacy_fallback(a: str, b: str, expected: int) -> None:
    assert_order("pep440", a, b, expected)


@pytest.mark.parametrize("text", ["", "   ", "...", "+"])
def test_invalid(text: str) -> None:
    with pytest.raises(InvalidVersion):
        PEP440.parse(text)


@pytest.mark.parametrize(
    ("version", "spec", "expected"),
    [
        ("2.0rc1", "< 2.0", True),  # unlike pip, pre-releases are inside ranges
        ("2.0", "< 2.0", False),
        ("1.4.5", "~=1.4.2", True),
        ("1.5.0", "~=1.4.2", False),
        ("1.9", "~=1.4", True),
        ("2.0", "~=1.4", False),
        ("1.4.0rc1", "==1.4.*", True),
        ("1.5", "==1.4.*", False),
        ("1.4.9", "!=1.4.*", False),
        ("1.3", "!=1.4.*", True),
        ("2.0.0b1", ">= 2.0, < 2.0.0b2", False),  # GHSA-style range from the shared feeds
        ("2.0.0b1", ">= 2.0a1, < 2.0.0b2", True),
    ],
)
def test_specifiers(version: str, spec: str, expected: bool) -> None:
    assert PEP440.satisfies(version, spec) is expected


def test_compatible_needs_two_parts() -> None:
    with pytest.raises(InvalidConstraint):
        PEP440.satisfies("1.0", "~=1")
