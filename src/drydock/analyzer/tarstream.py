"""A forward-only tar reader for layer streams.

Why not ``tarfile`` in ``r|`` mode: it builds a TarInfo object per member, re-parses PAX
headers through several layers of indirection and reads data through small buffered calls;
on layers with tens of thousands of members that dominated the squash time
(``bench/bench_tarparse.py`` compares the two on the same archive). This reader parses the
512-byte headers directly out of a large read buffer and lets the caller decide, per member,
whether to skip the data, stream it (hashing) or collect it.

Formats: POSIX ustar (with ``prefix``), GNU (``L``/``K`` long names, base-256 numbers) and
PAX (``x`` per-member and ``g`` global records: path, linkpath, size, uid, gid, mtime). GNU
sparse members (old ``S`` and PAX 0.0/0.1/1.0) are read as the files they stand for, holes
re-inflated (``tarsparse.py``).
Corruption (bad checksum, unparsable size, truncation) raises ``TarFormatError``: after that
the position of the next header is unknown, so the layer cannot be read further.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

from drydock.analyzer.tarsparse import SPARSE_KEYS, SparseMap, expand, open_sparse

BLOCK = 512
ZERO_BLOCK = bytes(BLOCK)
MAX_META_BYTES = 1024 * 1024  # long-name and PAX records larger than this are not plausible
READ_CHUNK = 1024 * 1024
_NO_DATA_TYPES = frozenset("123456")


class TarFormatError(Exception):
    """The stream is not a readable tar archive from this point on."""


@dataclass(slots=True)
class TarMember:
    name: str  # raw member name (not normalized)
    typeflag: str  # one character, "0" for regular files ("\0" is mapped to "0")
    mode: int
    uid: int
    gid: int
    size: int  # bytes of data that follow the header
    mtime: int
    linkname: str
    offset: int  # byte offset of the header, for error messages
    warning: str | None = None  # a non-fatal problem with this member's header fields


class _Buffer:
    """Large-chunk reader with exact reads; tracks the absolute offset."""

    def __init__(self, fh: BinaryIO, chunk: int = READ_CHUNK) -> None:
        self._fh = fh
        self._chunk = chunk
        self._buf = b""
        self._pos = 0
        self.offset = 0

    def _available(self) -> int:
        return len(self._buf) - self._pos

    def _refill(self) -> bool:
        data = self._fh.read(self._chunk)
        if not data:
            return False
        self._buf = self._buf[self._pos :] + data if self._pos < len(self._buf) else data
        self._pos = 0
        return True

    def read(self, n: int) -> bytes | None:
        """Exactly ``n`` bytes, None at a clean end of stream, TarFormatError if cut short."""
        while self._available() < n:
            if not self._refill():
                if self._available() == 0:
                    return None
                raise TarFormatError(f"truncated tar at offset {self.offset + self._available()}")
        out = self._buf[self._pos : self._pos + n]
        self._pos += n
        self.offset += n
        return out

    def chunks(self, n: int) -> Iterator[memoryview]:
        """``n`` bytes as a series of views (no copy of the whole)."""
        while n > 0:
            if self._available() == 0 and not self._refill():
                raise TarFormatError(f"truncated tar at offset {self.offset}: {n} bytes of data missing")
            take = min(n, self._available())
            yield memoryview(self._buf)[self._pos : self._pos + take]
            self._pos += take
            self.offset += take
            n -= take

    def skip(self, n: int) -> None:
        for _ in self.chunks(n):
            pass

    def drain(self) -> None:
        """Read to the end so a digest-verifying source sees every byte."""
        self._pos = len(self._buf)
        while self._fh.read(self._chunk):
            pass


def _octal(field: bytes) -> int:
    if field and field[0] & 0x80:  # GNU base-256
        if field[0] == 0xFF:
            raise ValueError("negative base-256 number")
        return int.from_bytes(bytes([field[0] & 0x7F]) + field[1:], "big")
    try:
        return int(field.rstrip(b"\0"), 8)  # the usual "0000644\0" (int() ignores spaces)
    except ValueError:
        text = field.split(b"\0", 1)[0].strip()
        return int(text, 8) if text else 0


def _checksum_ok(block: bytes, stored: int) -> bool:
    """The header's byte sum (checksum field read as spaces) must equal ``stored``.

    Summing 512 bytes in Python was the largest cost of header parsing; zlib's adler32 gives
    ``1 + sum mod 65521`` at C speed, so the sum is compared modulo 65521. A damaged header
    passes only if its sum is off by exactly 65521 — as a corruption detector this is as good
    as the exact sum (which is itself only a 17-bit check)."""
    partial = ((zlib.adler32(block) & 0xFFFF) - 1 - sum(block[148:156]) + 8 * 32) % 65521
    return stored % 65521 == partial


def _standard_numbers(block: bytes) -> tuple[int, int, int, int, int] | None:
    """mode, uid, gid, size, mtime when all five are NUL-terminated octal (what tar writers
    emit almost always): one split instead of five field parses. None → parse field by field."""
    fields = block[100:148].split(b"\0")
    # exactly one NUL, at the end of each field, keeps the pieces aligned with the fields
    if len(fields) != 6 or fields[5] or tuple(map(len, fields[:5])) != (7, 7, 7, 11, 11):
        return None
    try:
        return int(fields[0], 8), int(fields[1], 8), int(fields[2], 8), int(fields[3], 8), int(fields[4], 8)
    except ValueError:
        return None


def _cstr(field: bytes) -> str:
    return field.split(b"\0", 1)[0].decode("utf-8", "surrogateescape")


def _parse_pax(data: bytes) -> dict[str, str]:
    """``"%d %s=%s\\n"`` records; the length prefix counts the whole record."""
    out: dict[str, str] = {}
    pos = 0
    while pos < len(data):
        if data[pos] == 0:
            break
        space = data.find(b" ", pos)
        if space < 0:
            raise TarFormatError("malformed PAX record")
        try:
            length = int(data[pos:space])
        except ValueError as exc:
            raise TarFormatError("malformed PAX record length") from exc
        end = pos + length
        if length <= 0 or end > len(data):
            raise TarFormatError("PAX record length out of range")
        key, sep, value = data[space + 1 : end - 1].partition(b"=")
        if not sep:
            raise TarFormatError("PAX record without '='")
        out[key.decode("utf-8", "surrogateescape")] = value.decode("utf-8", "surrogateescape")
        pos = end
    return out


class TarReader:
    """Iterate members; after each member the caller must consume its data exactly once with
    ``data_chunks``/``read_data``/``skip_data`` (unconsumed data is skipped automatically)."""

    def __init__(self, fh: BinaryIO) -> None:
        self._buf = _Buffer(fh)
        self._pending = 0  # data bytes (incl. padding) of the current member not yet consumed
        self._pending_data = 0
        self._global_pax: dict[str, str] = {}
        self._sparse: SparseMap | None = None  # the current member's, when it has holes to fill

    @property
    def offset(self) -> int:
        return self._buf.offset

    def _padding(self, size: int) -> int:
        return (-size) % BLOCK

    def _finish_current(self) -> None:
        if self._pending:
            self._buf.skip(self._pending)
            self._pending = self._pending_data = 0

    def _meta_data(self, size: int, what: str, offset: int) -> bytes:
        if size > MAX_META_BYTES:
            raise TarFormatError(f"{what} of {size} bytes at offset {offset} exceeds {MAX_META_BYTES}")
        data = self._buf.read(size + self._padding(size))
        if data is None:
            raise TarFormatError(f"truncated tar: {what} at offset {offset} has no data")
        return data[:size]

    def __iter__(self) -> Iterator[TarMember]:
        long_name: str | None = None
        long_link: str | None = None
        pax: dict[str, str] = {}
        pax_raw = b""
        while True:
            self._finish_current()
            offset = self._buf.offset
            block = self._buf.read(BLOCK)
            if block is None or block == ZERO_BLOCK:
                return
            member = self._parse_header(block, offset)
            tf = member.typeflag
            if tf in ("L", "K", "x", "g"):
                data = self._meta_data(member.size, f"'{tf}' header", offset)
                if tf == "L":
                    long_name = data.split(b"\0", 1)[0].decode("utf-8", "surrogateescape")
                elif tf == "K":
                    long_link = data.split(b"\0", 1)[0].decode("utf-8", "surrogateescape")
                elif tf == "x":
                    pax, pax_raw = _parse_pax(data), data
                else:
                    self._global_pax.update(_parse_pax(data))
                continue
            records = {**self._global_pax, **pax} if self._global_pax else pax
            if records:
                self._apply_pax(member, records)
            if long_name is not None:
                member.name = long_name
            if long_link is not None:
                member.linkname = long_link
            long_name = long_link = None
            # Links, devices, directories and FIFOs carry no data whatever their size field says
            # (as tarfile); regular files and unknown types do.
            data_size = 0 if tf in _NO_DATA_TYPES else member.size
            self._sparse = None
            if tf == "S" or (pax and not SPARSE_KEYS.isdisjoint(pax)):
                self._sparse, data_size = open_sparse(member, block, pax, pax_raw, self._buf.read)
            pax, pax_raw = {}, b""
            self._pending_data = data_size
            self._pending = data_size + self._padding(data_size)
            yield member

    def _parse_header(self, block: bytes, offset: int) -> TarMember:
        try:
            stored = _octal(block[148:156])
        except ValueError as exc:
            raise TarFormatError(f"invalid tar header at offset {offset}") from exc
        if not _checksum_ok(block, stored):
            raise TarFormatError(f"invalid tar header checksum at offset {offset}")
        numbers = _standard_numbers(block)
        if numbers is not None:
            mode, uid, gid, size, mtime = numbers
            warning = None
        else:
            size, (mode, uid, gid, mtime), warning = self._numbers_slowly(block, offset)
        name = _cstr(block[0:100])
        if block[257:263] == b"ustar\x00":  # POSIX ustar: name may continue in prefix
            prefix = _cstr(block[345:500])
            if prefix:
                name = prefix + "/" + name
        typeflag = chr(block[156]) if block[156] else "0"
        return TarMember(
            name=name,
            typeflag=typeflag,
            mode=mode & 0o7777,
            uid=uid,
            gid=gid,
            size=size,
            mtime=mtime,
            linkname=_cstr(block[157:257]),
            offset=offset,
            warning=warning,
        )

    @staticmethod
    def _numbers_slowly(block: bytes, offset: int) -> tuple[int, tuple[int, int, int, int], str | None]:
        """Field by field, for base-256 numbers and unterminated or odd fields."""
        try:
            size = _octal(block[124:136])
        except ValueError as exc:
            raise TarFormatError(f"invalid size field in tar header at offset {offset}") from exc
        try:
            rest = (
                _octal(block[100:108]),
                _octal(block[108:116]),
                _octal(block[116:124]),
                _octal(block[136:148]),
            )
        except ValueError:
            return size, (0, 0, 0, 0), "unparsable mode/uid/gid/mtime field; using 0"
        return size, rest, None

    @staticmethod
    def _apply_pax(member: TarMember, records: dict[str, str]) -> None:
        if "path" in records:
            member.name = records["path"]
        if "linkpath" in records:
            member.linkname = records["linkpath"]
        try:
            if "size" in records:
                member.size = int(records["size"])
            for key in ("uid", "gid"):
                if key in records:
                    setattr(member, key, int(records[key]))
            if "mtime" in records:
                member.mtime = int(float(records["mtime"]))
        except ValueError as exc:
            raise TarFormatError(f"invalid PAX number at offset {member.offset}") from exc
        if member.size < 0:
            raise TarFormatError(f"negative PAX size at offset {member.offset}")

    def data_chunks(self) -> Iterator[memoryview]:
        """The current member's data, streamed."""
        n, pad = self._pending_data, self._pending - self._pending_data
        self._pending = self._pending_data = 0
        if self._sparse is not None:
            yield from expand(self._sparse, self._buf.chunks(n))
        else:
            yield from self._buf.chunks(n)
        self._buf.skip(pad)

    @property
    def data_fits_buffer(self) -> bool:
        return self._pending <= READ_CHUNK and self._sparse is None

    def read_data(self) -> bytes:
        """The current member's data as one bytes object (one copy for files that fit the
        read buffer, the common case)."""
        n, total = self._pending_data, self._pending
        if total <= READ_CHUNK and self._sparse is None:
            self._pending = self._pending_data = 0
            block = self._buf.read(total)
            if block is None:
                raise TarFormatError(f"truncated tar at offset {self._buf.offset}: member data missing")
            return block[:n]
        out = bytearray()
        for chunk in self.data_chunks():
            out += chunk
        return bytes(out)

    def drain(self) -> None:
        self._pending = self._pending_data = 0
        self._buf.drain()
