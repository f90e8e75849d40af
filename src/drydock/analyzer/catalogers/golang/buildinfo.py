"""Reading the build information the Go linker embeds in every module-aware binary.

The ``.go.buildinfo`` blob starts with the 14-byte magic ``\\xff Go buildinf:`` on a 16-byte
boundary, then the pointer size and a flags byte. Go ≥ 1.18 (flag bit 2) stores the runtime
version and the module info inline as varint-length strings; older toolchains store pointers
to Go string headers, which are resolved through the ELF program headers. The module info is
wrapped in 16-byte sentinels that are stripped here. Pure functions over bytes: no execution.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from elftools.elf.elffile import ELFFile

MAGIC = b"\xff Go buildinf:"
_ALIGN = 16
_HEADER = 32
_FLAG_BIG_ENDIAN = 0x1
_FLAG_INLINE = 0x2
_MAX_STRING = 16 << 20
_ELF_MAGIC = b"\x7fELF"
_EXECUTABLE_MAGICS = (
    _ELF_MAGIC,
    b"MZ",
    b"\xfe\xed\xfa\xce",
    b"\xce\xfa\xed\xfe",
    b"\xfe\xed\xfa\xcf",
    b"\xcf\xfa\xed\xfe",  # Mach-O 32/64
    b"\xca\xfe\xba\xbe",  # Mach-O universal
)
_ELF_ARCH = {
    "EM_X86_64": "amd64",
    "EM_386": "386",
    "EM_AARCH64": "arm64",
    "EM_ARM": "arm",
    "EM_PPC64": "ppc64le",
    "EM_S390": "s390x",
    "EM_RISCV": "riscv64",
    "EM_MIPS": "mips",
}


class NotAGoBinary(ValueError):
    """No readable Go build information (not an executable, stripped, or truncated)."""


@dataclass(slots=True)
class RawBuildInfo:
    go_version: str
    modinfo: str
    arch: str = ""
    warnings: list[str] = field(default_factory=list)


def is_executable(data: bytes) -> bool:
    return data.startswith(_EXECUTABLE_MAGICS)


def read_buildinfo(data: bytes) -> RawBuildInfo:
    """Go version and module-info text of a Go executable; raises NotAGoBinary otherwise."""
    if not is_executable(data):
        raise NotAGoBinary("not an executable (no ELF, PE or Mach-O header)")
    if MAGIC not in data:  # every Go build-info blob starts with it; skips parsing non-Go files
        raise NotAGoBinary("no Go build information found")
    elf = _open_elf(data)
    start = _blob_offset(data, elf)
    header = data[start : start + _HEADER]
    if len(header) < _HEADER:
        raise NotAGoBinary("truncated Go build information")
    ptr_size, flags = header[14], header[15]
    if flags & _FLAG_INLINE:
        version, pos = _varint_string(data, start + _HEADER)
        mod, _ = _varint_string(data, pos)
    else:
        if elf is None or ptr_size not in (4, 8):
            raise NotAGoBinary("pre-1.18 Go build information is only readable in ELF files")
        order: Literal["big", "little"] = "big" if flags & _FLAG_BIG_ENDIAN else "little"
        version = _pointer_string(elf, data, start + 16, ptr_size, order)
        mod = _pointer_string(elf, data, start + 16 + ptr_size, ptr_size, order)
    return RawBuildInfo(go_version=version, modinfo=_strip_sentinels(mod), arch=_elf_arch(elf))


def _open_elf(data: bytes) -> ELFFile | None:
    if not data.startswith(_ELF_MAGIC):
        return None
    # pyelftools is imported by the first ELF file, not by every analysis (≈ 15 ms of start-up)
    from elftools.common.exceptions import ELFError
    from elftools.elf.elffile import ELFFile

    try:
        return ELFFile(io.BytesIO(data))
    except (ELFError, ValueError, OSError, AssertionError):
        return None


def _elf_arch(elf: ELFFile | None) -> str:
    if elf is None:
        return ""
    from elftools.common.exceptions import ELFError

    try:
        return _ELF_ARCH.get(elf["e_machine"], "")
    except (ELFError, KeyError, ValueError):
        return ""


def _blob_offset(data: bytes, elf: ELFFile | None) -> int:
    if elf is not None:
        from elftools.common.exceptions import ELFError

        try:
            section = elf.get_section_by_name(".go.buildinfo")
            if section is not None and data[section["sh_offset"] : section["sh_offset"] + 14] == MAGIC:
                return int(section["sh_offset"])
        except (ELFError, ValueError, KeyError, AssertionError):
            pass
    pos = data.find(MAGIC)
    while pos >= 0 and pos % _ALIGN:
        pos = data.find(MAGIC, pos + 1)
    if pos < 0:
        raise NotAGoBinary("no Go build information found")
    return pos


def _varint_string(data: bytes, pos: int) -> tuple[str, int]:
    length, shift = 0, 0
    while True:
        if pos >= len(data) or shift > 63:
            raise NotAGoBinary("truncated varint in Go build information")
        b = data[pos]
        pos += 1
        length |= (b & 0x7F) << shift
        shift += 7
        if not b & 0x80:
            break
    if length > _MAX_STRING or pos + length > len(data):
        raise NotAGoBinary("implausible string length in Go build information")
    return data[pos : pos + length].decode("utf-8", "replace"), pos + length


def _read_at(elf: ELFFile, data: bytes, addr: int, size: int) -> bytes:
    """Bytes at a virtual address, through the PT_LOAD segment that maps it."""
    for seg in elf.iter_segments():
        if seg["p_type"] != "PT_LOAD":
            continue
        vaddr, filesz = seg["p_vaddr"], seg["p_filesz"]
        if vaddr <= addr and addr + size <= vaddr + filesz:
            off = seg["p_offset"] + (addr - vaddr)
            return data[off : off + size]
    raise NotAGoBinary(f"address {addr:#x} is not mapped by the file")


def _pointer_string(
    elf: ELFFile, data: bytes, at: int, ptr_size: int, order: Literal["big", "little"]
) -> str:
    def ptr(raw: bytes) -> int:
        return int.from_bytes(raw[:ptr_size], order)

    header_addr = ptr(data[at : at + ptr_size])
    header = _read_at(elf, data, header_addr, 2 * ptr_size)
    str_addr, length = ptr(header), ptr(header[ptr_size:])
    if length > _MAX_STRING:
        raise NotAGoBinary("implausible string length in Go build information")
    return _read_at(elf, data, str_addr, length).decode("utf-8", "replace") if length else ""


def _strip_sentinels(mod: str) -> str:
    """runtime/debug.modinfo is framed by 16 bytes on each side; a newline at index len-17
    marks a well-formed frame (as cmd/go writes it)."""
    if len(mod) >= 33 and mod[-17] == "\n":
        return mod[16:-16]
    return mod
