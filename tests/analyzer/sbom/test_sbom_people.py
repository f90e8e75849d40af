"""Supplier (distribution) and originator (upstream author) from cataloger metadata."""

from __future__ import annotations

from typing import Any

import pytest

from drydock.analyzer.model import Package, PackageType
from drydock.analyzer.sbom.people import Party, originator, parse_party, supplier


@pytest.mark.parametrize(
    ("value", "party"),
    [
        ("Jane Doe <jane@example.org>", Party("Jane Doe", "jane@example.org")),
        ("<ops@example.org>", Party("ops@example.org", "ops@example.org")),
        ("  The   Team ", Party("The Team")),
        (["", "Bob <bob@example.org>"], Party("Bob", "bob@example.org")),
        ([{"name": "Ann", "email": "ann@example.org"}], Party("Ann", "ann@example.org")),
        ({"name": "Ann", "email": "not-an-email"}, Party("Ann")),
        ({"email": "x@example.org"}, None),
        ("   ", None),
        (42, None),
        ([], None),
    ],
)
def test_parse_party(value: Any, party: Party | None) -> None:
    assert parse_party(value) == party


def _pkg(ptype: PackageType, **metadata: Any) -> Package:
    return Package("p", "1", ptype, "c", metadata=metadata)


def test_os_packages_have_suppliers_language_packages_originators() -> None:
    deb = _pkg(PackageType.DEB, maintainer="Debian Perl Group <perl@debian.org>", author="upstream")
    assert supplier(deb) == Party("Debian Perl Group", "perl@debian.org")
    assert originator(deb) is None
    rpm = _pkg(PackageType.RPM, vendor="Red Hat, Inc.")
    assert supplier(rpm) == Party("Red Hat, Inc.", organization=True)
    wheel = _pkg(PackageType.PYTHON, author="Ann", authorEmail="ann@example.org", maintainer="ignored")
    assert originator(wheel) == Party("Ann", "ann@example.org")
    assert supplier(wheel) is None
    assert originator(_pkg(PackageType.GEM, authors=["A", "B"])) == Party("A")
    assert originator(_pkg(PackageType.NPM)) is None
