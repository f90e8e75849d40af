from __future__ import annotations

import json

import httpx
import pytest

from drydock.feeds.drivers import DriverConfig, all_drivers, get_driver
from drydock.feeds.drivers.base import TruncatedDownload, download, local_name_for
from drydock.feeds.records import Severity, to_dict, vulnerability_from_dict

from .conftest import FIXTURES


def test_registry_lists_every_driver_and_rejects_unknown_names():
    names = set(all_drivers())
    assert {"alpine", "debian", "ubuntu", "rhel", "amazon", "oracle", "sles", "suse-cvrf", "mariner", "wolfi",
            "chainguard", "minimos", "secureos", "osv", "govulndb", "bitnami", "alma", "rocky", "github", "nvd",
            "anchore-feed", "kev", "epss"} <= names  # fmt: skip
    for name, cls in all_drivers().items():
        assert cls.name == name and cls.namespaces
    with pytest.raises(KeyError, match="unknown feed driver"):
        get_driver("nope")


def test_config_urls_override_defaults():
    assert get_driver("kev").urls == get_driver("kev").default_urls
    driver = get_driver("kev", DriverConfig(urls=("http://mirror.local/kev.json",), interval_hours=1))
    assert driver.urls == ("http://mirror.local/kev.json",)


def _client(body: bytes, declared: int | None = None) -> httpx.Client:
    def handler(request: httpx.Request) -> httpx.Response:
        headers = {"content-length": str(declared if declared is not None else len(body))}
        return httpx.Response(200, headers=headers, content=body)

    return httpx.Client(transport=httpx.MockTransport(handler))


def test_fetch_streams_to_workspace_and_parses(tmp_path):
    catalog = (FIXTURES / "kev" / "valid-catalog-1.json").read_bytes()
    driver = get_driver("kev", DriverConfig(urls=("https://example.test/feeds/kev.json",)))
    with _client(catalog) as client:
        (path,) = driver.fetch(tmp_path, client)
    assert path == tmp_path / "input" / "feeds_kev.json" and path.read_bytes() == catalog
    assert len(list(driver.parse(path))) == 3


def test_truncated_download_never_replaces_the_previous_copy(tmp_path):
    dest = tmp_path / "kev.json"
    dest.write_text("previous")
    with _client(b'{"vulnerab', declared=1000) as client, pytest.raises(TruncatedDownload):
        download(client, "https://example.test/kev.json", dest)
    assert dest.read_text() == "previous" and not list(tmp_path.glob("*.part"))


def test_missing_input_is_counted():
    driver = get_driver("nvd")
    assert list(driver.parse(FIXTURES / "does-not-exist.json")) == []
    assert driver.stats.skipped == {"missing-file": 1}


def test_records_round_trip_through_json():
    records = list(
        get_driver("rhel").parse(FIXTURES / "rhel" / "oval" / "input" / "cve" / "full" / "CVE-2023-4863")
    )
    assert records
    for v in records:
        assert vulnerability_from_dict(json.loads(json.dumps(to_dict(v)))) == v


def test_severity_words():
    assert Severity.parse("Important") is Severity.HIGH
    assert Severity.parse("low**") is Severity.LOW
    assert Severity.parse("MODERATE") is Severity.MEDIUM
    assert Severity.parse("bogus") is Severity.UNKNOWN
    assert Severity.highest(Severity.LOW, Severity.CRITICAL, Severity.UNKNOWN) is Severity.CRITICAL


def test_local_names_keep_the_release_directory():
    assert local_name_for("https://secdb.alpinelinux.org/v3.18/main.json") == "v3.18_main.json"
    assert local_name_for("https://vuln.go.dev/vulndb.zip") == "vulndb.zip"
