from __future__ import annotations

import copy

from drydock.feeds.drivers import get_driver

from .conftest import FIXTURES
from .golden import compare_os, load_snapshots

ECHO = FIXTURES / "echo"


def test_echo_golden():
    """Exclusion: vunnel writes ``Version: ""`` for unfixed entries where the os schema (and our
    renderer) says ``"None"``; both mean "no fix", so "" is read as "None"."""
    driver = get_driver("echo")
    got = {(v.namespace, v.id.lower()): v for v in driver.parse(ECHO / "input")}
    expected = load_snapshots(ECHO / "snapshots")
    assert set(got) == set(expected) and driver.stats.skipped_total == 0
    for key, env in expected.items():
        env = copy.deepcopy(env)
        for fixed_in in env["item"]["Vulnerability"]["FixedIn"]:
            fixed_in["Version"] = fixed_in["Version"] or "None"
        compare_os(env, got[key])
