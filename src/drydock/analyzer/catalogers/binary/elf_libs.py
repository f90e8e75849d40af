"""The shared libraries an ELF executable asks for (DT_NEEDED), for classifiers that find a
runtime's version in its library rather than in the launcher binary."""

from __future__ import annotations

import io

_ELF_MAGIC = b"\x7fELF"


def needed_libraries(data: bytes) -> list[str]:
    """DT_NEEDED names in file order; [] for anything that is not a readable ELF file."""
    if not data.startswith(_ELF_MAGIC):
        return []
    # pyelftools is imported by the first ELF file, not by every analysis (≈ 15 ms of start-up)
    from elftools.common.exceptions import ELFError
    from elftools.elf.dynamic import DynamicSection
    from elftools.elf.elffile import ELFFile

    try:
        elf = ELFFile(io.BytesIO(data))
        out: list[str] = []
        for section in elf.iter_sections():
            if isinstance(section, DynamicSection):
                out.extend(str(tag.needed) for tag in section.iter_tags() if tag.entry.d_tag == "DT_NEEDED")  # type: ignore[attr-defined]
        return out
    except (ELFError, ValueError, KeyError, IndexError, OSError, AssertionError):
        return []
