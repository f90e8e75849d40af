"""Pure-Python readers for the three rpmdb formats and for RPM header blobs.

``read_packages`` sniffs the format from the content (not the file name, which images do not
always keep) and yields one ``RpmHeaderInfo`` per installed package. A damaged individual
header is reported through ``on_error`` and skipped; an unreadable database raises
``HeaderError``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from drydock.analyzer.rpmdb.bdb import is_bdb, read_bdb
from drydock.analyzer.rpmdb.header import HeaderError, RecordError, RpmHeaderInfo, header_info, parse_header
from drydock.analyzer.rpmdb.ndb import is_ndb, read_ndb
from drydock.analyzer.rpmdb.sqlite import is_sqlite, read_sqlite

__all__ = ["HeaderError", "RpmHeaderInfo", "read_packages"]


def _blobs(data: bytes) -> Iterator[bytes | RecordError]:
    if is_sqlite(data):
        return read_sqlite(data)
    if is_ndb(data):
        return read_ndb(data)
    if is_bdb(data):
        return read_bdb(data)
    raise HeaderError("not an rpm database (no SQLite, NDB or Berkeley DB signature)")


def read_packages(data: bytes, on_error: Callable[[str], None]) -> Iterator[RpmHeaderInfo]:
    for i, blob in enumerate(_blobs(data)):
        if isinstance(blob, RecordError):
            on_error(f"record #{i}: {blob}")
            continue
        try:
            tags, _ = parse_header(blob)
            yield header_info(tags)
        except HeaderError as exc:
            on_error(f"header #{i}: {exc}")
