"""The human-readable package list: syft's ``table`` output (NAME VERSION TYPE).

Identical rows (the same package found at two places) are collapsed with a duplicate count,
as syft does, so the table stays readable on images with vendored copies.
"""

from __future__ import annotations

from collections import Counter

from rich.table import Table
from rich.text import Text

from drydock.analyzer.model import ImageAnalysis
from drydock.analyzer.sbom.options import RenderOptions

HEADER = ("NAME", "VERSION", "TYPE")
EMPTY = "No packages discovered"


def printable(text: str) -> str:
    """Names come from the image: control and bidi characters could break or spoof the
    table on a terminal, so they are shown as U+FFFD."""
    return "".join(ch if ch.isprintable() else "\ufffd" for ch in text)


def rows(analysis: ImageAnalysis) -> list[tuple[str, str, str]]:
    counts = Counter((printable(p.name), printable(p.version), str(p.type)) for p in analysis.packages)
    out = []
    for (name, version, ptype), count in sorted(counts.items()):
        if count > 1:
            suffix = "duplicate" if count == 2 else "duplicates"
            version = f"{version} (+{count - 1} {suffix})"
        out.append((name, version, ptype))
    return out


def render_table(analysis: ImageAnalysis, options: RenderOptions | None = None) -> str:
    """Plain text, columns aligned with two spaces, for pipes and files."""
    body = rows(analysis)
    if not body:
        return EMPTY + "\n"
    widths = [max(len(r[i]) for r in [HEADER, *body]) for i in range(len(HEADER))]
    lines = [
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
        for row in [HEADER, *body]
    ]
    return "\n".join(lines) + "\n"


def rich_table(analysis: ImageAnalysis) -> Table | str:
    """The same rows as a rich table, for terminals (cells as Text: no markup from names)."""
    body = rows(analysis)
    if not body:
        return EMPTY
    table = Table(*HEADER, box=None, header_style="bold", pad_edge=False)
    for row in body:
        table.add_row(*(Text(cell) for cell in row))
    return table
