"""Every driver is handed every other upstream's files: nothing may escape, all is counted."""

from __future__ import annotations

import logging

import pytest

from drydock.feeds.drivers import all_drivers, get_driver

from .conftest import FEEDS

EVERYTHING = [FEEDS / "raw", FEEDS / "vunnel" / "fixtures", FEEDS / "anchore-feed-service", FEEDS / "kev"]


@pytest.mark.parametrize("name", sorted(all_drivers()))
def test_foreign_inputs_are_skipped_not_raised(name, caplog):
    caplog.set_level(logging.ERROR)  # thousands of expected warnings
    driver = get_driver(name)
    records = sum(1 for _ in driver.parse(EVERYTHING))
    assert driver.stats.files > 0
    assert driver.stats.skipped_total > 0  # foreign files were seen and reported
    assert records == driver.stats.parsed
