"""Settings → sync glue: driver configs, due tracking, and a sync with nothing configured."""

from __future__ import annotations

from pathlib import Path

from drydock.core.config import FeedDriverSettings, FeedSettings, Settings
from drydock.core.db import Database
from drydock.feeds.drivers import DriverConfig
from drydock.feeds.service import DueTracker, driver_configs, sync_configured


def test_driver_configs_from_settings() -> None:
    feeds = FeedSettings(drivers={"alpine": FeedDriverSettings(urls=["http://mirror/alpine"], interval_hours=2), "nvd": FeedDriverSettings(enabled=False)})
    configs = driver_configs(feeds)
    assert configs["alpine"] == DriverConfig(enabled=True, urls=("http://mirror/alpine",), interval_hours=2)
    assert configs["nvd"].enabled is False


def test_due_tracker() -> None:
    due = DueTracker()
    hourly, never_wait = DriverConfig(interval_hours=1), DriverConfig(interval_hours=0)
    assert due("alpine", hourly) and not due("alpine", hourly)
    assert due("nvd", never_wait) and due("nvd", never_wait)


def test_nothing_configured_is_an_empty_successful_sync(db: Database, tmp_path: Path) -> None:
    settings = Settings(database_url=db.url, data_dir=tmp_path)
    events: list[str] = []
    with db.session() as s:
        report = sync_configured(s, settings, on_event=lambda name, payload: events.append(name))
    assert report.ok and report.feed_results() == [] and events == ["system.feeds.sync.started", "system.feeds.sync.completed"]


def test_unreachable_online_driver_is_reported_not_raised(db: Database, tmp_path: Path) -> None:
    feeds = {"drivers": {"kev": {"urls": ["http://127.0.0.1:9/kev.json"]}}}
    settings = Settings(database_url=db.url, data_dir=tmp_path, feeds=feeds)  # type: ignore[arg-type]
    with db.session() as s:
        report = sync_configured(s, settings)
    (source,) = report.sources
    assert source.status == "failure" and "fetch failed" in (source.error or "") and not report.ok
