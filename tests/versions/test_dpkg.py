"""dpkg ordering, checked against dpkg's own test suite and Debian policy examples."""

from __future__ import annotations

import pytest

from drydock.versions import InvalidVersion, get_scheme

from ._helpers import assert_order

DPKG = get_scheme("dpkg")

# Transcribed from dpkg lib/dpkg/t/t-version.c (test_version_compare / test_version_parse).
T_VERSION_EQUAL = [
    ("0", "0:0"),
    ("0", "0:0-"),
    ("0:0-0", "0-0"),
    ("0:0.0-0.0", "0.0-0.0"),
    ("1:0", "1:0-"),
    ("5:1", "5:1-"),
    ("0:0-0-0", "0-0-0"),
    ("0:0:0-0", "0:0:0-0"),
    ("0:0-00", "0:00-0"),
    ("1:2-3", "1:2-3"),
    ("0:09azAZ.-+~:-0", "0:09azAZ.-+~:-0"),
    ("0:0-azAZ09.+~", "0:0-azAZ09.+~"),
    ("  \t0:0-1", "0:0-1"),
    ("0:0-1\t  ", "0:0-1"),
]
T_VERSION_ORDER = [
    ("0:0-0", "1:0-0", -1),
    ("0:1a-0", "0:1b-0", -1),
    ("0:0-a", "0:0-b", -1),
    ("0:1-1", "0:2-1", -1),
    ("0:1-1", "0:1-2", -1),
    ("0:2-1", "0:1-1", 1),
]
T_VERSION_INVALID = [
    "",
    "  ",
    "0:",
    "0:0 0-1",
    "-1:0-1",
    "999999999999999999999999:0-1",
    "a:0-0",
    "A:0-0",
    "-0",
    "0:-0",
    "0:abc3-0",
    "0:0-0:0",
    *(f"0:0{c}-0" for c in "!#@$%&/|\\<>()[]{};,_=*^'"),
    *(f"0:0-{c}" for c in "!#@$%&/|\\<>()[]{}:;,_=*^'"),
]

# Debian policy 5.6.12 and dpkg --compare-versions behaviour around tildes,
# epochs and revisions (the cases vulnerability matching depends on).
POLICY_ORDER = [
    ("1.0~rc1", "1.0", -1),
    ("1.0~~", "1.0~~a", -1),
    ("1.0~~a", "1.0~", -1),
    ("1.0~", "1.0", -1),
    ("1.0", "1.0a", -1),
    ("1.0a", "1.0+", -1),
    ("1.0+", "1.0.1", -1),
    ("1.0", "1.0-0", 0),
    ("1.0", "1.0.0", -1),
    ("1:0.9", "2.0", 1),
    ("2:1.0", "1:9.9", 1),
    ("1.2.3-1", "1.2.3-1+deb10u1", -1),
    ("1.2.3-1+deb10u1", "1.2.3-1+deb10u2", -1),
    ("1.2.3-1+deb10u2", "1.2.3-2", -1),
    ("2.30-1ubuntu1", "2.30-1ubuntu1.1", -1),
    ("2.30-1ubuntu1~18.04", "2.30-1ubuntu1", -1),
    ("7.58.0-2ubuntu3.24", "7.58.0-2ubuntu3.3", 1),
    ("1.1.1n-0+deb11u5", "1.1.1n-0+deb11u4", 1),
    ("1.1.1n-0+deb11u5", "1.1.1w-0+deb11u1", -1),
    ("9.18.28-1~deb12u2", "9.18.28-1", -1),
    ("0.10", "0.9", 1),
    ("1.002", "1.2", 0),
    ("1a", "1a0", 0),
]


@pytest.mark.parametrize(("a", "b"), T_VERSION_EQUAL)
def test_t_version_equal(a: str, b: str) -> None:
    assert_order("dpkg", a, b, 0)


@pytest.mark.parametrize(("a", "b", "expected"), T_VERSION_ORDER + POLICY_ORDER)
def test_order(a: str, b: str, expected: int) -> None:
    assert_order("dpkg", a, b, expected)


@pytest.mark.parametrize("text", T_VERSION_INVALID)
def test_invalid(text: str) -> None:
    with pytest.raises(InvalidVersion):
        DPKG.parse(text)


@pytest.mark.parametrize(
    ("installed", "fixed", "vulnerable"),
    [
        ("1.2.3-1", "1.2.3-2", True),  # below the fix
        ("1.2.3-2", "1.2.3-2", False),  # at the fix
        ("1.2.3-2+b1", "1.2.3-2", False),  # binNMU above the fix
        ("1:1.2.3-1", "1.2.3-2", False),  # epoch beats everything
        ("1.2.3-2~bpo10+1", "1.2.3-2", True),  # backport tilde sorts below
    ],
)
def test_fixed_boundary(installed: str, fixed: str, vulnerable: bool) -> None:
    assert DPKG.satisfies(installed, f"< {fixed}") is vulnerable
