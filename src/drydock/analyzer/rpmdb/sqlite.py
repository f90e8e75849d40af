"""rpm's SQLite backend (``rpmdb.sqlite``): header blobs in the ``Packages`` table.

The database is opened from memory (``deserialize``), read-only, never from a path, so a
hostile image cannot make us touch the host filesystem. rpm leaves the file in WAL mode;
an in-memory database cannot use WAL, so the header's read/write version bytes are reset to
the rollback-journal values first (committed data is unaffected).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator

from drydock.analyzer.rpmdb.header import HeaderError, RecordError

SQLITE_MAGIC = b"SQLite format 3\x00"


def is_sqlite(data: bytes) -> bool:
    return data[:16] == SQLITE_MAGIC


def read_sqlite(data: bytes) -> Iterator[bytes | RecordError]:
    if not is_sqlite(data) or len(data) < 100:
        raise HeaderError("SQLite rpmdb: not an SQLite database")
    image = bytearray(data)
    if image[18] == 2 and image[19] == 2:
        image[18] = image[19] = 1
    conn = sqlite3.connect(":memory:")
    try:
        conn.deserialize(bytes(image))
        conn.execute("PRAGMA query_only = ON")
        rows = conn.execute("SELECT blob FROM Packages ORDER BY hnum").fetchall()
    except sqlite3.Error as exc:
        raise HeaderError(f"SQLite rpmdb: {exc}") from exc
    finally:
        conn.close()
    for hnum, (blob,) in enumerate(rows, 1):
        yield blob if isinstance(blob, bytes) else RecordError(f"SQLite rpmdb: row {hnum} holds no blob")
