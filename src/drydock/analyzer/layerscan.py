"""One layer, one pass: index every tar member and pull out what the analysis needs.

This runs inside a worker process per layer (``squash`` merges the results in layer order),
so everything it takes (``ScanPlan``, the source) and returns (``LayerIndex``) is picklable
and it never looks at other layers. For each member it records the header (normalized path,
type, mode with setuid/setgid, owner, size, link target, mtime), notes whiteouts, and for
regular files decides on the header alone whether the bytes are needed:

* captured for catalogers (path matches a declared pattern, or a matching symlink earlier
  in the layer points at it), spilled to a generated file in the scratch dir when larger
  than ``spill_bytes``;
* handed to every ``FileScanner`` that ``wants`` it;
* searched for secrets / content regexes (small text files only);
* hashed (configured digest algorithms).

Files above ``max_file_bytes`` are only hashed (streamed), never held. Memory per worker is
therefore one file of at most ``max_file_bytes`` plus the index (≈ 400 bytes per member with a sha256) plus
the in-memory captures (each ≤ ``spill_bytes``, and only pattern-matched files).

Security: member names with NUL bytes or ``..`` components are skipped with a warning;
absolute names are taken relative to the root; device nodes are recorded, never read; hard
links are resolved only within this layer, with a hop limit. Nothing is written anywhere but
``plan.scratch_dir``, under generated names.
"""

from __future__ import annotations

import hashlib
import os
import posixpath
import uuid
from collections import OrderedDict
from dataclasses import dataclass, field

from drydock.analyzer.catalogers.base import CatalogContext, FileScanner
from drydock.analyzer.model import CatalogResult, FileEntry, FileType, SecretMatch
from drydock.analyzer.pathmatch import GlobSet
from drydock.analyzer.secrets import RegexSearcher
from drydock.analyzer.sources.base import ImageSource, LayerRef
from drydock.analyzer.tarstream import TarFormatError, TarMember, TarReader

WHITEOUT_PREFIX = ".wh."
OPAQUE_MARKER = ".wh..wh..opq"
MAX_HARDLINK_HOPS = 40
RECENT_BYTES = 16 * 1024 * 1024  # recently read files kept for hard links to them

_TYPES: dict[str, FileType] = {
    "0": FileType.REGULAR,
    "7": FileType.REGULAR,
    "1": FileType.HARDLINK,
    "2": FileType.SYMLINK,
    "3": FileType.CHAR_DEVICE,
    "4": FileType.BLOCK_DEVICE,
    "5": FileType.DIRECTORY,
    "6": FileType.FIFO,
}

# Index record: (path, type, mode, uid, gid, size, link_target, mtime, digests), digests being
# the hex values in ``ScanPlan.digest_algorithms`` order. Tuples, not FileEntry objects (nor
# dicts for the digests): they pickle several times faster and take a third of the memory.
Record = tuple[str, FileType, int, int, int, int, str | None, int, tuple[str, ...] | None]


def layer_id(layer: LayerRef) -> str:
    """The id entries and locations carry: the uncompressed diff_id when the source knows it
    (stable across recompression, and what syft reports), else the blob digest."""
    return layer.diff_id or layer.digest


class LayerError(Exception):
    """A layer could not be read (corrupt or truncated tar, too many members)."""


@dataclass(frozen=True, slots=True)
class Spilled:
    """A capture kept on disk (in the scratch dir, under a generated name)."""

    path: str
    size: int


Capture = bytes | Spilled


@dataclass(slots=True)
class ScanPlan:
    """What every layer worker does with the members it reads (the same for all layers)."""

    capture: GlobSet  # paths whose content catalogers read
    scratch_dir: str
    max_file_bytes: int
    spill_bytes: int
    max_entries: int
    digest_algorithms: tuple[str, ...] = ()
    scanners: list[FileScanner] = field(default_factory=list)
    scanner_context: CatalogContext = field(default_factory=CatalogContext)
    searchers: dict[str, RegexSearcher] = field(default_factory=dict)  # kind -> searcher

    def capture_wanted(self, path: str) -> bool:
        return self.capture.match(path)

    def scanners_for(self, entry: FileEntry) -> list[FileScanner]:
        return [s for s in self.scanners if s.wants(entry)]

    def searchers_for(self, size: int) -> list[tuple[str, RegexSearcher]]:
        return [(kind, s) for kind, s in self.searchers.items() if s.wants(size)]


@dataclass(slots=True)
class FileFindings:
    """What the scanners and regex searchers made of one file."""

    result: CatalogResult = field(default_factory=CatalogResult)
    matches: dict[str, list[SecretMatch]] = field(default_factory=dict)  # kind -> matches
    warnings: list[str] = field(default_factory=list)


def examine_file(
    plan: ScanPlan,
    entry: FileEntry,
    data: bytes,
    scanners: list[FileScanner],
    searchers: list[tuple[str, RegexSearcher]],
) -> FileFindings:
    """Run the given scanners and searchers on one file's bytes; a failing scanner becomes a
    warning for that file only."""
    found = FileFindings()
    for scanner in scanners:
        try:
            found.result.extend(scanner.scan(entry, data, plan.scanner_context))
        except Exception as exc:  # noqa: BLE001 - one bad file must not fail the layer
            found.warnings.append(f"{scanner.name} on {entry.path}: {exc}")
    for kind, searcher in searchers:
        matches = searcher.search(entry.path, data)
        if matches:
            found.matches[kind] = matches
    return found


@dataclass(slots=True)
class LayerIndex:
    """Everything one layer contributed, keyed by normalized path. Whiteouts and opaque
    directories apply to the layers below only."""

    digest: str  # the blob digest, for messages
    layer_id: str  # what FileEntry.layer / Location.layer say: the diff_id, as syft's layerID
    records: list[Record] = field(default_factory=list)
    whiteouts: list[str] = field(default_factory=list)
    opaques: list[str] = field(default_factory=list)
    captures: dict[str, Capture] = field(default_factory=dict)
    too_large: set[str] = field(default_factory=set)  # wanted for capture but over the limit
    scan_results: dict[str, CatalogResult] = field(default_factory=dict)
    matches: dict[str, dict[str, list[SecretMatch]]] = field(default_factory=dict)  # kind -> path ->
    warnings: list[str] = field(default_factory=list)


def normalize_member_name(name: str) -> tuple[str | None, str | None]:
    """(absolute normalized path, warning). The path is None when the member must be skipped:
    NUL bytes, or ``..`` components (a layer has no business naming its parent)."""
    if "\0" in name:
        return None, f"member name contains NUL: {name!r}"
    warning = None
    if name.startswith("/") and name.strip("/"):
        warning = f"absolute member name {name!r} taken relative to the root"
    parts = [p for p in name.split("/") if p and p != "."]
    if ".." in parts:
        return None, f"member name with '..' skipped: {name!r}"
    return "/" + "/".join(parts), warning


def spill(scratch_dir: str, data: bytes) -> Spilled:
    """Write ``data`` to a new file in ``scratch_dir`` under a generated name (never a path
    from the image, so an image cannot steer where we write)."""
    name = os.path.join(scratch_dir, f"capture-{uuid.uuid4().hex}")
    fd = os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
    return Spilled(name, len(data))


class _LayerScanner:
    """Stateful walk over one layer's members (one instance per pass)."""

    def __init__(
        self,
        plan: ScanPlan,
        index: LayerIndex,
        only: dict[str, list[FileEntry]] | None,
        stop_after: int | None = None,
    ) -> None:
        self.plan = plan
        self.index = index
        self.only = only  # second pass: target path -> the link entries that need its bytes
        self.hardlinks: dict[str, str] = {}  # link path -> target path (this layer)
        self.regular: dict[str, Record] = {}  # path -> record, to copy digests onto hard links
        self.deferred: dict[str, list[FileEntry]] = {}  # target -> link entries needing bytes
        # a hard link names an earlier member, so the second pass ends at the last deferred link
        self.last_deferred = 0
        self.stop_after = stop_after
        self.recent: OrderedDict[str, bytes] = OrderedDict()
        self.recent_bytes = 0
        self.count = 0
        # where this layer's wanted symlinks point (one hop, lexically): captured when they
        # come later in the stream, which spares ``squash`` a second read of the layer
        self.link_targets: set[str] = set()

    def warn(self, message: str) -> None:
        self.index.warnings.append(f"layer {self.index.digest}: {message}")

    def run(self, reader: TarReader) -> bool:
        """Walk the members; False when stopped before the end (second pass, nothing left)."""
        for member in reader:
            self.count += 1
            if self.count > self.plan.max_entries:
                raise LayerError(f"more than {self.plan.max_entries} members (tar bomb guard)")
            if self.only is not None:
                self._second_pass_member(reader, member)
                if self.stop_after is not None and self.count >= self.stop_after:
                    return False
            else:
                self._member(reader, member)
        return True

    def _member(self, reader: TarReader, m: TarMember) -> None:
        path, warning = normalize_member_name(m.name)
        if warning:
            self.warn(warning)
        if m.warning:
            self.warn(f"{m.name}: {m.warning}")
        if path is None:
            return
        base = path.rsplit("/", 1)[1]
        if base.startswith(WHITEOUT_PREFIX):
            parent = path.rsplit("/", 1)[0] or "/"
            if base == OPAQUE_MARKER:
                self.index.opaques.append(parent)
            elif not base.startswith(".wh..wh."):  # other .wh..wh.* are aufs metadata
                self.index.whiteouts.append(parent.rstrip("/") + "/" + base[len(WHITEOUT_PREFIX) :])
            return
        ftype = _TYPES.get(m.typeflag)
        if ftype is None:
            if m.typeflag == "S":
                self.warn(f"{path}: GNU sparse file recorded without content")
                ftype = FileType.REGULAR
            else:
                ftype = FileType.OTHER
        if ftype is FileType.REGULAR and m.typeflag != "S":
            self._regular(reader, path, m)
            return
        link: str | None = None
        if ftype is FileType.SYMLINK:
            link = m.linkname
            if self.plan.capture_wanted(path):
                self.link_targets.add(posixpath.normpath(posixpath.join(path.rsplit("/", 1)[0] or "/", link)))
        elif ftype is FileType.HARDLINK:
            link = self._hardlink(path, m)
        size = 0 if ftype is not FileType.REGULAR else m.size
        self.index.records.append((path, ftype, m.mode, m.uid, m.gid, size, link, m.mtime, None))

    def _hardlink(self, path: str, m: TarMember) -> str | None:
        target, warning = normalize_member_name(m.linkname)
        if target is None:
            self.warn(f"hard link {path}: bad target ({warning})")
            return m.linkname
        root = self._link_root(target)
        if root is None:
            self.warn(f"hard link {path} -> {target}: target missing or looping")
            return target
        self.hardlinks[path] = root
        shared = self.regular[root]
        link_record: Record = (path, FileType.HARDLINK, *shared[2:6], root, shared[7], shared[8])
        entry = record_to_entry(link_record, self.index.layer_id, self.plan.digest_algorithms)
        if entry.size > self.plan.max_file_bytes:
            return root
        if root in self.index.captures and self.plan.capture_wanted(path):
            self.index.captures[path] = self.index.captures[root]
        if not self._needs_bytes(entry):
            return root
        data = self.recent.get(root)
        if data is None:
            self.deferred.setdefault(root, []).append(entry)
            self.last_deferred = self.count
        else:
            self._link_content(entry, data)
        return root

    def _link_root(self, target: str) -> str | None:
        for _ in range(MAX_HARDLINK_HOPS):
            if target in self.regular:
                return target
            nxt = self.hardlinks.get(target)
            if nxt is None:
                return None
            target = nxt
        return None

    def _needs_bytes(self, link: FileEntry) -> bool:
        plan = self.plan
        return (
            (plan.capture_wanted(link.path) and link.path not in self.index.captures)
            or any(s.wants(link) for s in plan.scanners)
            or any(s.wants(link.size) for s in plan.searchers.values())
        )

    def _link_content(self, link: FileEntry, data: bytes) -> None:
        if self.plan.capture_wanted(link.path) and link.path not in self.index.captures:
            self.index.captures[link.path] = self._keep(data)
        self._consume(link, data, self.plan.scanners_for(link), self.plan.searchers_for(link.size))

    def _remember(self, path: str, data: bytes) -> None:
        """Keep recently read files for hard links that follow them (bounded)."""
        if len(data) > RECENT_BYTES:
            return
        previous = self.recent.pop(path, None)
        if previous is not None:
            self.recent_bytes -= len(previous)
        self.recent[path] = data
        self.recent_bytes += len(data)
        while self.recent_bytes > RECENT_BYTES:
            _, old = self.recent.popitem(last=False)
            self.recent_bytes -= len(old)

    def _regular(self, reader: TarReader, path: str, m: TarMember) -> None:
        plan = self.plan
        capture = plan.capture_wanted(path) or path in self.link_targets
        if m.size > plan.max_file_bytes:
            if capture:
                self.index.too_large.add(path)
            self._warn_unscanned(path, m)
            digests = _hash_stream(reader, plan.digest_algorithms) if plan.digest_algorithms else None
            self._record(path, m, digests)
            return
        entry = FileEntry(
            path=path,
            type=FileType.REGULAR,
            mode=m.mode,
            uid=m.uid,
            gid=m.gid,
            size=m.size,
            layer=self.index.layer_id,
        )
        scanners = plan.scanners_for(entry) if plan.scanners else []
        searchers = plan.searchers_for(m.size)
        if not (capture or scanners or searchers):
            digests = _hash_stream(reader, plan.digest_algorithms) if plan.digest_algorithms else None
            self._record(path, m, digests)
            return
        data = reader.read_data()
        digests = _hash_bytes(data, plan.digest_algorithms) if plan.digest_algorithms else None
        self._record(path, m, digests)
        if capture:
            self.index.captures[path] = self._keep(data)
        self._consume(entry, data, scanners, searchers)
        self._remember(path, data)

    def _warn_unscanned(self, path: str, m: TarMember) -> None:
        """A file too big to hold is not scanned; say so if a scanner would have wanted it."""
        if not self.plan.scanners:
            return
        probe = FileEntry(path=path, type=FileType.REGULAR, mode=m.mode, uid=m.uid, gid=m.gid, size=m.size)
        names = [s.name for s in self.plan.scanners_for(probe)]
        if names:
            self.warn(f"{path}: {m.size} bytes exceeds max_file_bytes, not scanned by {', '.join(names)}")

    def _record(self, path: str, m: TarMember, digests: tuple[str, ...] | None) -> None:
        record: Record = (path, FileType.REGULAR, m.mode, m.uid, m.gid, m.size, None, m.mtime, digests)
        self.index.records.append(record)
        self.regular[path] = record
        self.hardlinks.pop(path, None)

    def _keep(self, data: bytes) -> Capture:
        if len(data) <= self.plan.spill_bytes:
            return data
        return spill(self.plan.scratch_dir, data)

    def _consume(
        self,
        entry: FileEntry,
        data: bytes,
        scanners: list[FileScanner],
        searchers: list[tuple[str, RegexSearcher]],
    ) -> None:
        if scanners or searchers:
            self.apply(entry, examine_file(self.plan, entry, data, scanners, searchers))

    def apply(self, entry: FileEntry, found: FileFindings) -> None:
        for warning in found.warnings:
            self.warn(warning)
        r = found.result
        if r.packages or r.relationships or r.warnings:
            self.index.scan_results.setdefault(entry.path, CatalogResult()).extend(r)
        for kind, matches in found.matches.items():
            self.index.matches.setdefault(kind, {})[entry.path] = matches

    def _second_pass_member(self, reader: TarReader, m: TarMember) -> None:
        """Re-read only the hard-link targets whose links needed the bytes."""
        assert self.only is not None
        path, _ = normalize_member_name(m.name)
        links = self.only.get(path) if path and m.typeflag in ("0", "7") else None
        if not links:
            return
        data = reader.read_data()
        for link in links:
            self._link_content(link, data)


def record_to_entry(record: Record, layer: str | None, algorithms: tuple[str, ...]) -> FileEntry:
    path, ftype, mode, uid, gid, size, link, mtime, digests = record
    return FileEntry(
        path=path,
        type=ftype,
        mode=mode,
        uid=uid,
        gid=gid,
        size=size,
        link_target=link,
        layer=layer,
        digests=dict(zip(algorithms, digests)) if digests else {},
        mtime=mtime,
    )


def _hash_bytes(data: bytes, algorithms: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(hashlib.new(name, data).hexdigest() for name in algorithms)


def _hash_stream(reader: TarReader, algorithms: tuple[str, ...]) -> tuple[str, ...]:
    if reader.data_fits_buffer:  # most files: one slice, no generator
        return _hash_bytes(reader.read_data(), algorithms)
    hashers = [hashlib.new(name) for name in algorithms]
    for chunk in reader.data_chunks():
        for h in hashers:
            h.update(chunk)
    return tuple(h.hexdigest() for h in hashers)


def _read_layer(source: ImageSource, layer: LayerRef, scanner: _LayerScanner) -> None:
    with source.open_layer(layer) as stream:
        reader = TarReader(stream)
        if scanner.run(reader):  # a pass that stopped early leaves the stream unverified, as
            reader.drain()  # the first pass has verified it already


def scan_layer(source: ImageSource, layer: LayerRef, plan: ScanPlan) -> LayerIndex:
    """Read one layer (plus a second pass if hard links needed bytes of files that were not
    kept) and return its index.
    Raises LayerError for an unreadable layer; SourceError (e.g. digest mismatch) from the
    source passes through."""
    index = LayerIndex(digest=layer.digest, layer_id=layer_id(layer))
    first = _LayerScanner(plan, index, None)
    try:
        _read_layer(source, layer, first)
        if first.deferred:
            second = _LayerScanner(plan, index, first.deferred, first.last_deferred)
            _read_layer(source, layer, second)
    except TarFormatError as exc:
        raise LayerError(f"layer {layer.digest}: {exc}") from None
    _copy_link_digests(index, first)
    return index


def _copy_link_digests(index: LayerIndex, scanner: _LayerScanner) -> None:
    """Hard links carry their target's digests (and size), as the file they name is the same."""
    if not scanner.hardlinks:
        return
    for i, record in enumerate(index.records):
        root = scanner.hardlinks.get(record[0])
        if record[1] is FileType.HARDLINK and root is not None and root in scanner.regular:
            target = scanner.regular[root]
            index.records[i] = record[:5] + (target[5],) + record[6:8] + (target[8],)
