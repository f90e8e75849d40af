"""The substring prefilters in front of the Go build-info and cargo-auditable parsers: a
binary without the marker bytes must be rejected without being parsed, and one with them must
still reach the parser (so the filter cannot hide a real or a malformed section)."""

from __future__ import annotations

import struct

import pytest
from elftools.elf import elffile

from drydock.analyzer.catalogers.binary_sections import BinaryFormatError, find_section
from drydock.analyzer.catalogers.golang.buildinfo import MAGIC, NotAGoBinary, read_buildinfo

# A 64-bit little-endian ELF header with an empty section table: passes the cheap header check.
HEADER_ONLY_ELF = b"\x7fELF\x02\x01\x01" + b"\0" * 57


class ParsedAnyway(Exception):
    """Deliberately outside every exception family the parsers swallow."""


def _forbid_elf_parse(monkeypatch: pytest.MonkeyPatch) -> None:
    """The parsers import pyelftools when they first meet an ELF file, so the class is
    replaced where they import it from."""

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise ParsedAnyway("the ELF parser ran although the prefilter should have rejected the file")

    monkeypatch.setattr(elffile, "ELFFile", refuse)


def test_section_absent_from_bytes_skips_parse(monkeypatch: pytest.MonkeyPatch) -> None:
    _forbid_elf_parse(monkeypatch)
    assert find_section(HEADER_ONLY_ELF, ".dep-v0") is None


def test_section_name_present_still_parses(monkeypatch: pytest.MonkeyPatch) -> None:
    _forbid_elf_parse(monkeypatch)
    with pytest.raises(ParsedAnyway):
        find_section(HEADER_ONLY_ELF + b".dep-v0\0", ".dep-v0")


def test_truncated_header_is_reported_without_the_name() -> None:
    with pytest.raises(BinaryFormatError):
        find_section(b"\x7fELF\x02\x01\x01" + b"\xee" * 100, ".dep-v0")


def test_pe_truncated_name_is_matched_by_prefilter() -> None:
    """PE keeps 8 bytes of a section name, so the filter must look for that prefix only."""
    pe = bytearray(b"MZ" + b"\0" * 0x3A + struct.pack("<I", 0x40))
    pe += b"PE\0\0" + struct.pack("<HH12xHH", 0x8664, 1, 0, 0)
    pe += b".long-se" + struct.pack("<IIII", 4, 0, 4, len(pe) + 40) + b"\0" * 16
    pe += b"DATA"
    assert find_section(bytes(pe), ".long-section-name") == b"DATA"


def test_go_magic_absent_skips_parse(monkeypatch: pytest.MonkeyPatch) -> None:
    _forbid_elf_parse(monkeypatch)
    with pytest.raises(NotAGoBinary, match="no Go build information"):
        read_buildinfo(HEADER_ONLY_ELF)


def test_go_magic_present_reaches_blob_reader() -> None:
    blob = b"\0" * (16 - len(HEADER_ONLY_ELF) % 16) + MAGIC + b"\x08\x02" + b"\0" * 16 + b"\x04go1x\x00"
    info = read_buildinfo(HEADER_ONLY_ELF + blob)
    assert info.go_version == "go1x"
