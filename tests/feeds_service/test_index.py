"""The matcher's index built from the store, cached by store generation."""

from __future__ import annotations

import uuid

from drydock.analyzer.model import Distro, Location, Package, PackageType
from drydock.core.db import Database
from drydock.feeds import store
from drydock.feeds.records import AffectedPackage, EpssScore, FixState, VersionFormat, Vulnerability
from drydock.policy.matching.index import IndexCache
from drydock.policy.matching.matcher import match_packages


def test_index_from_store_follows_generation(db: Database) -> None:
    release = f"{uuid.uuid4().int % 10**6}"
    ns = f"debian:{release}"
    record = Vulnerability("CVE-2099-0001", ns, affected=[AffectedPackage("zlib", VersionFormat.DPKG, ["1.3-1"], fix_state=FixState.FIXED)])
    with db.session() as s:
        store.replace_group(s, store.GroupData("vulnerabilities", ns, "t", [record]))
        store.replace_group(s, store.GroupData("epss", store.EPSS_GROUP, "t", [EpssScore("CVE-2099-0001", 0.1, 0.2, "2099-01-01")]), force=True)
    cache = IndexCache()
    zlib = Package("zlib", "1.2-9", PackageType.DEB, "t", [Location("/var/lib/dpkg/status")])
    with db.session() as s:
        index = cache.get(s)
        assert cache.get(s) is index  # same generation: no rebuild
    (m,) = match_packages(index, Distro("debian", release), [zlib]).matches
    assert (m.vulnerability_id, m.feed, m.group, m.epss) == ("CVE-2099-0001", "vulnerabilities", ns, {"epss": 0.1, "percentile": 0.2, "date": "2099-01-01"})
    with db.session() as s:
        store.set_group_enabled(s, "vulnerabilities", ns, False)
    with db.session() as s:
        rebuilt = cache.get(s)
    assert rebuilt is not index and rebuilt.generation > index.generation
    assert match_packages(rebuilt, Distro("debian", release), [zlib]).matches == []
    with db.session() as s:
        store.delete_group(s, "vulnerabilities", ns)
