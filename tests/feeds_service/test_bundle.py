"""Bundle export → import round trip, and refusal of tampered, truncated or foreign bundles."""

from __future__ import annotations

import io
import json
import tarfile
from pathlib import Path

import pytest

from drydock.core.db import Database
from drydock.feeds import store
from drydock.feeds.bundle import BundleError, _members, export_bundle, read_bundle, verify_bundle
from drydock.feeds.sync import import_paths

from .conftest import FEEDS

GROUPS = ["alpine:3.5", "github:java", "github:npm", "kev:catalog"]


@pytest.fixture(scope="module")
def bundle(db: Database, tmp_path_factory: pytest.TempPathFactory) -> Path:
    with db.session() as s:
        import_paths(s, [FEEDS / "alpine-secdb" / "v3.5", FEEDS / "osv" / "ghsa", FEEDS / "raw" / "kev-small"], flush=True)
    out = tmp_path_factory.mktemp("bundle") / "feeds.tar.zst"
    with db.session() as s:
        manifest = export_bundle(s, out, groups=GROUPS)
    assert sorted(f.group for f in manifest.groups) == GROUPS
    return out


def test_round_trip(db: Database, bundle: Path) -> None:
    with db.session() as s:
        before = {g: list(store.group_records(s, g)) for g in GROUPS}
        for g in ("alpine:3.5", "github:npm"):
            store.delete_group(s, "vulnerabilities", g)
    with db.session() as s:
        report = import_paths(s, [bundle])
    assert report.ok and report.sources[0].driver == "bundle"
    with db.session() as s:
        after = {g: list(store.group_records(s, g)) for g in GROUPS}
        assert store.get_group(s, "vulnerabilities", "alpine:3.5").driver == "alpine"
    assert after == before and len(after["alpine:3.5"]) == 881 and len(after["kev:catalog"]) == 2


def test_gzip_bundle_and_manifest(db: Database, tmp_path: Path) -> None:
    out = tmp_path / "b.tar.gz"
    with db.session() as s:
        manifest = export_bundle(s, out, groups=["github:npm"])
    (entry,) = manifest.groups
    assert (entry.feed, entry.driver, entry.records, len(entry.sha256)) == ("vulnerabilities", "github", 1, 64)
    contents = read_bundle(out)
    assert [len(g.records) for g in contents.groups] == [1] and contents.skipped == 0


def _rewrite(src: Path, dst: Path, edit) -> None:  # type: ignore[no-untyped-def]
    """Copy a bundle member by member through ``edit(name, data) -> data | None``."""
    with tarfile.open(dst, "w:gz") as out:
        for info, fh in _members(src):
            data = edit(info.name, fh.read())
            if data is None:
                continue
            new = tarfile.TarInfo(info.name)
            new.size = len(data)
            out.addfile(new, io.BytesIO(data))


def test_tampered_member_is_refused(db: Database, bundle: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.tar.gz"
    _rewrite(bundle, bad, lambda name, data: data.replace(b"event-stream", b"event-strean", 1) if name.endswith("github:npm.jsonl") else data)
    with pytest.raises(BundleError, match="checksum mismatch"):
        verify_bundle(bad)
    with db.session() as s:
        gen = store.generation(s)
        report = import_paths(s, [bad])
    assert not report.ok and "checksum mismatch" in (report.sources[0].error or "")
    with db.session() as s:
        assert store.generation(s) == gen


def test_missing_extra_and_truncated(bundle: Path, tmp_path: Path) -> None:
    missing = tmp_path / "missing.tar.gz"
    _rewrite(bundle, missing, lambda name, data: None if name.endswith("kev:catalog.jsonl") else data)
    with pytest.raises(BundleError, match="missing"):
        verify_bundle(missing)
    foreign = tmp_path / "foreign.tar"
    with tarfile.open(foreign, "w") as t:
        raw = json.dumps({"format": "something-else", "version": 1, "files": []}).encode()
        info = tarfile.TarInfo("manifest.json")
        info.size = len(raw)
        t.addfile(info, io.BytesIO(raw))
    with pytest.raises(BundleError, match="not a drydock-feed-bundle"):
        verify_bundle(foreign)
    unlisted = tmp_path / "unlisted.tar.gz"
    _rewrite(bundle, unlisted, lambda name, data: data)
    with tarfile.open(unlisted, "r:gz") as t:
        members = [(m, t.extractfile(m).read()) for m in t.getmembers()]  # type: ignore[union-attr]
    with tarfile.open(unlisted, "w:gz") as t:
        for m, data in [*members, (tarfile.TarInfo("records/x/../../etc/evil.jsonl"), b"{}")]:
            m.size = len(data)
            t.addfile(m, io.BytesIO(data))
    with pytest.raises(BundleError, match="not listed in the manifest"):
        verify_bundle(unlisted)
    truncated = tmp_path / "trunc.tar.zst"
    truncated.write_bytes(bundle.read_bytes()[: bundle.stat().st_size // 2])
    with pytest.raises(BundleError, match="damaged or truncated|checksum|missing"):
        verify_bundle(truncated)
    with pytest.raises(BundleError, match="must end in"):
        verify_bundle(tmp_path / "feeds.zip")


def test_link_members_are_refused(tmp_path: Path) -> None:
    evil = tmp_path / "evil.tar"
    with tarfile.open(evil, "w") as t:
        link = tarfile.TarInfo("manifest.json")
        link.type, link.linkname = tarfile.SYMTYPE, "/etc/passwd"
        t.addfile(link)
    with pytest.raises(BundleError, match="non-file member"):
        verify_bundle(evil)
