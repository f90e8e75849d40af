from __future__ import annotations

import pytest

from drydock.feeds.drivers import get_driver
from drydock.feeds.drivers.redhat import cpe_namespace, product_namespace, split_package
from drydock.feeds.records import FixState

from .conftest import FEEDS, FIXTURES
from .golden import compare_os, load_snapshots

RHEL = FIXTURES / "rhel"


def test_rhel_hydra_golden():
    """Hydra CVE documents -> vunnel's rhel snapshots (all 7 namespaces incl. ``+eus``).

    Exclusion: we keep Hydra's ``public_date`` as ``Metadata.Issued``; vunnel omits it.
    """
    driver = get_driver("rhel")
    got = {(v.namespace, v.id.lower()): v for v in driver.parse(RHEL / "oval" / "input" / "cve" / "full")}
    expected = load_snapshots(RHEL / "snapshots")
    missing = set(expected) - set(got)
    extra = set(got) - set(expected)
    assert not missing and not extra, (sorted(missing)[:5], sorted(extra)[:5])
    for key, env in expected.items():
        compare_os(env, got[key], metadata_drop=("Issued",))


def test_csaf_advisory_records():
    driver = get_driver("rhel")
    records = list(driver.parse(RHEL / "csaf" / "server" / "2024" / "rhsa-2024_0010.json"))
    assert records and driver.stats.skipped_total == 0
    for v in records:
        assert v.namespace == "rhel:9" and v.id.startswith("CVE-")
        for a in v.affected:
            assert a.fix_state is FixState.FIXED and a.fixed_versions[0].split(":", 1)[0].isdigit()
            assert [adv.id for adv in a.advisories] == ["RHSA-2024:0010"]


def test_csaf_advisories_cover_eus_streams_and_modules():
    records = list(get_driver("rhel").parse(RHEL / "csaf" / "advisories"))
    namespaces = {v.namespace for v in records}
    assert {"rhel:8", "rhel:9", "rhel:8.6+eus", "rhel:9.0+eus"} <= namespaces
    assert any(a.module == "ruby:2.5" for v in records for a in v.affected)


def test_hydra_listing_and_other_products_are_not_records():
    driver = get_driver("rhel")
    records = list(
        driver.parse(
            [
                RHEL / "csaf" / "input" / "cve" / "min_pages" / "1.json",
                FEEDS / "raw" / "redhat-securitydata-api",
            ]
        )
    )
    assert driver.stats.skipped == {"index-file": 1}
    assert {v.namespace for v in records} == {"rhel:3"}


@pytest.mark.parametrize(
    ("package", "expected"),
    [
        ("firefox-0:102.15.1-1.el8_8", ("firefox", "0:102.15.1-1.el8_8")),
        ("1:java-1.8.0-openjdk-1.8.0.131-0.b11.el6_9", ("java-1.8.0-openjdk", "1:1.8.0.131-0.b11.el6_9")),
        ("bind-9.11.4-26.el7", ("bind", "9.11.4-26.el7")),
        ("nodejs:12-8030020201124152102.229f0a1c", ("nodejs", None)),
    ],
)
def test_split_package(package, expected):
    assert split_package(package) == expected


def test_namespace_helpers():
    assert product_namespace("Red Hat Enterprise Linux 8.6 Extended Update Support") == "rhel:8.6+eus"
    assert product_namespace("Red Hat Enterprise Linux 7 Supplementary") is None
    assert cpe_namespace("cpe:/a:redhat:rhel_eus:9.0::appstream") == "rhel:9.0+eus"
    assert cpe_namespace("cpe:/a:redhat:enterprise_linux:8::appstream") == "rhel:8"


def _tar_zst(members: dict[str, bytes]) -> bytes:
    import io
    import tarfile

    import zstandard

    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tf:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tf.addfile(info, io.BytesIO(data))
    return zstandard.ZstdCompressor().compress(buf.getvalue())


def test_csaf_mirror_fetch_archive_changes_and_deletions(tmp_path):
    """archive_latest.txt -> .tar.zst + changed advisories; deleted ones are dropped at parse."""
    import httpx

    from drydock.feeds.drivers import DriverConfig

    server = RHEL / "csaf" / "server"
    advisories = RHEL / "csaf" / "advisories"
    stale = (advisories / "2024" / "rhsa-2024_9371.json").read_bytes()
    archive = _tar_zst({
        "2024/rhsa-2024_6163.json": (advisories / "2024" / "rhsa-2024_6163.json").read_bytes(),
        "2024/rhsa-2024_0010.json": stale,  # replaced by the newer copy listed in changes.csv
        "2024/rhsa-2024_2106.json": stale,  # listed in deletions.csv
    })  # fmt: skip
    routes = {
        "/archive_latest.txt": (server / "archive_latest.txt").read_bytes(),
        "/csaf_advisories_2025-02-15.tar.zst": archive,
        "/changes.csv": (server / "changes.csv").read_bytes(),
        "/deletions.csv": (server / "deletions.csv").read_bytes(),
        "/2024/rhsa-2024_0010.json": (server / "2024" / "rhsa-2024_0010.json").read_bytes(),
    }

    def handler(request: httpx.Request) -> httpx.Response:
        body = routes.get(request.url.path.removeprefix("/csaf"))
        return httpx.Response(200, content=body) if body is not None else httpx.Response(404)

    driver = get_driver("rhel", DriverConfig(urls=("https://mirror.test/csaf/archive_latest.txt",)))
    with httpx.Client(transport=httpx.MockTransport(handler)) as client:
        fetched = driver.fetch(tmp_path, client)
    assert (tmp_path / "input" / "changes" / "2024" / "rhsa-2024_0010.json") in fetched
    records = list(driver.parse(tmp_path / "input"))
    assert driver.stats.skipped_total == 0
    advisories_seen = {adv.id for v in records for a in v.affected for adv in a.advisories}
    expected = {"RHSA-2024:6163", "RHSA-2024:0010"}
    assert expected <= advisories_seen and "RHSA-2024:9371" not in advisories_seen
    keys = [(v.namespace, v.id) for v in records]
    assert len(keys) == len(set(keys))  # one record per (namespace, CVE) across advisories
