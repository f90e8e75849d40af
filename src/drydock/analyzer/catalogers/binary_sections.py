"""Read one named section out of an ELF, Mach-O (thin or fat) or PE executable.

Tools embed metadata in a dedicated section (cargo-auditable's ``.dep-v0``, Go's build info);
scanners need just that section's bytes. ELF goes through pyelftools; Mach-O and PE section
tables are simple enough to walk directly. Every offset is bounds-checked against the buffer,
so a truncated or hostile file raises ``BinaryFormatError`` instead of reading garbage.
"""

from __future__ import annotations

import io
import struct

ELF_MAGIC = b"\x7fELF"
PE_MAGIC = b"MZ"
MACHO_MAGICS = {
    b"\xcf\xfa\xed\xfe": ("<", True),
    b"\xce\xfa\xed\xfe": ("<", False),
    b"\xfe\xed\xfa\xcf": (">", True),
    b"\xfe\xed\xfa\xce": (">", False),
}
FAT_MAGIC = b"\xca\xfe\xba\xbe"
MAX_FAT_ARCHS = 32
MAX_LOAD_COMMANDS = 4096
LC_SEGMENT, LC_SEGMENT_64 = 0x1, 0x19


class BinaryFormatError(ValueError):
    """The file claims an executable format but its structure is broken."""


def is_executable_format(data: bytes) -> bool:
    head = data[:4]
    return head == ELF_MAGIC or head[:2] == PE_MAGIC or head in MACHO_MAGICS or head == FAT_MAGIC


def _unpack(fmt: str, data: bytes, offset: int) -> tuple[int, ...]:
    size = struct.calcsize(fmt)
    if offset < 0 or offset + size > len(data):
        raise BinaryFormatError("structure runs past the end of the file")
    return struct.unpack_from(fmt, data, offset)


def _slice(data: bytes, offset: int, size: int) -> bytes:
    if offset < 0 or size < 0 or offset + size > len(data):
        raise BinaryFormatError("section runs past the end of the file")
    return data[offset : offset + size]


def _elf_section(data: bytes, name: str) -> bytes | None:
    # pyelftools is imported by the first ELF file, not by every analysis (≈ 15 ms of start-up)
    from elftools.common.exceptions import ELFError
    from elftools.elf.elffile import ELFFile

    try:
        section = ELFFile(io.BytesIO(data)).get_section_by_name(name)
        return None if section is None else bytes(section.data())
    except (ELFError, struct.error, ValueError, OverflowError) as exc:
        raise BinaryFormatError(f"malformed ELF: {exc}") from exc


def _macho_section(data: bytes, base: int, name: str) -> bytes | None:
    endian, is64 = MACHO_MAGICS[data[base : base + 4]]
    ncmds, _sizeofcmds = _unpack(endian + "II", data, base + 16)
    if ncmds > MAX_LOAD_COMMANDS:
        raise BinaryFormatError("too many Mach-O load commands")
    offset = base + (32 if is64 else 28)
    wanted = name.encode()
    for _ in range(ncmds):
        cmd, cmdsize = _unpack(endian + "II", data, offset)
        if cmdsize < 8:
            raise BinaryFormatError("bad Mach-O load command size")
        if cmd in (LC_SEGMENT, LC_SEGMENT_64):
            seg_header, sect_size = (72, 80) if cmd == LC_SEGMENT_64 else (56, 68)
            (nsects,) = _unpack(endian + "I", data, offset + seg_header - 8)
            for i in range(min(nsects, cmdsize // sect_size)):
                sect = offset + seg_header + i * sect_size
                sectname = _slice(data, sect, 16).rstrip(b"\0")
                if sectname != wanted:
                    continue
                if cmd == LC_SEGMENT_64:
                    size, file_off = _unpack(endian + "QI", data, sect + 40)
                else:
                    size, file_off = _unpack(endian + "II", data, sect + 36)
                return _slice(data, base + file_off, size)
        offset += cmdsize
    return None


def _fat_section(data: bytes, name: str) -> bytes | None:
    (count,) = _unpack(">I", data, 4)
    if count > MAX_FAT_ARCHS:  # also rejects Java class files, which share the magic
        raise BinaryFormatError("implausible fat Mach-O arch count")
    for i in range(count):
        _cpu, _sub, arch_off, _size, _align = _unpack(">IIIII", data, 8 + i * 20)
        if _slice(data, arch_off, 4) in MACHO_MAGICS:
            found = _macho_section(data, arch_off, name)
            if found is not None:
                return found
    return None


def _pe_section(data: bytes, name: str) -> bytes | None:
    (pe_off,) = _unpack("<I", data, 0x3C)
    if _slice(data, pe_off, 4) != b"PE\0\0":
        raise BinaryFormatError("missing PE signature")
    nsections, opt_size = _unpack("<H12xH", data, pe_off + 6)
    table = pe_off + 24 + opt_size
    wanted = name.encode()[:8]
    for i in range(nsections):
        entry = table + i * 40
        sect_name = _slice(data, entry, 8).rstrip(b"\0")
        virtual_size, _va, raw_size, raw_ptr = _unpack("<IIII", data, entry + 8)
        if sect_name == wanted:
            size = min(virtual_size, raw_size) if virtual_size else raw_size
            return _slice(data, raw_ptr, size)
    return None


def _check_elf_header(data: bytes) -> None:
    ei_class, ei_data = data[4:5], data[5:6]
    if ei_class not in (b"\1", b"\2") or ei_data not in (b"\1", b"\2"):
        raise BinaryFormatError("malformed ELF: bad class or byte order")
    endian = "<" if ei_data == b"\1" else ">"
    if ei_class == b"\2":
        (shoff,), (shentsize, shnum) = _unpack(endian + "Q", data, 0x28), _unpack(endian + "HH", data, 0x3A)
    else:
        (shoff,), (shentsize, shnum) = _unpack(endian + "I", data, 0x20), _unpack(endian + "HH", data, 0x2E)
    _slice(data, shoff, shentsize * shnum)


def _check_macho_header(data: bytes, base: int) -> None:
    _endian, is64 = MACHO_MAGICS[_slice(data, base, 4)]
    (sizeofcmds,) = _unpack(_endian + "I", data, base + 20)
    _slice(data, base + (32 if is64 else 28), sizeofcmds)


def _check_fat_header(data: bytes) -> None:
    (count,) = _unpack(">I", data, 4)
    if count > MAX_FAT_ARCHS:
        raise BinaryFormatError("implausible fat Mach-O arch count")
    for i in range(count):
        _cpu, _sub, arch_off, size, _align = _unpack(">IIIII", data, 8 + i * 20)
        _slice(data, arch_off, size)


def _check_pe_header(data: bytes) -> None:
    (pe_off,) = _unpack("<I", data, 0x3C)
    if _slice(data, pe_off, 4) != b"PE\0\0":
        raise BinaryFormatError("missing PE signature")


_READERS = (
    (lambda head: head == ELF_MAGIC, _check_elf_header, _elf_section),
    (
        lambda head: head in MACHO_MAGICS,
        lambda d: _check_macho_header(d, 0),
        lambda d, n: _macho_section(d, 0, n),
    ),
    (lambda head: head == FAT_MAGIC, _check_fat_header, _fat_section),
    (lambda head: head[:2] == PE_MAGIC, _check_pe_header, _pe_section),
)


def find_section(data: bytes, name: str) -> bytes | None:
    """The named section's bytes; None if absent or the data is no executable format we know.

    Every format stores the section name (PE truncates it to 8 bytes) verbatim, so a file
    without those bytes cannot have the section: after a header check of a few bytes (a
    truncated or garbled header is still reported), one substring search rejects most
    executables, which would otherwise each cost a full parse of their section tables."""
    head = data[:4]
    for matches, check_header, read_section in _READERS:
        if matches(head):
            check_header(data)
            return read_section(data, name) if name.encode()[:8] in data else None
    return None
