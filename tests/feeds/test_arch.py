from __future__ import annotations

import json

from drydock.feeds.drivers import get_driver

from .conftest import FIXTURES
from .golden import compare_os, load_snapshots

ARCH = FIXTURES / "arch"


def test_arch_golden():
    """Exclusion: vunnel dates fixes from each ASA page (``Available``), which all.json lacks."""
    driver = get_driver("arch")
    got = {(v.namespace, v.id.lower()): v for v in driver.parse(ARCH / "input")}
    expected = load_snapshots(ARCH / "snapshots")
    assert set(got) == set(expected) and driver.stats.skipped_total == 0
    for key, env in expected.items():
        compare_os(env, got[key], fixed_in_drop=("Available",))


def test_fixed_group_without_version_is_counted(tmp_path):
    groups = json.loads((ARCH / "input" / "arch-advisories" / "all.json").read_text())
    groups[0]["fixed"] = None
    (tmp_path / "all.json").write_text(json.dumps(groups))
    driver = get_driver("arch")
    assert len(list(driver.parse(tmp_path))) == len(groups) - 1
    assert driver.stats.skipped == {"bad-record": 1}
