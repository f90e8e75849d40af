"""Maven ComparableVersion ordering against Maven's ComparableVersionTest."""

from __future__ import annotations

import pytest

from drydock.versions import InvalidConstraint, InvalidVersion, get_scheme

from ._helpers import assert_order

MAVEN = get_scheme("maven")

# Transcribed from apache/maven maven-artifact/src/test/java/org/apache/maven/
# artifact/versioning/ComparableVersionTest.java (JUnit 5 revision; lists in increasing order).
VERSIONS_QUALIFIER = [
    "1-alpha2snapshot",
    "1-alpha2",
    "1-alpha-123",
    "1-beta-2",
    "1-beta123",
    "1-m2",
    "1-m11",
    "1-rc",
    "1-cr2",
    "1-rc123",
    "1-SNAPSHOT",
    "1",
    "1-sp",
    "1-sp2",
    "1-sp123",
    "1-abc",
    "1-def",
    "1-pom-1",
    "1-1-snapshot",
    "1-1",
    "1-2",
    "1-123",
]
VERSIONS_NUMBER = [
    "2.0",
    "2-1",
    "2.0.a",
    "2.0.0.a",
    "2.0.2",
    "2.0.123",
    "2.1.0",
    "2.1-a",
    "2.1b",
    "2.1-c",
    "2.1-1",
    "2.1.0.1",
    "2.2",
    "2.123",
    "11.a2",
    "11.a11",
    "11.b2",
    "11.b11",
    "11.m2",
    "11.m11",
    "11",
    "11.a",
    "11b",
    "11c",
    "11m",
]
VERSIONS_EQUAL = [
    ("1", "1"),
    ("1", "1.0"),
    ("1", "1.0.0"),
    ("1.0", "1.0.0"),
    ("1", "1-0"),
    ("1", "1.0-0"),
    ("1.0", "1.0-0"),
    ("1a", "1-a"),
    ("1a", "1.0-a"),
    ("1a", "1.0.0-a"),
    ("1.0a", "1-a"),
    ("1.0.0a", "1-a"),
    ("1x", "1-x"),
    ("1x", "1.0-x"),
    ("1x", "1.0.0-x"),
    ("1.0x", "1-x"),
    ("1.0.0x", "1-x"),
    ("1ga", "1"),
    ("1release", "1"),
    ("1final", "1"),
    ("1cr", "1rc"),
    ("1a1", "1-alpha-1"),
    ("1b2", "1-beta-2"),
    ("1m3", "1-milestone-3"),
    ("1X", "1x"),
    ("1A", "1a"),
    ("1B", "1b"),
    ("1M", "1m"),
    ("1Ga", "1"),
    ("1GA", "1"),
    ("1RELEASE", "1"),
    ("1RELeaSE", "1"),
    ("1Final", "1"),
    ("1FinaL", "1"),
    ("1FINAL", "1"),
    ("1Cr", "1Rc"),
    ("1cR", "1rC"),
    ("1m3", "1Milestone3"),
    ("1m3", "1MileStone3"),
    ("1m3", "1MILESTONE3"),
    ("1-abcdefghijklmnopqrstuvwxyz", "1-ABCDEFGHIJKLMNOPQRSTUVWXYZ"),
    ("0000000000000000001", "1"),
    ("0001", "01"),
    ("0000000000000000000", "0"),
    ("000", "00"),
]
VERSIONS_COMPARING = [
    ("1", "2"),
    ("1.5", "2"),
    ("1", "2.5"),
    ("1.0", "1.1"),
    ("1.1", "1.2"),
    ("1.0.0", "1.1"),
    ("1.0.1", "1.1"),
    ("1.1", "1.2.0"),
    ("1.0-alpha-1", "1.0"),
    ("1.0-alpha-1", "1.0-alpha-2"),
    ("1.0-alpha-1", "1.0-beta-1"),
    ("1.0-beta-1", "1.0-SNAPSHOT"),
    ("1.0-SNAPSHOT", "1.0"),
    ("1.0-alpha-1-SNAPSHOT", "1.0-alpha-1"),
    ("1.0", "1.0-1"),
    ("1.0-1", "1.0-2"),
    ("1.0.0", "1.0-1"),
    ("2.0-1", "2.0.1"),
    ("2.0.1-klm", "2.0.1-lmn"),
    ("2.0.1", "2.0.1-xyz"),
    ("2.0.1", "2.0.1-123"),
    ("2.0.1-xyz", "2.0.1-123"),
    # MNG-5568 (transitivity), MNG-6572 (long numbers), MNG-6964 ("-0." qualifiers)
    ("6.1.0rc3", "6.1.0"),
    ("6.1.0rc3", "6.1H.5-beta"),
    ("6.1.0", "6.1H.5-beta"),
    ("20190126.230843", "1234567890.12345"),
    ("1234567890.12345", "123456789012345.1H.5-beta"),
    ("123456789012345.1H.5-beta", "12345678901234567890.1H.5-beta"),
    ("1-0.alpha", "1"),
    ("1-0.beta", "1"),
    ("1-0.alpha", "1-0.beta"),
]


@pytest.mark.parametrize("versions", [VERSIONS_QUALIFIER, VERSIONS_NUMBER], ids=["qualifier", "number"])
def test_versions_order(versions: list[str]) -> None:
    for i, low in enumerate(versions):
        for high in versions[i + 1 :]:
            assert_order("maven", low, high, -1)


@pytest.mark.parametrize(("a", "b"), VERSIONS_EQUAL)
def test_versions_equal(a: str, b: str) -> None:
    assert_order("maven", a, b, 0)
    assert hash(MAVEN.parse(a)) == hash(MAVEN.parse(b))


@pytest.mark.parametrize(("low", "high"), VERSIONS_COMPARING)
def test_version_comparing(low: str, high: str) -> None:
    assert_order("maven", low, high, -1)


@pytest.mark.parametrize(
    ("version", "rng", "expected"),
    [
        ("2.14.1", "[2.0,2.15.0)", True),  # log4j-style interval
        ("2.15.0", "[2.0,2.15.0)", False),
        ("2.15.0-rc1", "[2.0,2.15.0)", True),
        ("1.0", "(,1.0]", True),
        ("1.0", "(,1.0)", False),
        ("1.5", "(,1.0],[1.2,)", True),  # union of intervals
        ("1.1", "(,1.0],[1.2,)", False),
        ("1.0", "[1.0]", True),
        ("2.9.10.7", ">= 2.9.0, < 2.9.10.8", True),  # GHSA text form
        ("2.9.10.8", ">= 2.9.0, < 2.9.10.8", False),
        ("5.3.18.RELEASE", "< 5.3.18", False),  # .RELEASE is the release itself
    ],
)
def test_ranges(version: str, rng: str, expected: bool) -> None:
    assert MAVEN.satisfies(version, rng) is expected


@pytest.mark.parametrize("rng", ["[1.0", "(1.0)", "[2.0,1.0]", "[,]", "[1.0,2.0,3.0]"])
def test_bad_ranges(rng: str) -> None:
    with pytest.raises(InvalidConstraint):
        MAVEN.satisfies("1.0", rng)


@pytest.mark.parametrize("text", ["", "  ", "...", "1 0"])
def test_invalid(text: str) -> None:
    with pytest.raises(InvalidVersion):
        MAVEN.parse(text)
