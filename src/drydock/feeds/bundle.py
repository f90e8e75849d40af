"""Checksummed feed bundles: the store's normalized records in one ``.tar.zst``/``.tar.gz``,
for air-gapped installs (export on a connected host, import on the isolated one).

Layout: ``manifest.json`` first, then ``records/<feed>/<group>.jsonl`` (one
:func:`records.to_dict` per line) and, for a vulnerability group whose fixes the exporting
install dated itself, ``observations/<feed>/<group>.jsonl`` (one first-observed fix date per
line: the importing install cannot learn those dates again, and keeps the earlier of its own
and the bundle's). The manifest lists every data member with its kind, sha256, size, driver
and line count; import verifies all of them before writing anything, so a tampered or
truncated bundle is refused as a whole. Members are never extracted to disk, so hostile names
(``../``, absolute paths, links) have nothing to escape into.
"""

from __future__ import annotations

import hashlib
import io
import json
import tarfile
import tempfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import IO, Any

import zstandard
from sqlalchemy.orm import Session

from drydock.core.db import utcnow
from drydock.feeds import store
from drydock.feeds.records import EpssScore, KevEntry, PackageVersions, Record, vulnerability_from_dict

FORMAT = "drydock-feed-bundle"
FORMAT_VERSION = 2  # 2 added fix observation members; version 1 bundles still import
READABLE_VERSIONS = frozenset({1, FORMAT_VERSION})
RECORDS = "records"
OBSERVATIONS = "fix-observations"
MANIFEST = "manifest.json"
MAX_MANIFEST_BYTES = 16 << 20
_CHUNK = 1 << 20


class BundleError(ValueError):
    """The bundle is unreadable, not a feed bundle, or fails verification."""


@dataclass(frozen=True, slots=True)
class BundleFile:
    path: str
    feed: str
    group: str
    driver: str
    records: int
    sha256: str
    size: int
    kind: str = RECORDS


@dataclass(slots=True)
class Manifest:
    files: list[BundleFile] = field(default_factory=list)
    created_at: str = ""
    format: str = FORMAT
    version: int = FORMAT_VERSION

    @property
    def groups(self) -> list[BundleFile]:
        """The record members: one per group."""
        return [f for f in self.files if f.kind == RECORDS]

    def to_json(self) -> bytes:
        return json.dumps(asdict(self), indent=2).encode()

    @classmethod
    def from_json(cls, raw: bytes) -> Manifest:
        try:
            data = json.loads(raw)
            if data.get("format") != FORMAT or data.get("version") not in READABLE_VERSIONS:
                raise BundleError(
                    f"not a {FORMAT} v{'/v'.join(map(str, sorted(READABLE_VERSIONS)))} manifest"
                )
            files = [BundleFile(**f) for f in data["files"]]
            if any(f.kind not in (RECORDS, OBSERVATIONS) for f in files):
                raise BundleError("bad manifest: unknown member kind")
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            if isinstance(exc, BundleError):
                raise
            raise BundleError(f"bad manifest: {exc}") from None
        paths = [f.path for f in files]
        if len(set(paths)) != len(paths):
            raise BundleError("bad manifest: duplicate paths")
        return cls(files=files, created_at=str(data.get("created_at", "")))


def _kind(path: Path) -> str:
    for suffix, kind in ((".tar.zst", "zst"), (".tar.gz", "gz"), (".tgz", "gz"), (".tar", "")):
        if path.name.endswith(suffix):
            return kind
    raise BundleError(f"{path.name}: bundle name must end in .tar.zst, .tar.gz, .tgz or .tar")


@contextmanager
def _write_tar(path: Path) -> Iterator[tarfile.TarFile]:
    """A streaming tar writer over zstd or gzip (by suffix); zstd has no tarfile mode."""
    kind = _kind(path)
    with path.open("wb") as raw:
        if kind == "zst":
            with (
                zstandard.ZstdCompressor(level=10, threads=-1).stream_writer(raw) as zw,
                tarfile.open(fileobj=zw, mode="w|") as tar,
            ):
                yield tar
        elif kind == "gz":
            with tarfile.open(fileobj=raw, mode="w|gz") as tar:
                yield tar
        else:
            with tarfile.open(fileobj=raw, mode="w|") as tar:
                yield tar


@contextmanager
def _read_tar(path: Path) -> Iterator[tarfile.TarFile]:
    kind = _kind(path)
    with path.open("rb") as raw:
        if kind == "zst":
            with (
                zstandard.ZstdDecompressor().stream_reader(raw) as zr,
                tarfile.open(fileobj=zr, mode="r|") as tar,
            ):
                yield tar
        elif kind == "gz":
            with tarfile.open(fileobj=raw, mode="r|gz") as tar:
                yield tar
        else:
            with tarfile.open(fileobj=raw, mode="r|") as tar:
                yield tar


def _add(tar: tarfile.TarFile, name: str, fh: IO[bytes], size: int) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mode, info.mtime = size, 0o644, int(utcnow().timestamp())
    tar.addfile(info, fh)


def export_bundle(session: Session, out: Path, *, groups: list[str] | None = None) -> Manifest:
    """Write the store (or the named groups) to ``out``; returns the manifest written."""
    manifest = Manifest(created_at=utcnow().isoformat())
    with tempfile.TemporaryDirectory(prefix="drydock-bundle-") as tmp:
        spooled: list[tuple[BundleFile, Path]] = []
        for view in store.list_feeds(session):
            for group in view.groups:
                if groups is not None and group.name not in groups:
                    continue
                for kind, lines in _group_members(session, group.name):
                    spool = _spool(Path(tmp), kind, view.feed.name, group.name, group.driver or "", lines)
                    if spool is not None:
                        manifest.files.append(spool[0])
                        spooled.append(spool)
        with _write_tar(out) as tar:
            raw = manifest.to_json()
            _add(tar, MANIFEST, io.BytesIO(raw), len(raw))
            for entry, local in spooled:
                with local.open("rb") as fh:
                    _add(tar, entry.path, fh, entry.size)
    return manifest


def _group_members(session: Session, group: str) -> list[tuple[str, Iterator[dict[str, Any]]]]:
    return [
        (RECORDS, store.group_records(session, group)),
        (OBSERVATIONS, store.group_observations(session, group)),
    ]


def _spool(
    tmp: Path, kind: str, feed: str, group: str, driver: str, lines: Iterator[dict[str, Any]]
) -> tuple[BundleFile, Path] | None:
    """One member written to a temporary file with its digest; an empty observation member is
    left out (most groups' fixes are dated upstream), an empty group is kept."""
    local = tmp / f"{len(list(tmp.iterdir()))}.jsonl"
    digest, count, size = hashlib.sha256(), 0, 0
    with local.open("wb") as fh:
        for data in lines:
            line = json.dumps(data, sort_keys=True, separators=(",", ":")).encode() + b"\n"
            fh.write(line)
            digest.update(line)
            count, size = count + 1, size + len(line)
    if count == 0 and kind == OBSERVATIONS:
        return None
    folder = "records" if kind == RECORDS else "observations"
    entry = BundleFile(
        f"{folder}/{feed}/{group}.jsonl", feed, group, driver, count, digest.hexdigest(), size, kind
    )
    return entry, local


_DAMAGE = (tarfile.TarError, zstandard.ZstdError, EOFError, OSError, zlib.error)


@contextmanager
def _damage_is_bundle_error(path: Path) -> Iterator[None]:
    """Archive-level failures (truncation, bad compression) anywhere while streaming."""
    try:
        yield
    except _DAMAGE as exc:
        raise BundleError(f"{path.name}: damaged or truncated bundle ({type(exc).__name__}: {exc})") from None


def _members(path: Path) -> Iterator[tuple[tarfile.TarInfo, IO[bytes]]]:
    with _damage_is_bundle_error(path), _read_tar(path) as tar:
        for info in tar:
            if not info.isfile():
                raise BundleError(f"{path.name}: unexpected non-file member {info.name!r}")
            fh = tar.extractfile(info)
            if fh is None:  # pragma: no cover - isfile() members always have data
                raise BundleError(f"{path.name}: unreadable member {info.name!r}")
            yield info, fh


def _read_manifest(info: tarfile.TarInfo, fh: IO[bytes], name: str) -> Manifest:
    if info.name != MANIFEST:
        raise BundleError(f"{name}: first member must be {MANIFEST}, found {info.name!r}")
    if info.size > MAX_MANIFEST_BYTES:
        raise BundleError(f"{name}: manifest too large")
    return Manifest.from_json(fh.read())


def _verified_lines(path: Path, on_file: Callable[[BundleFile, list[bytes]], None] | None) -> Manifest:
    """Stream the bundle, checking every member against the manifest; hands each verified
    member's lines to ``on_file`` (only after its digest matched)."""
    with _damage_is_bundle_error(path):
        return _verify_stream(path, on_file)


def _verify_stream(path: Path, on_file: Callable[[BundleFile, list[bytes]], None] | None) -> Manifest:
    manifest: Manifest | None = None
    seen: set[str] = set()
    expected: dict[str, BundleFile] = {}
    for info, fh in _members(path):
        if manifest is None:
            manifest = _read_manifest(info, fh, path.name)
            expected = {f.path: f for f in manifest.files}
            continue
        entry = expected.get(info.name)
        if entry is None or info.name in seen:
            raise BundleError(f"{path.name}: member {info.name!r} is not listed in the manifest (tampered?)")
        if info.size != entry.size:
            raise BundleError(
                f"{path.name}: {info.name} size {info.size} != manifest {entry.size} (tampered?)"
            )
        seen.add(info.name)
        digest, lines = hashlib.sha256(), []
        for line in iter(fh.readline, b""):
            digest.update(line)
            if on_file is not None:
                lines.append(line)
        if digest.hexdigest() != entry.sha256:
            raise BundleError(
                f"{path.name}: checksum mismatch for {info.name} (tampered or corrupt); nothing imported"
            )
        if on_file is not None:
            on_file(entry, lines)
    if manifest is None:
        raise BundleError(f"{path.name}: empty bundle")
    missing = sorted(set(expected) - seen)
    if missing:
        raise BundleError(f"{path.name}: members missing from bundle: {', '.join(missing[:5])}")
    return manifest


def verify_bundle(path: Path) -> Manifest:
    """Check every member's size and sha256 against the manifest; raise BundleError if not."""
    return _verified_lines(path, None)


def record_from_dict(group: str, data: dict[str, Any]) -> Record:
    if group == store.KEV_GROUP:
        return KevEntry(**{**data, "cwes": tuple(data.get("cwes", ()))})
    if group == store.EPSS_GROUP:
        return EpssScore(**data)
    if group in store.PACKAGE_GROUPS:
        return PackageVersions(**{**data, "versions": tuple(data.get("versions", ()))})
    return vulnerability_from_dict(data)


@dataclass(slots=True)
class BundleContents:
    manifest: Manifest
    groups: list[store.GroupData]
    skipped: int = 0
    warnings: list[str] = field(default_factory=list)


def read_bundle(path: Path) -> BundleContents:
    """Verify the whole bundle, then decode its records (a bad line is skipped and counted)."""
    manifest = verify_bundle(path)
    contents = BundleContents(manifest, [])

    observed: dict[str, dict[store.ObservationKey, datetime]] = {}

    def decode(entry: BundleFile, lines: list[bytes]) -> None:
        data = store.GroupData(entry.feed, entry.group, entry.driver or "bundle")
        dates = observed.setdefault(entry.group, {})
        for number, line in enumerate(lines, 1):
            try:
                if entry.kind == OBSERVATIONS:
                    key, at = store.observation_from_dict(json.loads(line))
                    dates[key] = at
                else:
                    data.records.append(record_from_dict(entry.group, json.loads(line)))
            except (ValueError, KeyError, TypeError) as exc:
                contents.skipped += 1
                contents.warnings.append(f"{entry.path}:{number}: {type(exc).__name__}: {exc}")
        if entry.kind == RECORDS:
            contents.groups.append(data)

    _verified_lines(path, decode)
    for data in contents.groups:
        data.observed = observed.get(data.group, {})
    return contents
