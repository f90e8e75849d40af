"""Just enough of the PE/COFF format to read a Windows binary's version resources.

The ``VS_VERSIONINFO`` resource (type RT_VERSION) holds the StringFileInfo table — ProductName,
ProductVersion, FileVersion, CompanyName... — which is how Windows software names itself. The
CLR data directory tells .NET assemblies apart (those belong to the .NET catalogers). Every
offset read from the file is bounds-checked; malformed input raises ``PEError``.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field

_RT_VERSION = 16
_DIR_RESOURCE = 2
_DIR_CLR = 14
_MAX_RESOURCE_DEPTH = 3
_MAX_ENTRIES = 4096
_MAX_NODES = 10_000


class PEError(ValueError):
    """Not a PE file, or a truncated/inconsistent one."""


@dataclass(slots=True)
class PEInfo:
    version_resources: dict[str, str] = field(default_factory=dict)
    is_dotnet: bool = False


def _u16(data: bytes, off: int) -> int:
    if off < 0 or off + 2 > len(data):
        raise PEError(f"read past end at {off:#x}")
    return int(struct.unpack_from("<H", data, off)[0])


def _u32(data: bytes, off: int) -> int:
    if off < 0 or off + 4 > len(data):
        raise PEError(f"read past end at {off:#x}")
    return int(struct.unpack_from("<I", data, off)[0])


@dataclass(frozen=True, slots=True)
class _Section:
    rva: int
    size: int
    raw: int
    raw_size: int


class _Image:
    def __init__(self, data: bytes) -> None:
        if not data.startswith(b"MZ"):
            raise PEError("no MZ header")
        pe = _u32(data, 0x3C)
        if data[pe : pe + 4] != b"PE\0\0":
            raise PEError("no PE signature")
        coff = pe + 4
        n_sections, opt_size = _u16(data, coff + 2), _u16(data, coff + 16)
        opt = coff + 20
        magic = _u16(data, opt)
        if magic not in (0x10B, 0x20B):
            raise PEError(f"unknown optional header magic {magic:#x}")
        dirs = opt + (96 if magic == 0x10B else 112)
        n_dirs = _u32(data, dirs - 4)
        self.data = data
        self.directories = [
            (_u32(data, dirs + 8 * i), _u32(data, dirs + 8 * i + 4)) for i in range(min(n_dirs, 16))
        ]
        table = opt + opt_size
        self.sections = [
            _Section(
                _u32(data, s + 12),
                max(_u32(data, s + 8), _u32(data, s + 16)),
                _u32(data, s + 20),
                _u32(data, s + 16),
            )
            for s in (table + 40 * i for i in range(min(n_sections, 96)))
        ]

    def directory(self, index: int) -> tuple[int, int]:
        return self.directories[index] if index < len(self.directories) else (0, 0)

    def offset(self, rva: int) -> int:
        for s in self.sections:
            if s.rva <= rva < s.rva + s.size and rva - s.rva < s.raw_size:
                return s.raw + (rva - s.rva)
        raise PEError(f"RVA {rva:#x} is not in any section")


def _version_resource(image: _Image) -> bytes | None:
    """The first RT_VERSION leaf of the resource tree (type → name → language)."""
    rva, size = image.directory(_DIR_RESOURCE)
    if not rva or not size:
        return None
    base = image.offset(rva)
    data = image.data

    def entries(off: int) -> list[tuple[int, int]]:
        count = _u16(data, off + 12) + _u16(data, off + 14)
        if count > _MAX_ENTRIES:
            raise PEError("implausible resource directory")
        return [(_u32(data, off + 16 + 8 * i), _u32(data, off + 20 + 8 * i)) for i in range(count)]

    level = [(ident, target) for ident, target in entries(base) if ident == _RT_VERSION]
    for _ in range(_MAX_RESOURCE_DEPTH):
        if not level:
            return None
        _, target = level[0]
        if not target & 0x80000000:
            leaf = base + target
            data_rva, data_size = _u32(data, leaf), _u32(data, leaf + 4)
            start = image.offset(data_rva)
            return data[start : start + data_size]
        level = entries(base + (target & 0x7FFFFFFF))
    return None


def _utf16z(data: bytes, off: int, end: int) -> tuple[str, int]:
    """A NUL-terminated UTF-16LE string and the offset just after its terminator."""
    pos = off
    while pos + 1 < end and data[pos : pos + 2] != b"\0\0":
        pos += 2
    return data[off:pos].decode("utf-16-le", "replace"), pos + 2


def _align4(off: int, start: int) -> int:
    return start + ((off - start + 3) & ~3)


def _strings(block: bytes) -> dict[str, str]:
    """Walk VS_VERSIONINFO → StringFileInfo → StringTable → String nodes."""
    out: dict[str, str] = {}
    budget = [_MAX_NODES]

    def node(off: int, end: int, depth: int) -> int:
        budget[0] -= 1
        if budget[0] < 0 or depth > 4:
            raise PEError("version resource too deep or too large")
        length, value_len, kind = _u16(block, off), _u16(block, off + 2), _u16(block, off + 4)
        node_end = min(off + length, end)
        if length < 6 or node_end <= off:
            raise PEError("malformed version resource node")
        key, pos = _utf16z(block, off + 6, node_end)
        pos = _align4(pos, 0)
        if depth == 3 and kind == 1:  # a String: value length counts UTF-16 units
            raw = block[pos : min(pos + 2 * value_len, node_end)]
            out[key] = raw.decode("utf-16-le", "replace").rstrip("\0")
            return _align4(node_end, 0)
        pos = _align4(pos + value_len, 0) if depth == 0 else pos
        if depth == 0 or key == "StringFileInfo" or depth == 2:
            while pos + 6 <= node_end:
                pos = node(pos, node_end, depth + 1)
        return _align4(node_end, 0)

    node(0, len(block), 0)
    return out


def read_pe(data: bytes) -> PEInfo:
    image = _Image(data)
    clr_rva, clr_size = image.directory(_DIR_CLR)
    block = _version_resource(image)
    return PEInfo(version_resources=_strings(block) if block else {}, is_dotnet=bool(clr_rva and clr_size))
