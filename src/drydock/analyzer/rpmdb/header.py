"""RPM header blobs: the record format shared by every rpmdb backend and by .rpm files.

A header is ``il`` (entry count) and ``dl`` (data length), then ``il`` 16-byte index entries
(tag, type, offset, count; all big-endian) and the data store they point into. Headers come
from untrusted images, so every count and offset is checked against the blob before use and
the sizes are capped: a hostile header yields ``HeaderError``, never a huge allocation.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from typing import Any

MAX_INDEX_ENTRIES = 0xFFFF  # rpm's own limit (hdrchkTags)
MAX_DATA_LENGTH = 256 * 1024 * 1024  # rpm's own limit (hdrchkData)

# data types
CHAR, INT8, INT16, INT32, INT64, STRING, BIN, STRING_ARRAY, I18NSTRING = 1, 2, 3, 4, 5, 6, 7, 8, 9
_INT_FORMATS = {CHAR: ("B", 1), INT8: ("B", 1), INT16: ("H", 2), INT32: ("I", 4), INT64: ("Q", 8)}

# tags used by the catalogers
TAG_PGP, TAG_SIGMD5, TAG_RSAHEADER = 259, 261, 268
TAG_NAME, TAG_VERSION, TAG_RELEASE, TAG_EPOCH, TAG_SUMMARY = 1000, 1001, 1002, 1003, 1004
TAG_INSTALLTIME, TAG_SIZE, TAG_VENDOR, TAG_LICENSE, TAG_ARCH = 1008, 1009, 1011, 1014, 1022
TAG_OLDFILENAMES, TAG_FILESIZES, TAG_FILESTATES, TAG_FILEMODES, TAG_FILEDIGESTS = 1027, 1028, 1029, 1030, 1035
TAG_FILEFLAGS, TAG_FILEUSERNAME, TAG_FILEGROUPNAME = 1037, 1039, 1040
TAG_SOURCERPM, TAG_PROVIDENAME, TAG_REQUIRENAME = 1044, 1047, 1049
TAG_DIRINDEXES, TAG_BASENAMES, TAG_DIRNAMES = 1116, 1117, 1118
TAG_LONGFILESIZES, TAG_LONGSIZE, TAG_FILEDIGESTALGO, TAG_MODULARITYLABEL = 5008, 5009, 5011, 5096

# region tags (immutable region trailers) carry no package data
_REGION_TAGS = frozenset({61, 62, 63})

DIGEST_ALGORITHMS = {
    1: "md5", 2: "sha1", 3: "ripemd160", 5: "md2", 6: "tiger192", 7: "haval-5-160",
    8: "sha256", 9: "sha384", 10: "sha512", 11: "sha224",
}

FILE_STATE_NORMAL = 0
FILE_FLAG_GHOST = 1 << 6

# rpm's fflags query format: letter per flag, in rpm's order
_FILE_FLAG_LETTERS = ((1 << 1, "d"), (1 << 0, "c"), (1 << 5, "s"), (1 << 3, "m"),
                      (1 << 4, "n"), (1 << 6, "g"), (1 << 7, "l"), (1 << 8, "r"))


class HeaderError(ValueError):
    """The blob is not a well-formed RPM header (or the database not a readable rpmdb)."""


class RecordError(HeaderError):
    """One record of an otherwise readable database is damaged. Backends yield (not raise)
    these so the remaining packages are still listed."""


def _strings(data: bytes, offset: int, count: int) -> list[str]:
    out: list[str] = []
    pos = offset
    for _ in range(count):
        end = data.find(b"\x00", pos)
        if end < 0:
            raise HeaderError("unterminated string in header data")
        out.append(data[pos:end].decode("utf-8", errors="replace"))
        pos = end + 1
    return out


def parse_header(blob: bytes, start: int = 0) -> tuple[dict[int, Any], int]:
    """Tag → value of the header at ``blob[start:]``; also returns the offset just past it.

    Integer types give lists of ints, STRING a str, arrays lists of str, BIN bytes.
    """
    if len(blob) - start < 8:
        raise HeaderError("header too short")
    il, dl = struct.unpack_from(">II", blob, start)
    if not 0 < il <= MAX_INDEX_ENTRIES or dl > MAX_DATA_LENGTH:
        raise HeaderError(f"implausible header size (entries={il}, data={dl})")
    index_start = start + 8
    data_start = index_start + il * 16
    end = data_start + dl
    if end > len(blob):
        raise HeaderError("header extends beyond the end of the blob")
    data = blob[data_start:end]
    tags: dict[int, Any] = {}
    for i in range(il):
        tag, typ, offset, count = struct.unpack_from(">IIiI", blob, index_start + i * 16)
        if tag in _REGION_TAGS:
            continue
        if offset < 0 or offset > dl or count > dl + 1:
            raise HeaderError(f"tag {tag}: offset/count out of range")
        if typ in _INT_FORMATS:
            fmt, size = _INT_FORMATS[typ]
            if offset + size * count > dl:
                raise HeaderError(f"tag {tag}: data out of range")
            tags[tag] = list(struct.unpack_from(f">{count}{fmt}", data, offset))
        elif typ == STRING:
            tags[tag] = _strings(data, offset, 1)[0]
        elif typ in (STRING_ARRAY, I18NSTRING):
            tags[tag] = _strings(data, offset, count)
        elif typ == BIN:
            if offset + count > dl:
                raise HeaderError(f"tag {tag}: data out of range")
            tags[tag] = data[offset : offset + count]
    return tags, end


def file_flags(flags: int) -> str:
    return "".join(letter for bit, letter in _FILE_FLAG_LETTERS if flags & bit)


@dataclass(slots=True)
class RpmFile:
    path: str
    mode: int
    size: int
    digest: str
    username: str
    groupname: str
    flags: int
    state: int = 0  # RPMFILE_STATE_*; 0 (normal) also when the header has no states (.rpm files)

    @property
    def expected_on_disk(self) -> bool:
        """rpm laid the file down: not %ghost, not skipped (nodocs, excluded languages:
        state notinstalled), not netshared or of the wrong colour."""
        return self.state == FILE_STATE_NORMAL and not self.flags & FILE_FLAG_GHOST


@dataclass(slots=True)
class RpmHeaderInfo:
    """The fields of one installed package, named as go-rpmdb's PackageInfo."""

    Name: str = ""
    Version: str = ""
    Release: str = ""
    Epoch: int | None = None
    Arch: str = ""
    SourceRpm: str = ""
    Size: int = 0
    License: str = ""
    Vendor: str = ""
    ModularityLabel: str = ""
    Summary: str = ""
    SigMD5: str = ""
    InstallTime: int = 0
    Provides: list[str] = field(default_factory=list)
    Requires: list[str] = field(default_factory=list)
    DigestAlgorithm: str = "md5"
    PGP: bytes = b""
    RSAHeader: bytes = b""
    files: list[RpmFile] = field(default_factory=list)


def _str(tags: dict[int, Any], tag: int) -> str:
    value = tags.get(tag, "")
    if isinstance(value, list):  # I18N strings: the first translation is the C locale
        return value[0] if value else ""
    return value if isinstance(value, str) else ""


def _int(tags: dict[int, Any], tag: int) -> int | None:
    value = tags.get(tag)
    return value[0] if isinstance(value, list) and value and isinstance(value[0], int) else None


def _list(tags: dict[int, Any], tag: int) -> list[Any]:
    value = tags.get(tag)
    return value if isinstance(value, list) else []


def _paths(tags: dict[int, Any]) -> list[str]:
    basenames = _list(tags, TAG_BASENAMES)
    if not basenames:
        return [str(p) for p in _list(tags, TAG_OLDFILENAMES)]
    dirnames = _list(tags, TAG_DIRNAMES)
    dirindexes = _list(tags, TAG_DIRINDEXES)
    if len(dirindexes) != len(basenames):
        raise HeaderError("file list: dirindexes and basenames differ in length")
    out = []
    for base, index in zip(basenames, dirindexes):
        if not 0 <= index < len(dirnames):
            raise HeaderError("file list: directory index out of range")
        out.append(dirnames[index] + base)
    return out


def _files(tags: dict[int, Any]) -> list[RpmFile]:
    paths = _paths(tags)
    n = len(paths)

    def column(tag: int, default: Any) -> list[Any]:
        values = _list(tags, tag)
        return values if len(values) == n else [default] * n

    sizes = _list(tags, TAG_LONGFILESIZES) or _list(tags, TAG_FILESIZES)
    sizes = sizes if len(sizes) == n else [0] * n
    return [
        RpmFile(path, mode, size, digest, user, group, flags, state)
        for path, mode, size, digest, user, group, flags, state in zip(
            paths,
            column(TAG_FILEMODES, 0),
            sizes,
            column(TAG_FILEDIGESTS, ""),
            column(TAG_FILEUSERNAME, ""),
            column(TAG_FILEGROUPNAME, ""),
            column(TAG_FILEFLAGS, 0),
            column(TAG_FILESTATES, FILE_STATE_NORMAL),
        )
    ]


def header_info(tags: dict[int, Any]) -> RpmHeaderInfo:
    sigmd5 = tags.get(TAG_SIGMD5)
    algo = _int(tags, TAG_FILEDIGESTALGO)
    pgp, rsa = tags.get(TAG_PGP), tags.get(TAG_RSAHEADER)
    return RpmHeaderInfo(
        Name=_str(tags, TAG_NAME),
        Version=_str(tags, TAG_VERSION),
        Release=_str(tags, TAG_RELEASE),
        Epoch=_int(tags, TAG_EPOCH),
        Arch=_str(tags, TAG_ARCH),
        SourceRpm=_str(tags, TAG_SOURCERPM),
        Size=_int(tags, TAG_LONGSIZE) or _int(tags, TAG_SIZE) or 0,
        License=_str(tags, TAG_LICENSE),
        Vendor=_str(tags, TAG_VENDOR),
        ModularityLabel=_str(tags, TAG_MODULARITYLABEL),
        Summary=_str(tags, TAG_SUMMARY),
        SigMD5=sigmd5.hex() if isinstance(sigmd5, bytes) else "",
        InstallTime=_int(tags, TAG_INSTALLTIME) or 0,
        Provides=[str(p) for p in _list(tags, TAG_PROVIDENAME)],
        Requires=[str(r) for r in _list(tags, TAG_REQUIRENAME)],
        DigestAlgorithm=DIGEST_ALGORITHMS.get(algo or 1, f"unknown-{algo}"),
        PGP=pgp if isinstance(pgp, bytes) else b"",
        RSAHeader=rsa if isinstance(rsa, bytes) else b"",
        files=_files(tags),
    )
