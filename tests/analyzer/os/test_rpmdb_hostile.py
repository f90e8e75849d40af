"""Hostile and damaged rpm inputs: readers must fail with HeaderError/CatalogError (or skip the
one bad record), never crash, loop or allocate what a header claims."""

from __future__ import annotations

import struct

import pytest
from tests.analyzer.os.ospkg_fixtures import PKGDB

from drydock.analyzer.catalogers.base import CatalogContext
from drydock.analyzer.catalogers.rpm import RpmArchiveScanner, parse_rpm_archive
from drydock.analyzer.model import FileEntry, FileType
from drydock.analyzer.rpmdb import HeaderError, read_packages
from drydock.analyzer.rpmdb.bdb import read_bdb
from drydock.analyzer.rpmdb.header import (
    BIN,
    INT32,
    STRING,
    STRING_ARRAY,
    RecordError,
    header_info,
    parse_header,
)

DIVE_BDB = PKGDB / "rpm/bdb-dive/var/lib/rpm/Packages"
SLE_NDB = PKGDB / "rpm/ndb-sle15-bci/usr/lib/sysimage/rpm/Packages.db"


def build_header(entries: list[tuple[int, int, bytes, int]]) -> bytes:
    """(tag, type, data, count) → header blob; data is laid out in order."""
    index, store = b"", b""
    for tag, typ, data, count in entries:
        index += struct.pack(">IIiI", tag, typ, len(store), count)
        store += data
    return struct.pack(">II", len(entries), len(store)) + index + store


def test_built_header_roundtrip() -> None:
    blob = build_header([
        (1000, STRING, b"pkg\x00", 1), (1001, STRING, b"1.0\x00", 1), (1002, STRING, b"2\x00", 1),
        (1003, INT32, struct.pack(">I", 3), 1),
        (1117, STRING_ARRAY, b"a\x00b\x00", 2), (1118, STRING_ARRAY, b"/usr/\x00", 1),
        (1116, INT32, struct.pack(">II", 0, 0), 2), (261, BIN, b"\x01\x02", 2),
    ])
    info = header_info(parse_header(blob)[0])
    assert (info.Name, info.Version, info.Release, info.Epoch, info.SigMD5) == ("pkg", "1.0", "2", 3, "0102")
    assert [f.path for f in info.files] == ["/usr/a", "/usr/b"]


@pytest.mark.parametrize(
    "blob",
    [
        b"",
        struct.pack(">II", 0x7FFFFFFF, 16),  # absurd entry count
        struct.pack(">II", 1, 0x7FFFFFFF),  # absurd data length
        build_header([(1000, STRING, b"no-nul", 1)]),  # unterminated string
        build_header([(1028, INT32, b"\x00" * 4, 1_000_000)]),  # count beyond the data store
        struct.pack(">II", 1, 4) + struct.pack(">IIiI", 1000, STRING, 999, 1) + b"x\x00\x00\x00",  # offset out
        struct.pack(">II", 1, 4) + struct.pack(">IIiI", 1000, STRING, -5, 1) + b"x\x00\x00\x00",  # negative
    ],
)
def test_malformed_headers_raise(blob: bytes) -> None:
    with pytest.raises(HeaderError):
        parse_header(blob)


def test_file_list_with_bad_directory_index_is_an_error() -> None:
    blob = build_header([
        (1117, STRING_ARRAY, b"a\x00", 1), (1118, STRING_ARRAY, b"/\x00", 1), (1116, INT32, struct.pack(">I", 7), 1),
    ])
    with pytest.raises(HeaderError):
        header_info(parse_header(blob)[0])


def test_bdb_overflow_cycle_is_detected() -> None:
    data = bytearray(DIVE_BDB.read_bytes())
    page_size = struct.unpack_from("<I", data, 20)[0]
    # point every overflow page's "next" at itself
    for page_no in range(1, len(data) // page_size):
        if data[page_no * page_size + 25] == 7:
            struct.pack_into("<I", data, page_no * page_size + 16, page_no)
    (record,) = list(read_bdb(bytes(data)))
    assert isinstance(record, RecordError)


@pytest.mark.parametrize("cut", [100, 4096, 8000])
def test_truncated_databases_fail_cleanly(cut: int) -> None:
    """Truncation may lose packages, but only ever as HeaderError or per-header warnings."""
    for path in (DIVE_BDB, SLE_NDB):
        errors: list[str] = []
        try:
            infos = list(read_packages(path.read_bytes()[:cut], errors.append))
        except HeaderError:
            continue
        assert all(info.Name for info in infos)


def test_damaged_ndb_blob_loses_only_that_package() -> None:
    data = bytearray(SLE_NDB.read_bytes())
    data[4096:4100] = b"XXXX"  # first blob's magic
    errors: list[str] = []
    infos = list(read_packages(bytes(data), errors.append))
    assert len(infos) == 34 and len(errors) == 1 and "bad blob magic" in errors[0]


def _rpm_file(header: bytes) -> bytes:
    lead = b"\xed\xab\xee\xdb" + b"\x00" * 92
    sig = b"\x8e\xad\xe8\x01\x00\x00\x00\x00" + build_header([(1000, BIN, b"\x00" * 3, 3)])
    sig += b"\x00" * (-len(sig) % 8)
    return lead + sig + b"\x8e\xad\xe8\x01\x00\x00\x00\x00" + header


def test_rpm_archive_scanner_reads_main_header() -> None:
    header = build_header([(1000, STRING, b"zork\x00", 1), (1001, STRING, b"1.0.3\x00", 1),
                           (1002, STRING, b"1.el7\x00", 1), (1014, STRING, b"GPLv2\x00", 1)])
    entry = FileEntry(path="/tmp/zork.rpm", type=FileType.REGULAR, mode=0o644)
    assert RpmArchiveScanner().wants(entry)
    result = RpmArchiveScanner().scan(entry, _rpm_file(header), CatalogContext())
    (pkg,) = result.packages
    assert (pkg.name, pkg.version, pkg.purl, pkg.metadata_type) == ("zork", "1.0.3-1.el7", "pkg:rpm/zork@1.0.3-1.el7", "RpmArchive")
    assert [lic.value for lic in pkg.licenses] == ["GPLv2"]
    assert parse_rpm_archive(_rpm_file(header)).Name == "zork"
