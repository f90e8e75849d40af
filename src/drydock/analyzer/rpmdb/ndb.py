"""rpm's NDB backend (``Packages.db``, SUSE): a slot table pointing at blob records.

Layout: a 32-byte header (magic ``RpmP``, version 0, generation, slot page count), then slot
entries of 16 bytes (magic ``Slot``, package index, block offset, block count) filling the
slot pages; blobs start at ``block offset * 16`` with a 16-byte header (magic ``BlbS``,
package index, checksum, length) followed by the header blob.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator

from drydock.analyzer.rpmdb.header import MAX_DATA_LENGTH, HeaderError, RecordError

HEADER_MAGIC = b"RpmP"
SLOT_MAGIC = b"Slot"
BLOB_MAGIC = b"BlbS"
PAGE_SIZE = 4096
SLOT_SIZE = 16
BLOCK_SIZE = 16
MAX_SLOT_PAGES = 2048  # go-rpmdb's sanity limit


def is_ndb(data: bytes) -> bool:
    return data[:4] == HEADER_MAGIC


def read_ndb(data: bytes) -> Iterator[bytes | RecordError]:
    """Header blobs in slot order (a RecordError for a slot whose blob is damaged)."""
    if len(data) < 32 or data[:4] != HEADER_MAGIC:
        raise HeaderError("NDB: missing RpmP header")
    version, _generation, slot_pages = struct.unpack_from("<III", data, 4)
    if version != 0 or slot_pages == 0 or slot_pages > MAX_SLOT_PAGES:
        raise HeaderError(f"NDB: unsupported version {version} or slot page count {slot_pages}")
    slots_end = slot_pages * PAGE_SIZE
    if slots_end > len(data):
        raise HeaderError("NDB: slot pages extend beyond the file")
    for offset in range(32, slots_end, SLOT_SIZE):
        magic = data[offset : offset + 4]
        if magic != SLOT_MAGIC:
            raise HeaderError(f"NDB: bad slot magic at offset {offset}")
        pkg_index, block_offset, _block_count = struct.unpack_from("<III", data, offset + 4)
        if pkg_index == 0:
            continue  # free slot
        try:
            yield _blob(data, pkg_index, block_offset * BLOCK_SIZE)
        except RecordError as exc:
            yield exc


def _blob(data: bytes, pkg_index: int, start: int) -> bytes:
    if start + 16 > len(data) or data[start : start + 4] != BLOB_MAGIC:
        raise RecordError(f"NDB: bad blob magic for package {pkg_index}")
    blob_index, _checksum, length = struct.unpack_from("<III", data, start + 4)
    if blob_index != pkg_index:
        raise RecordError(f"NDB: slot/blob package index mismatch ({pkg_index} != {blob_index})")
    if length > MAX_DATA_LENGTH or start + 16 + length > len(data):
        raise RecordError(f"NDB: blob of package {pkg_index} extends beyond the file")
    return data[start + 16 : start + 16 + length]
