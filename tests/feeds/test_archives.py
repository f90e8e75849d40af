from __future__ import annotations

import io
import json
import tarfile
import zipfile

from drydock.feeds.drivers import get_driver
from drydock.feeds.drivers import io as feed_io

from .conftest import FEEDS, FIXTURES

GO = sorted((FEEDS / "osv" / "go").glob("GO-2020-*.json"))[:20]


def test_osv_bulk_zip_with_a_broken_and_an_oversized_member(tmp_path, monkeypatch):
    archive = tmp_path / "all.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for path in GO:
            zf.write(path, path.name)
        zf.writestr("broken.json", '{"id": "GO-X", "affected": [')
        zf.writestr("huge.json", json.dumps({"id": "GO-HUGE", "details": "x" * 5000}))
        zf.writestr("README.md", "not advisory data")
    monkeypatch.setattr(feed_io, "MAX_MEMBER_BYTES", 4096)
    driver = get_driver("govulndb")
    records = list(driver.parse(tmp_path))
    expected = list(get_driver("govulndb").parse(GO))
    assert records == expected and len(records) == len(GO)
    assert driver.stats.skipped == {"bad-file": 1, "oversized-member": 1}


def test_ubuntu_tarball_mixes_osv_and_vex(tmp_path):
    archive = tmp_path / "ubuntu.tar.xz"
    members = [
        FIXTURES / "ubuntu" / "osv" / "cve" / "2020" / "UBUNTU-CVE-2020-36325.json",
        FIXTURES / "ubuntu" / "vex" / "cve" / "2023" / "CVE-2023-38545.json",
    ]
    with tarfile.open(archive, "w:xz") as tf:
        for path in members:
            tf.add(path, arcname=f"data/{path.name}")
        info = tarfile.TarInfo("data/empty-dir")
        info.type = tarfile.DIRTYPE
        tf.addfile(info, io.BytesIO())
    from_archive = list(get_driver("ubuntu").parse(archive))
    from_files = list(get_driver("ubuntu").parse(members))
    assert from_archive == from_files and {v.id for v in from_archive} == {
        "UBUNTU-CVE-2020-36325",
        "CVE-2023-38545",
    }


def test_unknown_version_format_in_feed_service_item_is_counted(tmp_path):
    item = {"Vulnerability": {"Name": "CVE-1", "NamespaceName": "x:1", "FixedIn": [
        {"Name": "p", "Version": "1", "VersionFormat": "conda", "NamespaceName": "x:1"}]}}  # fmt: skip
    good = {"Vulnerability": {"Name": "CVE-2", "NamespaceName": "x:1", "FixedIn": []}}
    (tmp_path / "page.json").write_text(json.dumps({"data": [item, good], "next_token": ""}))
    driver = get_driver("anchore-feed")
    assert [v.id for v in driver.parse(tmp_path)] == ["CVE-2"]
    assert driver.stats.skipped == {"bad-record": 1} and "conda" in driver.stats.warnings[0]
