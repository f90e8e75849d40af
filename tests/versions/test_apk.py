"""apk ordering against apk-tools' test/version.data."""

from __future__ import annotations

import pytest

from drydock.versions import InvalidVersion, get_scheme

from ._helpers import SIGN, assert_order

APK = get_scheme("apk")

# Transcribed from apk-tools test/version.data ("a <op> b" per line).
VERSION_DATA = """
2.34 > 0.1.0_alpha
0.1.0_alpha = 0.1.0_alpha
0.1.0_alpha < 0.1.3_alpha
0.1.0_alpha2 > 0.1.0_alpha
0.1.0_alpha < 2.2.39-r1
2.2.39-r1 > 1.0.4-r3
1.0.4-r3 < 1.0.4-r4
1.0.4-r4 < 1.6
1.0.2 > 0.7-r1
1.1 > 1.1_alpha1
1.1_alpha1 < 1.2.1
1.2.1 > 1.2
1.2 < 1.3_alpha
1.3_alpha < 1.3_alpha2
1.3_alpha8 > 0.6.0
0.7.0 < 0.8_beta1
0.8_beta1 < 0.8_beta2
0.8_beta4 < 4.8-r1
3.10.18-r1 > 2.3.0b-r1
2.3.0b-r1 < 2.3.0b-r2
2.3.0b-r4 > 0.12.1
0.12.3 > 0.12
0.12 < 0.13_beta1
0.13_beta5 > 0.9.12
2.1.15-r3 > 1.2.11
1.2.11 < 1.2.12.1
1.2.12.1 < 1.2.13
0.2.0-r1 < 3.1_p16
3.1_p16 < 3.1_p17
3.1_p17 > 1.06-r6
1.06-r6 < 006
006 > 1.0.0
1.2.2-r1 > 1.2.2
9.3.4-r2 > 9.3.4
2.16.1-r3 = 2.16.1-r3
1.2.1-r1 < 1.2.2.1
1.0.4 < 2.59
2.59 < 20050718-r1
3.9.8-r5 > 2.01.01_alpha10
2.01.01_alpha10 > 0.94
1.0 > 0.99.3.20040818
1.39 > 1.00_beta2
4.2.52_p2-r1 < 4.2.52_p4-r2
4.2.52_p4-r2 > 1.02.07
1.02.07 < 1.02.10-r1
2.18.3-r10 > 1.05-r18
1.05-r18 < 1.05-r19
2.8 < 2.20.1
20060720 > 3.0.20060720
3.0.20060720 < 20060720
1.4.4-r1 < 2.1.9.200602141850
2.5.1-r8 < 2.5.1a-r1
1.3.5-r10 > 1.3.5-r8
20040401 > 2.0.0_rc3-r1
2.0.0_rc3-r1 > 1.5
0.99.163 < 2.6.15.20060110
3.0.0-r2 < 021109-r3
021109-r3 < 20060512
0.9.16-r1 < 3.9_pre20060124
3.9_pre20060124 > 0.01
1.1.7 < 6b-r7
0.10.0-r1 > 0.10.0
0.10.0 < 0.10.1_rc1
7.0.17 < 7.0.174
2.0.2 > 1.1a
1.1a < 1.3a
1.0-r1 > 0.15.1b
0.15.1b-r2 > 0.15.1b
22.7-r1 < 22.7.3-r1
22.7 > 2.1_pre20
2.1_pre20 < 2.1_pre26
2.10.1 > 02.08.01b
02.08.01b < 4.77
3.81 > 1.6d
1.6d > 1.2.07.8
1.2.07.8 < 1.2.12.04
1.2.12.04 < 1.2.12.05
1.07-r1 < 1.07.5
20061003 > 0.1_pre20060810
0.1_pre20060810 < 0.1_pre20060817
3.3.17 > 0.59s-r11
0.59s-r11 < 0.65
4.20 > 0.20070118
0.20070118 < 0.20070207_rc1
0.20070207_rc1 < 1.0
2.3.30-r2 < 3.7_p1
4.3_p2-r1 < 4.3_p2-r5
4.5_p1-r1 > 4.5_p1
0.9.8c-r1 < 0.9.8d
0.3.1_rc8 < 22.2
1.7 < 1.7b
1.8.5 < 1.8.5_p2
1.4.9-r2 < 2.9.11_pre20051101-r2
2.9.11_pre20051101-r3 > 2.9.11_pre20051101
2.9.11_pre20051101 < 2.9.11_pre20061021-r1
1.6.8_p12-r1 > 1.6.8_p9-r2
1.4_p12-r2 < 1.4_p12-r5
0.9.28-r2 < 0.9.28.1
0.9.28.1 < 087-r1
104-r11 > 104-r9
5.52-r1 > 1.2.5_rc2
20040406-r1 > 2.12r-r4
2.12r-r4 < 2.12r-r5
1.1.1-r3 > 0.3.4_pre20061029
1.3-r0 < 1.3.1-r0
1.3_pre1-r1 < 1.3.2
1.0_p10-r0 > 1.0_p9-r0
0.1.0_alpha_pre2 < 0.1.0_alpha
1.0.0_pre20191002222144-r0 < 1.0.0_pre20210530193627-r0
6.0_pre1 < 6.0
6.1_pre1 < 6.1
6.0_p1 > 6.0
6.1_p1 > 6.1
"""

VECTORS = [tuple(line.split()) for line in VERSION_DATA.strip().splitlines()]


@pytest.mark.parametrize(("a", "op", "b"), VECTORS)
def test_version_data(a: str, op: str, b: str) -> None:
    assert_order("apk", a, b, SIGN[op])


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("1.2.3-r0", "1.2.3", 1),
        ("1.2.3_git20230101-r0", "1.2.3-r0", 1),
        ("1.2.3~abc123-r1", "1.2.3-r1", 1),  # an extra token that comes earlier in the grammar wins
        ("1.2.3~abc123-r1", "1.2.3~abd000-r1", -1),
        ("1.0_rc1", "1.0_beta9", 1),
        ("1.0_cvs1", "1.0_svn1", -1),
        ("1.0_p1", "1.0_hg1", 1),
        ("1.01", "1.1", -1),  # a leading zero compares as a string
        ("1.0", "1.00", -1),
    ],
)
def test_suffixes_and_hashes(a: str, b: str, expected: int) -> None:
    assert_order("apk", a, b, expected)


# version.data also lists "1.0 < 1.0bc" and "23_foo > 4_beta", flagged there as
# invalid versions; the matcher must not guess about them, so they are refused.
@pytest.mark.parametrize(
    "text",
    ["1.0bc", "23_foo", "", "abc", "1.0-r", "1.0-1", "1.0.", "1.0_alpha.1", "1..0", "1.0-r1-r2", "1.0 "],
)
def test_invalid(text: str) -> None:
    if text == "1.0 ":
        assert APK.compare(text, "1.0") == 0  # surrounding whitespace is trimmed
        return
    with pytest.raises(InvalidVersion):
        APK.parse(text)


@pytest.mark.parametrize(
    ("installed", "fixed", "vulnerable"),
    [
        ("3.0.7-r0", "3.0.8-r0", True),
        ("3.0.8-r0", "3.0.8-r0", False),
        ("3.0.8-r1", "3.0.8-r0", False),
        ("3.0.8_rc1-r0", "3.0.8-r0", True),
        ("9.18.10-r0", "9.18.10-r0", False),
    ],
)
def test_fixed_boundary(installed: str, fixed: str, vulnerable: bool) -> None:
    assert APK.satisfies(installed, f"< {fixed}") is vulnerable
