"""rpm and pacman ordering against rpm's and pacman's own test vectors."""

from __future__ import annotations

import pytest

from drydock.versions import InvalidVersion, get_scheme, same_module_stream
from drydock.versions.rpm import rpmvercmp_key

from ._helpers import assert_order

RPM = get_scheme("rpm")

# Transcribed from rpm tests/rpmvercmp.at (RPMVERCMP(a, b, result)).
RPMVERCMP_AT = [
    ("1.0", "1.0", 0),
    ("1.0", "2.0", -1),
    ("2.0.1", "2.0.1", 0),
    ("2.0", "2.0.1", -1),
    ("2.0.1a", "2.0.1a", 0),
    ("2.0.1a", "2.0.1", 1),
    ("5.5p1", "5.5p1", 0),
    ("5.5p1", "5.5p2", -1),
    ("5.5p10", "5.5p10", 0),
    ("5.5p1", "5.5p10", -1),
    ("10xyz", "10.1xyz", -1),
    ("xyz10", "xyz10", 0),
    ("xyz10", "xyz10.1", -1),
    ("xyz.4", "xyz.4", 0),
    ("xyz.4", "8", -1),
    ("xyz.4", "2", -1),
    ("5.5p2", "5.6p1", -1),
    ("5.6p1", "6.5p1", -1),
    ("6.0.rc1", "6.0", 1),
    ("10b2", "10a1", 1),
    ("10a2", "10b2", -1),
    ("1.0aa", "1.0aa", 0),
    ("1.0a", "1.0aa", -1),
    ("10.0001", "10.0001", 0),
    ("10.0001", "10.1", 0),
    ("10.0001", "10.0039", -1),
    ("4.999.9", "5.0", -1),
    ("20101121", "20101121", 0),
    ("20101121", "20101122", -1),
    ("2_0", "2_0", 0),
    ("2.0", "2_0", 0),
    ("a", "a", 0),
    ("a+", "a+", 0),
    ("a+", "a_", 0),
    ("+a", "+a", 0),
    ("+a", "_a", 0),
    ("+_", "+_", 0),
    ("_+", "+_", 0),
    ("+", "_", 0),
    ("1.0~rc1", "1.0~rc1", 0),
    ("1.0~rc1", "1.0", -1),
    ("1.0~rc1", "1.0~rc2", -1),
    ("1.0~rc1~git123", "1.0~rc1~git123", 0),
    ("1.0~rc1~git123", "1.0~rc1", -1),
    # caret semantics (rpm >= 4.15; not in the transcribed file): after the end, before any segment
    ("1.0^", "1.0^", 0),
    ("1.0^", "1.0", 1),
    ("1.0^git1", "1.0^git1", 0),
    ("1.0^git1", "1.0", 1),
    ("1.0^git1", "1.01", -1),
    ("1.0^20160101", "1.0.1", -1),
    ("1.0^20160101^git1", "1.0^20160101", 1),
    ("1.0~rc1^git1", "1.0~rc1", 1),
    ("1.0^git1~pre", "1.0^git1", -1),
    # listed (commented out) in rpmvercmp.at as an oddity: non-ASCII characters are separators
    ("1.1.\u03b1", "1.1.\u03b2", 0),
]


@pytest.mark.parametrize(("a", "b", "expected"), RPMVERCMP_AT)
def test_rpmvercmp(a: str, b: str, expected: int) -> None:
    # rpmvercmp.at tests rpmvercmp() on bare strings, so the key function is checked directly.
    ka, kb = rpmvercmp_key(a), rpmvercmp_key(b)
    assert ((ka > kb) - (ka < kb), (kb > ka) - (kb < ka)) == (expected, -expected)


@pytest.mark.parametrize(
    ("a", "b", "expected"), [v for v in RPMVERCMP_AT if v[0][0].isalnum() and v[1][0].isalnum()]
)
def test_rpmvercmp_as_versions(a: str, b: str, expected: int) -> None:
    assert_order("rpm", a, b, expected)


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("1.0-1", "0:1.0-1", 0),  # missing epoch is 0
        ("1:1.0-1", "2.0-1", 1),
        ("0:1.8.0.131-2.b11.el7_3", "1:1.8.0.131-2.b11.el7_3", -1),
        ("4.9.76-38.79.amzn2", "4.9.76-38.80.amzn2", -1),
        ("8.2.3512-1.amzn2022", "8.2.3512-1.amzn2022", 0),
        ("102.15.1-1.el9_2", "102.15.1-1.el9_0", 1),
        ("2.27-9.el7.1", "2.27-9.el7", 1),
        ("1.18.4-6.el9", "1.18.4-6.el9_1", -1),
        ("1.0", "1.0-1", -1),  # an absent release sorts below any release
    ],
)
def test_evr(a: str, b: str, expected: int) -> None:
    assert_order("rpm", a, b, expected)


@pytest.mark.parametrize(
    ("installed", "fixed", "vulnerable"),
    [
        ("1.18.4-5.el9", "0:1.18.4-6.el9", True),
        ("1.18.4-6.el9", "0:1.18.4-6.el9", False),
        ("1.18.4-6.el9_1", "0:1.18.4-6.el9", False),
        ("1.18.4~rc1-6.el9", "0:1.18.4-6.el9", True),
    ],
)
def test_fixed_boundary(installed: str, fixed: str, vulnerable: bool) -> None:
    assert RPM.satisfies(installed, f"< {fixed}") is vulnerable


@pytest.mark.parametrize("text", ["", " ", "a:1.0-1", "1.0-", ":1.0", "1.0 -1", "+_", "1:..-1"])
def test_invalid(text: str) -> None:
    with pytest.raises(InvalidVersion):
        RPM.parse(text)


@pytest.mark.parametrize(
    ("package", "record", "expected"),
    [
        ("nodejs:18:8090020231019152822:a75119d5", "nodejs:18", True),
        ("nodejs:20:9030020231019152822:a75119d5", "nodejs:18", False),
        ("perl:5.30:8040020200923213406:466ea64f", "perl-IO-Socket-SSL:5.30", False),
        (None, None, True),
        ("", None, True),
        ("nodejs:18:1:2", None, False),
        (None, "nodejs:18", False),
    ],
)
def test_module_stream(package: str | None, record: str | None, expected: bool) -> None:
    assert same_module_stream(package, record) is expected


def test_module_stream_malformed() -> None:
    with pytest.raises(InvalidVersion):
        same_module_stream("nodejs", "nodejs:18")


# Transcribed from pacman test/util/vercmptest.sh (runtest ver1 ver2 expected).
VERCMPTEST_SH = [
    ("1.5.0", "1.5.0", 0),
    ("1.5.1", "1.5.0", 1),
    ("1.5.1", "1.5", 1),
    ("1.5.0-1", "1.5.0-1", 0),
    ("1.5.0-1", "1.5.0-2", -1),
    ("1.5.0-1", "1.5.1-1", -1),
    ("1.5.0-2", "1.5.1-1", -1),
    ("1.5-1", "1.5.1-1", -1),
    ("1.5-2", "1.5.1-1", -1),
    ("1.5-2", "1.5.1-2", -1),
    ("1.5", "1.5-1", 0),
    ("1.5-1", "1.5", 0),
    ("1.1-1", "1.1", 0),
    ("1.0-1", "1.1", -1),
    ("1.1-1", "1.0", 1),
    ("1.5b-1", "1.5-1", -1),
    ("1.5b", "1.5", -1),
    ("1.5b-1", "1.5", -1),
    ("1.5b", "1.5.1", -1),
    ("1.0a", "1.0alpha", -1),
    ("1.0alpha", "1.0b", -1),
    ("1.0b", "1.0beta", -1),
    ("1.0beta", "1.0rc", -1),
    ("1.0rc", "1.0", -1),
    ("1.5.a", "1.5", 1),
    ("1.5.b", "1.5.a", 1),
    ("1.5.1", "1.5.b", 1),
    ("1.5.b-1", "1.5.b", 0),
    ("1.5-1", "1.5.b", -1),
    # epochs and separator lengths (pacman's own vercmp man page)
    ("1:1.0-1", "2.0-1", 1),
    ("1..0", "1.0", 1),
    ("1.0-1", "1.0-2", -1),
]


@pytest.mark.parametrize(("a", "b", "expected"), VERCMPTEST_SH)
def test_pacman_vercmp(a: str, b: str, expected: int) -> None:
    assert_order("pacman", a, b, expected)


def test_pacman_range() -> None:
    assert get_scheme("pacman").satisfies("2.38.1-1", "< 2.38.1-2")
    assert not get_scheme("pacman").satisfies("2.38.1-2", "< 2.38.1-2")
