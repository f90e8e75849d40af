from __future__ import annotations

from drydock.feeds.drivers import get_driver
from drydock.feeds.records import FixState

from .conftest import FEEDS, FIXTURES
from .golden import compare_os, load_snapshots

AMAZON = FIXTURES / "amazon"


def test_amazon_golden():
    """Exclusion: we keep the advisory date as ``Metadata.Issued``; vunnel's amazon output omits it."""
    driver = get_driver("amazon")
    got = {(v.namespace, v.id.lower()): v for v in driver.parse(AMAZON / "input")}
    expected = load_snapshots(AMAZON / "snapshots")
    assert set(got) == set(expected)
    for key, env in expected.items():
        compare_os(env, got[key], metadata_drop=("Issued",))
    assert driver.stats.skipped_total == 0


def test_rss_items_without_pages_are_counted():
    driver = get_driver("amazon")
    records = list(driver.parse([AMAZON / "mock_rss", AMAZON / "input" / "2_html"]))
    assert len(records) == 1  # ALAS-2018-939 is the only item whose page is present
    assert driver.stats.skipped == {"missing-advisory-page": 96}


def test_updateinfo_xml():
    driver = get_driver("amazon")
    records = list(driver.parse(FEEDS / "raw" / "amazon-updateinfo"))
    # repomd.xml is an index, not advisories: reported as an unusable file, never fatal.
    assert driver.stats.skipped == {"bad-file": 1}
    by_id = {(v.namespace, v.id): v for v in records}
    kernel = by_id[("amzn:2", "ALAS-2018-939")]
    assert kernel.severity.value == "Critical" and "CVE-2017-5754" in kernel.aliases
    assert all(a.fix_state is FixState.FIXED and a.fixed_versions for a in kernel.affected)
    assert {v.namespace for v in records} == {"amzn:2", "amzn:2022", "amzn:2023"}


def test_fetch_saves_feed_and_missing_pages(tmp_path):
    import httpx

    from drydock.feeds.drivers import DriverConfig

    rss = (AMAZON / "input" / "2023_rss.xml").read_bytes()
    page = (AMAZON / "input" / "2023_html" / "ALAS-2023-126").read_bytes()
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.url.path)
        return httpx.Response(200, content=rss if request.url.path.endswith(".rss") else page)

    driver = get_driver("amazon", DriverConfig(urls=("https://alas.aws.amazon.com/AL2023/alas.rss",)))
    with httpx.Client(transport=httpx.MockTransport(handler)) as client:
        driver.fetch(tmp_path, client)
        driver.fetch(tmp_path, client)  # second run: the page is already there
    assert seen == ["/AL2023/alas.rss", "/AL2023/ALAS-2023-126.html", "/AL2023/alas.rss"]
    (record,) = driver.parse(tmp_path / "input")
    assert (record.namespace, record.id) == ("amzn:2023", "ALAS-2023-126")
