"""Berkeley DB hash databases (the classic ``/var/lib/rpm/Packages``), read without libdb.

Only what rpm stores is supported: a hash database whose values (the header blobs) live on
overflow pages. Each hash page lists key/value index pairs; a value that is an off-page
reference names the first overflow page, and the chain of ``next`` pointers gives the rest.
Chains are followed with a visited set and the total length is capped, so a crafted file
cannot loop or balloon.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator

from drydock.analyzer.rpmdb.header import MAX_DATA_LENGTH, HeaderError, RecordError

HASH_MAGIC = 0x061561
HASH_METADATA_PAGE = 8
HASH_UNSORTED_PAGE = 2
HASH_PAGE = 13
HASH_OFFPAGE_ENTRY = 3  # H_OFFPAGE: value stored on overflow pages
PAGE_HEADER_SIZE = 26
VALID_PAGE_SIZES = frozenset(1 << n for n in range(9, 17))  # 512 B .. 64 KiB


def is_bdb(data: bytes) -> bool:
    return len(data) >= 16 and struct.unpack_from("<I", data, 12)[0] in (HASH_MAGIC, _swapped(HASH_MAGIC))


def _swapped(value: int) -> int:
    return struct.unpack("<I", struct.pack(">I", value))[0]


def read_bdb(data: bytes) -> Iterator[bytes | RecordError]:
    """Every value blob of the hash database, in page order (a RecordError for a value whose
    overflow chain is broken)."""
    if len(data) < 72:
        raise HeaderError("Berkeley DB: file too short for a metadata page")
    magic = struct.unpack_from("<I", data, 12)[0]
    order = "<" if magic == HASH_MAGIC else ">" if magic == _swapped(HASH_MAGIC) else None
    if order is None:
        raise HeaderError(f"Berkeley DB: unexpected magic {magic:#x}")
    page_size, = struct.unpack_from(order + "I", data, 20)
    encryption, page_type = data[24], data[25]
    last_page, = struct.unpack_from(order + "I", data, 32)
    if page_type != HASH_METADATA_PAGE:
        raise HeaderError(f"Berkeley DB: not a hash database (page type {page_type})")
    if encryption:
        raise HeaderError("Berkeley DB: encrypted databases are not supported")
    if page_size not in VALID_PAGE_SIZES:
        raise HeaderError(f"Berkeley DB: invalid page size {page_size}")
    page_count = min(last_page + 1, len(data) // page_size)
    for page_no in range(1, page_count):
        page = data[page_no * page_size : (page_no + 1) * page_size]
        if page[25] not in (HASH_PAGE, HASH_UNSORTED_PAGE):
            continue
        entries, = struct.unpack_from(order + "H", page, 20)
        if entries % 2 or PAGE_HEADER_SIZE + entries * 2 > page_size:
            yield RecordError(f"Berkeley DB: page {page_no}: invalid entry count {entries}")
            continue
        for i in range(1, entries, 2):  # index pairs are (key, value); values are odd
            offset, = struct.unpack_from(order + "H", page, PAGE_HEADER_SIZE + i * 2)
            if offset + 12 > page_size or page[offset] != HASH_OFFPAGE_ENTRY:
                continue
            first_page, length = struct.unpack_from(order + "II", page, offset + 4)
            try:
                yield _overflow_chain(data, order, page_size, first_page, length)
            except RecordError as exc:
                yield exc


def _overflow_chain(data: bytes, order: str, page_size: int, page_no: int, length: int) -> bytes:
    if length > MAX_DATA_LENGTH:
        raise RecordError(f"Berkeley DB: value length {length} exceeds limit")
    chunks: list[bytes] = []
    total = 0
    seen: set[int] = set()
    while page_no:
        if page_no in seen or (page_no + 1) * page_size > len(data):
            raise RecordError(f"Berkeley DB: broken overflow chain at page {page_no}")
        seen.add(page_no)
        page = data[page_no * page_size : (page_no + 1) * page_size]
        next_page, = struct.unpack_from(order + "I", page, 16)
        used, = struct.unpack_from(order + "H", page, 22)  # hf_offset: bytes used on the page
        chunk = page[PAGE_HEADER_SIZE : PAGE_HEADER_SIZE + used] if next_page == 0 else page[PAGE_HEADER_SIZE:]
        chunks.append(chunk)
        total += len(chunk)
        if total > MAX_DATA_LENGTH:
            raise RecordError("Berkeley DB: overflow chain exceeds size limit")
        page_no = next_page
    return b"".join(chunks)
