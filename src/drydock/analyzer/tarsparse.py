"""GNU sparse members of a tar stream: reading the sparse map and re-inflating the holes.

A sparse file is archived as its data segments only, plus a map of where they sit in the real
file; the holes in between read back as zeros. GNU tar writes that map in four ways, and an
image layer built from a file with holes (``/var/log/lastlog`` of a user with a large uid is the
classic) may use any of them:

* old GNU (``--format=gnu``): typeflag ``S``, four (offset, numbytes) pairs in the header at
  386, continued in 512-byte extension blocks (21 pairs each) before the data, real size at 483;
* PAX 0.0: ``GNU.sparse.size`` and repeated ``GNU.sparse.offset``/``GNU.sparse.numbytes``
  records (a dict of records keeps only the last pair, hence the raw record bytes);
* PAX 0.1: ``GNU.sparse.map=off,len,off,len...`` and ``GNU.sparse.name``;
* PAX 1.0: ``GNU.sparse.major=1``, ``GNU.sparse.realsize``, ``GNU.sparse.name``; the map is
  decimal text lines at the start of the member data, padded to a block.

``open_sparse`` turns such a member into the regular file it stands for (real name, real size,
typeflag ``0``) and returns the map; ``expand`` rebuilds the real bytes from the stored data.
Members whose real size is above ``MAX_EXPANDED_BYTES`` (a 1 TB lastlog is 1 kB in the layer:
re-inflating it only to hash zeros is an amplification an image author controls), or whose map
is inconsistent, stay typeflag ``S`` with their stored data unread: the layer reader records
them without content, and a malformed map is reported in the member's warning.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from drydock.analyzer.tarstream import TarMember

BLOCK = 512
MAX_EXPANDED_BYTES = 1 << 30
MAX_MAP_BYTES = 1024 * 1024  # extension blocks / 1.0 map text: as tarstream's MAX_META_BYTES
SPARSE_KEYS = frozenset(("GNU.sparse.major", "GNU.sparse.size", "GNU.sparse.map", "GNU.sparse.numblocks"))
_ZEROS = memoryview(bytes(1024 * 1024))
_PAX00_PAIR = re.compile(rb"\d+ GNU\.sparse\.(offset|numbytes)=(\d+)\n")

Reader = Callable[[int], "bytes | None"]  # exactly n bytes, None at end of stream


class SparseMapError(ValueError):
    """The sparse map is missing, malformed or does not fit the stored data."""


@dataclass(frozen=True, slots=True)
class SparseMap:
    real_size: int
    segments: tuple[tuple[int, int], ...]  # (offset in the real file, length), ascending

    @property
    def stored_bytes(self) -> int:
        return sum(length for _, length in self.segments)


def _number(field: bytes) -> int:
    """A 12-byte header number: NUL/space-terminated octal, or GNU base-256 above 8 GiB."""
    if field[0] & 0x80:
        if field[0] == 0xFF:
            raise SparseMapError("negative number in sparse header")
        return int.from_bytes(bytes([field[0] & 0x7F]) + field[1:], "big")
    text = field.split(b"\0", 1)[0].strip()
    try:
        return int(text, 8) if text else 0
    except ValueError as exc:
        raise SparseMapError(f"bad number in sparse header: {field!r}") from exc


def _pairs(block: bytes, start: int, count: int) -> list[tuple[int, int]]:
    out = []
    for pos in range(start, start + 24 * count, 24):
        offset, length = _number(block[pos : pos + 12]), _number(block[pos + 12 : pos + 24])
        if length:  # unused slots are zero; so is the final (real_size, 0) marker
            out.append((offset, length))
    return out


def _old_gnu(header: bytes, read: Reader) -> SparseMap:
    segments = _pairs(header, 386, 4)
    extended, blocks = header[482], 0
    while extended:
        blocks += 1
        if blocks * BLOCK > MAX_MAP_BYTES:
            raise SparseMapError(f"more than {MAX_MAP_BYTES} bytes of sparse extension headers")
        ext = read(BLOCK)
        if ext is None:
            raise SparseMapError("sparse extension header missing at end of stream")
        segments += _pairs(ext, 0, 21)
        extended = ext[504]
    return SparseMap(_number(header[483:495]), tuple(segments))


def _int(text: str, what: str) -> int:
    try:
        value = int(text)
    except ValueError as exc:
        raise SparseMapError(f"bad {what}: {text!r}") from exc
    if value < 0:
        raise SparseMapError(f"negative {what}")
    return value


def _flat_pairs(numbers: list[int]) -> tuple[tuple[int, int], ...]:
    if len(numbers) % 2:
        raise SparseMapError("sparse map with an odd number of values")
    return tuple((o, n) for o, n in zip(numbers[::2], numbers[1::2], strict=True) if n)


def _v1_map(read: Reader, stored: int) -> tuple[tuple[int, int], ...]:
    """The 1.0 map at the start of the data: count, then offset/length lines; block-padded."""
    text = b""
    while True:
        lines = text.split(b"\n")
        if lines[0] and len(lines) > 1:
            count = _int(lines[0].decode("ascii", "replace"), "sparse map size")
            if len(lines) > 2 * count + 1:
                numbers = [
                    _int(x.decode("ascii", "replace"), "sparse map entry") for x in lines[1 : 2 * count + 1]
                ]
                return _flat_pairs(numbers)
        if len(text) + BLOCK > min(stored, MAX_MAP_BYTES):
            raise SparseMapError("sparse map runs past the member data")
        block = read(BLOCK)
        if block is None:
            raise SparseMapError("sparse map cut short by the end of the stream")
        text += block


def _pax_map(records: dict[str, str], pax_raw: bytes) -> tuple[int, tuple[tuple[int, int], ...]]:
    real = _int(records.get("GNU.sparse.size", records.get("GNU.sparse.realsize", "")), "sparse size")
    if "GNU.sparse.map" in records:  # 0.1
        values = records["GNU.sparse.map"].split(",") if records["GNU.sparse.map"] else []
        return real, _flat_pairs([_int(v, "sparse map entry") for v in values])
    pairs = _PAX00_PAIR.findall(pax_raw)  # 0.0: the records repeat, in offset/numbytes order
    keys = [key for key, _ in pairs]
    if keys != [b"offset", b"numbytes"] * (len(keys) // 2):
        raise SparseMapError("GNU.sparse.offset/numbytes records out of order")
    return real, _flat_pairs([int(value) for _, value in pairs])


def _check(smap: SparseMap, stored: int) -> None:
    pos = 0
    for offset, length in smap.segments:
        if offset < pos or offset + length > smap.real_size:
            raise SparseMapError("sparse segments overlap or lie beyond the real size")
        pos = offset + length
    if smap.stored_bytes != stored:
        raise SparseMapError(f"sparse map covers {smap.stored_bytes} bytes, the member stores {stored}")


def open_sparse(
    member: TarMember, header: bytes, records: dict[str, str], pax_raw: bytes, read: Reader
) -> tuple[SparseMap | None, int]:
    """Read the sparse map of ``member`` (old GNU ``S`` header, or PAX ``GNU.sparse.*``
    records) and make the member the real file. Returns (map, stored data bytes still to be
    read), or (None, stored bytes) when the member is left unexpanded as typeflag ``S``."""
    stored, map_bytes = member.size, 0
    if "GNU.sparse.name" in records:
        member.name = records["GNU.sparse.name"]

    def read_data_map(n: int) -> bytes | None:  # 1.0: the map is part of the member's data
        nonlocal map_bytes
        block = read(n)
        map_bytes += len(block or b"")
        return block

    try:
        if member.typeflag == "S":
            smap = _old_gnu(header, read)
        elif records.get("GNU.sparse.major") == "1":
            segments = _v1_map(read_data_map, stored)
            smap = SparseMap(_int(records.get("GNU.sparse.realsize", ""), "sparse real size"), segments)
        else:
            smap = SparseMap(*_pax_map(records, pax_raw))
        _check(smap, stored - map_bytes)
    except SparseMapError as exc:
        member.typeflag, member.warning = "S", f"unreadable GNU sparse map: {exc}"
        return None, stored - map_bytes
    stored -= map_bytes
    member.size = smap.real_size
    if smap.real_size > MAX_EXPANDED_BYTES:
        member.typeflag = "S"
        return None, stored
    member.typeflag = "0"
    return smap, stored


def _zeros(n: int) -> Iterator[memoryview]:
    while n > 0:
        take = min(n, len(_ZEROS))
        yield _ZEROS[:take]
        n -= take


def expand(smap: SparseMap, stored: Iterator[memoryview]) -> Iterator[memoryview]:
    """The real file's bytes: zeros for the holes, the stored data for the segments."""
    pos = 0
    chunk = memoryview(b"")
    for offset, length in smap.segments:
        yield from _zeros(offset - pos)
        pos = offset + length
        while length:
            if not chunk:
                chunk = next(stored)
            take = min(length, len(chunk))
            yield chunk[:take]
            chunk, length = chunk[take:], length - take
    for _ in stored:  # nothing is left (checked against the map); resuming advances the reader
        pass
    yield from _zeros(smap.real_size - pos)
