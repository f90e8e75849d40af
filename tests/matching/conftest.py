from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pytest

from drydock.analyzer.model import Location, Package, PackageType
from drydock.feeds.drivers import get_driver
from drydock.feeds.records import Record
from drydock.policy.matching.index import VulnerabilityIndex, index_from_records

REPO = Path(__file__).resolve().parents[2]
FEEDS = REPO.parent / "shared" / "feeds"
FIXTURES = FEEDS / "vunnel" / "fixtures"

#: The real sample sets the matcher is checked against (driver, path).
SOURCES = [
    ("alpine", FEEDS / "alpine-secdb" / "v3.11"),
    ("debian", FIXTURES / "debian" / "input"),
    ("rhel", FIXTURES / "rhel"),
    ("amazon", FIXTURES / "amazon"),
    ("oracle", FIXTURES / "oracle"),
    ("sles", FIXTURES / "sles"),
    ("osv", FEEDS / "osv" / "almalinux"),
    ("wolfi", FIXTURES / "wolfi"),
    ("ubuntu", FIXTURES / "ubuntu"),
    ("mariner", FIXTURES / "mariner"),
    ("github", FEEDS / "osv" / "ghsa"),
    ("anchore-feed", FEEDS / "anchore-feed-service" / "data"),
    ("osv", FEEDS / "osv" / "pypi"),
    ("osv", FEEDS / "osv" / "go"),
    ("osv", FEEDS / "raw" / "osv-dev-bulk" / "rust"),
    ("nvd", FEEDS / "nvd" / "overrides"),
    ("kev", FEEDS / "kev" / "known_exploited_vulnerabilities.json"),
    ("epss", FIXTURES / "epss" / "example-1.csv"),
]


def parse_all(sources: Iterable[tuple[str, Path]]) -> list[Record]:
    return [r for driver, path in sources for r in get_driver(driver).parse(path)]


@pytest.fixture(scope="session")
def real_index() -> VulnerabilityIndex:
    return index_from_records(parse_all(SOURCES))


def pkg(name: str, version: str, type_: PackageType, *, purl: str | None = None, cpes: list[str] | None = None, **metadata: object) -> Package:
    return Package(
        name=name,
        version=version,
        type=type_,
        found_by="test",
        locations=[Location(f"/test/{name}")],
        purl=purl,
        cpes=cpes or [],
        metadata=dict(metadata),
    )
