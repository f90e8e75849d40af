"""Constraint parsing and OSV event evaluation, including real OSV records from shared/feeds."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from drydock.versions import Constraint, InvalidConstraint, InvalidVersion, get_scheme

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO.parent / "shared"
OSV_DIR = SHARED / "feeds" / "osv"


@pytest.mark.parametrize(
    ("text", "version", "expected"),
    [
        (">= 1.1.0 < 1.1.10", "1.1.5", True),  # GHSA space-separated AND
        (">= 1.1.0 < 1.1.10", "1.1.10", False),
        (">= 1.0, < 2.0", "1.5", True),  # comma AND
        (">=1.0,<2.0", "2.0", False),
        ("< 1.0 || >= 2.0, < 2.5", "2.2", True),  # OR of ANDs
        ("< 1.0 || >= 2.0, < 2.5", "1.5", False),
        ("= 1.2.3", "1.2.3", True),
        ("== 1.2.3", "1.2.4", False),
        ("1.2.3", "1.2.3", True),  # a bare version means equality
        ("!= 1.2.3", "1.2.4", True),
        ("!= 1.2.3", "1.2.3", False),
        ("<= 1.2.3", "1.2.3", True),
        ("> 1.2.3", "1.2.3", False),
        ("*", "9.9.9", True),
    ],
)
def test_generic_text(text: str, version: str, expected: bool) -> None:
    assert Constraint.parse(text, "semver").satisfied_by(version) is expected


@pytest.mark.parametrize("text", ["", "   ", ">=", "1.0 ||", "|| 1.0", "<< 1.0", "~~1.0", "< 1.0 <"])
def test_bad_text(text: str) -> None:
    with pytest.raises(InvalidConstraint):
        Constraint.parse(text, "dpkg")


@pytest.mark.parametrize("value", [None, 1, ["< 1.0"], b"< 1.0"])
def test_non_string_constraint(value: object) -> None:
    with pytest.raises(InvalidConstraint, match="not a string"):
        Constraint.parse(value, "dpkg")  # type: ignore[arg-type]


def test_unsupported_operator_is_an_error() -> None:
    with pytest.raises(InvalidConstraint, match="not supported"):
        Constraint.parse("^1.0-1", "dpkg")


def test_bad_bound_version_is_a_constraint_error() -> None:
    with pytest.raises(InvalidConstraint):
        Constraint.parse("< not_a_version!", "dpkg")


def test_unparseable_candidate_raises_invalid_version() -> None:
    constraint = Constraint.parse("< 2.0", "dpkg")
    with pytest.raises(InvalidVersion):
        constraint.satisfied_by("")  # never silently "vulnerable"
    assert "1.0" in constraint


def test_parse_is_cached() -> None:
    assert Constraint.parse("< 1.0", "rpm") is Constraint.parse("< 1.0", "rpm")
    assert Constraint.parse("< 1.0", "rpm") is not Constraint.parse("< 1.0", "dpkg")


def test_cross_scheme_versions_do_not_compare() -> None:
    dpkg, rpm = get_scheme("dpkg"), get_scheme("rpm")
    assert dpkg.parse("1.0") != rpm.parse("1.0")
    with pytest.raises(TypeError):
        _ = dpkg.parse("1.0") < rpm.parse("1.0")
    with pytest.raises(InvalidVersion):
        dpkg.compare(rpm.parse("1.0"), "1.0")


def test_unknown_scheme() -> None:
    with pytest.raises(KeyError, match="unknown version scheme"):
        get_scheme("nonesuch")


def test_huge_input_is_refused_quickly() -> None:
    with pytest.raises(InvalidVersion, match="too long"):
        get_scheme("semver").parse("1." * 10_000)
    with pytest.raises(InvalidConstraint, match="too long"):
        Constraint.parse("< 1.0 " * 2_000, "semver")


def osv(*events: tuple[str, str]) -> list[dict[str, str]]:
    return [{kind: value} for kind, value in events]


@pytest.mark.parametrize(
    ("events", "inside", "outside"),
    [
        (osv(("introduced", "0"), ("fixed", "1.2.0")), ["0.0.1", "1.1.9", "1.2.0-rc1"], ["1.2.0", "2.0.0"]),
        (osv(("introduced", "1.0.0"), ("last_affected", "1.4.2")), ["1.0.0", "1.4.2"], ["0.9.0", "1.4.3"]),
        (
            osv(("introduced", "1.0.0"), ("fixed", "1.0.5"), ("introduced", "2.0.0"), ("fixed", "2.0.3")),
            ["1.0.4", "2.0.0", "2.0.2"],
            ["0.9.9", "1.0.5", "1.9.9", "2.0.3"],
        ),
        # events are evaluated in version order, not list order
        (
            osv(("fixed", "2.0.3"), ("introduced", "2.0.0"), ("fixed", "1.0.5"), ("introduced", "1.0.0")),
            ["1.0.0", "2.0.1"],
            ["1.5.0", "3.0.0"],
        ),
        (osv(("introduced", "1.0.0")), ["1.0.0", "99.0.0"], ["0.1.0"]),
        (osv(("introduced", "0"), ("limit", "1.5.0")), ["1.4.9"], ["1.5.0"]),
        (osv(("introduced", "1.0.0"), ("limit", "*")), ["5.0.0"], ["0.5.0"]),
        (osv(("introduced", "1.0.0"), ("introduced", "1.2.0"), ("fixed", "1.3.0")), ["1.1.0"], ["1.3.0"]),
        (osv(("introduced", "1.0.0"), ("fixed", "1.0.0")), [], ["1.0.0", "0.9.0"]),
    ],
)
def test_osv_events(events: list[dict[str, str]], inside: list[str], outside: list[str]) -> None:
    constraint = Constraint.from_osv_events(events, "semver")
    for version in inside:
        assert constraint.satisfied_by(version), version
    for version in outside:
        assert not constraint.satisfied_by(version), version


def test_osv_ecosystem_ranges_use_the_ecosystem_scheme() -> None:
    events = osv(("introduced", "0"), ("fixed", "1.2.3-r2"))
    constraint = Constraint.from_osv_events(events, "apk", "ECOSYSTEM")
    assert constraint.satisfied_by("1.2.3-r1")
    assert not constraint.satisfied_by("1.2.3-r2")
    debian = Constraint.from_osv_events(osv(("introduced", "0"), ("fixed", "1:2.0-1")), "dpkg")
    assert debian.satisfied_by("2.5-1")  # epoch 0 < epoch 1


def test_osv_semver_ranges_use_semver() -> None:
    constraint = Constraint.from_osv_events(osv(("introduced", "0"), ("fixed", "1.2.0")), "go", "SEMVER")
    assert constraint.scheme.name == "semver"
    assert constraint.satisfied_by("1.1.0")


@pytest.mark.parametrize(
    ("events", "range_type"),
    [
        (osv(("introduced", "0"), ("fixed", "abc123")), "GIT"),
        (osv(("introduced", "0")), "NONSENSE"),
        ([], "SEMVER"),
        (osv(("fixed", "1.0.0")), "SEMVER"),  # no introduced event
        ([{"introduced": "0", "fixed": "1.0.0"}], "SEMVER"),  # two keys in one event
        ([{"removed": "1.0.0"}], "SEMVER"),
        ([{"introduced": ""}], "SEMVER"),
        ([{"introduced": 1}], "SEMVER"),
        (["introduced"], "SEMVER"),
        (osv(("introduced", "0"), ("fixed", "not-a-version!")), "SEMVER"),
    ],
)
def test_osv_bad_events(events: list[object], range_type: str) -> None:
    with pytest.raises(InvalidConstraint):
        Constraint.from_osv_events(events, "semver", range_type)  # type: ignore[arg-type]


ECOSYSTEM_SCHEMES = {"Go": "go", "PyPI": "pep440", "npm": "npm", "Maven": "maven", "AlmaLinux": "rpm"}


def _osv_records() -> list[dict[str, object]]:
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    records = []
    for path in sorted(OSV_DIR.rglob("*")):
        if path.suffix == ".json":
            records.append(json.loads(path.read_text()))
        elif path.suffix == ".yaml":
            records.append(yaml.load(path.read_text(), Loader=loader))
    return records


@pytest.mark.skipif(not OSV_DIR.is_dir(), reason="shared OSV feed samples not present")
def test_real_osv_records_agree_with_their_version_lists() -> None:
    """Every OSV range in shared/feeds parses, and the ``versions`` each record enumerates fall inside its ranges.

    A handful of upstream records list versions their own ranges exclude (for
    example a fixed release, or Django 3.2a1 under ``introduced: 3.2``), so a
    tiny mismatch rate is tolerated; a real ordering bug shows up as hundreds.
    """
    ranges = inside = outside = 0
    for record in _osv_records():
        for affected in record.get("affected", []):  # type: ignore[union-attr]
            ecosystem = affected.get("package", {}).get("ecosystem", "").split(":")[0]
            scheme = ECOSYSTEM_SCHEMES.get(ecosystem)
            if scheme is None:
                continue
            constraints = []
            for rng in affected.get("ranges", []):
                if rng["type"] != "GIT":
                    ranges += 1
                    constraints.append(Constraint.from_osv_events(rng["events"], scheme, rng["type"]))
            for version in affected.get("versions", []):
                if any(c.satisfied_by(version) for c in constraints):
                    inside += 1
                else:
                    outside += 1
    assert ranges > 10_000
    assert inside > 100_000
    assert outside <= inside / 1000


@pytest.mark.parametrize(
    ("bounds", "inside", "outside"),
    [
        (
            {"start_including": "1.0.2", "end_excluding": "1.0.2k"},
            ["1.0.2", "1.0.2j"],
            ["1.0.1", "1.0.2k", "1.0.3"],
        ),
        ({"start_excluding": "2.4.0", "end_including": "2.4.49"}, ["2.4.1", "2.4.49"], ["2.4.0", "2.4.50"]),
        ({"end_excluding": "3.0"}, ["2.9", "3.0-rc1"], ["3.0", "3.0.1"]),
        ({}, ["0.1", "99"], []),
    ],
)
def test_nvd_bounds(bounds: dict[str, str], inside: list[str], outside: list[str]) -> None:
    constraint = Constraint.from_bounds("cpe", **bounds)
    assert all(constraint.satisfied_by(v) for v in inside)
    assert not any(constraint.satisfied_by(v) for v in outside)


@pytest.mark.parametrize(
    "bounds",
    [
        {"start_including": "1.0", "start_excluding": "1.0"},
        {"end_including": "1.0", "end_excluding": "1.0"},
        {"end_excluding": "*"},
    ],
)
def test_nvd_bad_bounds(bounds: dict[str, str]) -> None:
    with pytest.raises(InvalidConstraint):
        Constraint.from_bounds("cpe", **bounds)
