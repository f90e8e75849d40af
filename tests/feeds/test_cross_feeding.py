"""Every driver is handed every other upstream's files: nothing may escape, all is counted."""

from __future__ import annotations

import logging

import pytest

from drydock.feeds.drivers import all_drivers, get_driver
from drydock.feeds.drivers.anchore_feed import LISTING_FILES, FeedItemsDriver

from .conftest import FEEDS

ROOTS = [FEEDS / "raw", FEEDS / "vunnel" / "fixtures", FEEDS / "anchore-feed-service", FEEDS / "kev"]
#: Every file, named explicitly so that no driver's file-name patterns filter anything out.
EVERYTHING = sorted(p for root in ROOTS for p in root.rglob("*") if p.is_file())


@pytest.mark.parametrize("name", sorted(all_drivers()))
def test_foreign_inputs_are_skipped_not_raised(name, caplog):
    caplog.set_level(logging.ERROR)  # thousands of expected warnings
    driver = get_driver(name)
    records = sum(1 for _ in driver.parse(EVERYTHING))
    listings = sum(p.name in LISTING_FILES for p in EVERYTHING) if isinstance(driver, FeedItemsDriver) else 0
    assert driver.stats.files == len(EVERYTHING) - listings
    assert driver.stats.skipped_total > 0  # foreign files were seen and reported
    assert records == driver.stats.parsed
