"""Composer normalisation and constraints against composer/semver's VersionParserTest."""

from __future__ import annotations

import itertools

import pytest

from drydock.versions import InvalidVersion, get_scheme

from ._helpers import assert_order

COMPOSER = get_scheme("composer")

# Transcribed from composer/semver tests/VersionParserTest.php successfulNormalizedVersions:
# (input, normalized) — each input must order equal to its normalized form.  ("2010-01-02" is
# left out: its normalized form "2010.01.02" re-parses as the classical 2010.01.02.0.)
NORMALIZED = [
    ("1.0.0", "1.0.0.0"),
    ("1.2.3.4", "1.2.3.4"),
    ("1.0.0RC1dev", "1.0.0.0-RC1-dev"),
    ("1.0.0-rC15-dev", "1.0.0.0-RC15-dev"),
    ("1.0.0.RC.15-dev", "1.0.0.0-RC15-dev"),
    ("1.0.0-rc1", "1.0.0.0-RC1"),
    ("1.0.0.pl3-dev", "1.0.0.0-patch3-dev"),
    ("1.0-dev", "1.0.0.0-dev"),
    ("0", "0.0.0.0"),
    ("10.4.13-beta", "10.4.13.0-beta"),
    ("10.4.13beta2", "10.4.13.0-beta2"),
    ("10.4.13beta.2", "10.4.13.0-beta2"),
    ("10.4.13-b", "10.4.13.0-beta"),
    ("10.4.13-b5", "10.4.13.0-beta5"),
    ("v1.0.0", "1.0.0.0"),
    ("2010.01", "2010.01.0.0"),
    ("2010.01.02", "2010.01.02.0"),
    ("2010.1.555", "2010.1.555.0"),
    ("2010.10.200", "2010.10.200.0"),
    ("v20100102", "20100102"),
    ("2010-01-02.5", "2010.01.02.5"),
    ("20100102-203040", "20100102.203040"),
    ("20150920.0.0", "20150920.0.0"),
    ("20100102203040-10", "20100102203040.10"),
    ("20100102-203040-p1", "20100102.203040-patch1"),
    ("1.x-dev", "1.9999999.9999999.9999999-dev"),
    ("1.0.0-beta.5+foo", "1.0.0.0-beta5"),
    ("1.0.0+foo", "1.0.0.0"),
    ("1.0.0-alpha.3.1+foo", "1.0.0.0-alpha3.1"),
    ("1.0.0-alpha2.1+foo", "1.0.0.0-alpha2.1"),
    ("1.0.0+foo as 2.0", "1.0.0.0"),
]
# failingNormalizedVersions, plus branch names, which have no order.
FAILING = ["", "a", "1.0.0-meh", "1.0.0.0.0", "feature-foo", "1.0.0+foo bar", "dev-master", "dev-feature-foo"]

# Stability order used by Composer (via PHP version_compare).
ORDER = [
    "1.0.0-dev",
    "1.0.0-alpha",
    "1.0.0-alpha2",
    "1.0.0-beta1-dev",
    "1.0.0-beta1",
    "1.0.0-beta2",
    "1.0.0-RC1",
    "1.0.0",
    "1.0.0-patch1",
    "1.0.0.1",
    "1.0.1-dev",
    "1.0.1",
    "1.x-dev",
    "2.0.0",
]


@pytest.mark.parametrize(("text", "normalized"), NORMALIZED)
def test_normalize(text: str, normalized: str) -> None:
    assert_order("composer", text, normalized, 0)


@pytest.mark.parametrize("text", FAILING)
def test_normalize_fails(text: str) -> None:
    with pytest.raises(InvalidVersion):
        COMPOSER.parse(text)


def test_stability_order() -> None:
    for low, high in itertools.pairwise(ORDER):
        assert_order("composer", low, high, -1)


# Transcribed (as membership checks) from VersionParserTest simpleConstraints,
# wildcardConstraints, tildeConstraints and caretConstraints.
@pytest.mark.parametrize(
    ("version", "constraint", "expected"),
    [
        ("1.2.3-beta1", "<1.2.3", False),  # '<1.2.3' is '< 1.2.3.0-dev'
        ("1.2.3-beta1", ">=1.2.3", True),  # '>=1.2.3' is '>= 1.2.3.0-dev'
        ("1.2.3.4-beta", "<1.2.3.4-stable", True),
        ("1.0.0", "<>1.0.0", False),
        ("1.0.1", "!=1.0.0", True),
        ("1.2.3", "==1.2.3", True),
        ("1.2.3", "1.2.3", True),
        ("1.2.3.0-beta5", "1.2.3b5", True),
        ("2.9.9", "v2.*", True),
        ("3.0.0-alpha", "v2.*", False),
        ("2.0.0-dev", "2.0.*", True),
        ("2.1.0", "2.0.*", False),
        ("0.9", "0.x", True),
        ("2.10.5", "2.10.X", True),
        ("2.1.3.9", "2.1.3.*", True),
        ("1.9", "~1.0", True),
        ("2.0", "~1.0", False),
        ("1.0.9", "~1.0.0", True),
        ("1.1.0", "~1.0.0", False),
        ("1.2.3.9", "~1.2.3.4", True),
        ("1.2.4", "~1.2.3.4", False),
        ("1.2.0-alpha", "~1.2-beta", False),
        ("1.9", "~v1", True),
        ("1.9", "^v1", True),
        ("1.0", "^0", False),
        ("0.0.9", "^0.0", True),
        ("0.1.0", "^0.0", False),
        ("1.9.0", "^1.2.3-beta.2", True),
        ("1.2.3-beta1", "^1.2.3-beta.2", False),
        ("0.3.9", "^0.3", True),
        ("0.4.0", "^0.3", False),
        ("0.0.3", "^0.0.3", True),
        ("0.0.4", "^0.0.3", False),
        ("1.5", ">=1.0 <1.1 || >=1.2", True),
        ("1.5", ">=1.0,<1.1 | >=1.6", False),
        ("5.4.1", ">= 5.0.0, < 5.4.2", True),  # GHSA text form
    ],
)
def test_constraints(version: str, constraint: str, expected: bool) -> None:
    assert COMPOSER.satisfies(version, constraint) is expected
