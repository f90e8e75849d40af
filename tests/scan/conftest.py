"""A Debian 10 root with four packages the Debian feed sample knows, and a feed store holding
that sample: backupninja (Medium, fixed), prototypejs (High, fixed), txt2man (Low, fixed) and
chromium (will not fix on buster)."""

from __future__ import annotations

from pathlib import Path

import pytest

from drydock.core import migrate
from drydock.core.db import Database
from drydock.feeds.sync import import_paths
from tests.policy.factory import DEBIAN_FEED

PACKAGES = {
    "backupninja": "0.7-1",
    "prototypejs": "1.6.0.1-1",
    "txt2man": "1.5.5-4",
    "chromium": "90.0.4430.212-1~deb10u1",
    "bash": "5.0-4",
}
DEBIAN_10 = 'ID=debian\nVERSION_ID="10"\nPRETTY_NAME="Debian GNU/Linux 10 (buster)"\n'


def _status() -> str:
    return "\n".join(
        f"Package: {name}\nStatus: install ok installed\nArchitecture: amd64\nVersion: {version}\nDescription: x\n"
        for name, version in PACKAGES.items()
    )


@pytest.fixture(scope="session")
def rootfs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("buster")
    (root / "var/lib/dpkg").mkdir(parents=True)
    (root / "etc").mkdir()
    (root / "var/lib/dpkg/status").write_text(_status())
    (root / "etc/os-release").write_text(DEBIAN_10)
    return root


@pytest.fixture(scope="session")
def feed_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('feeds') / 'feeds.db'}"
    migrate.upgrade(url)
    db = Database(url)
    with db.session() as session:  # what `drydock feeds import --driver debian DIR` runs
        report = import_paths(session, [DEBIAN_FEED], driver="debian")
    db.dispose()
    assert report.ok and report.groups, report
    return url


@pytest.fixture(scope="session")
def empty_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('empty') / 'feeds.db'}"
    migrate.upgrade(url)
    return url
