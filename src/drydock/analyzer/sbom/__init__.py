"""SBOM output formats: every format is a rendering of one ``ImageAnalysis``.

``render(analysis, fmt)`` is the single entry point (CLI, API and archive use it). Writers are
imported on first use, so printing a table does not pay for loading the CycloneDX and SPDX
libraries.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

from drydock.analyzer.model import ImageAnalysis
from drydock.analyzer.sbom.options import RenderOptions

__all__ = ["FORMATS", "RenderOptions", "UnknownFormat", "canonical_format", "render"]

Renderer = Callable[[ImageAnalysis, RenderOptions], str]

# format name → (module, function); names as syft spells its output formats
FORMATS: dict[str, tuple[str, str]] = {
    "table": ("drydock.analyzer.sbom.table", "render_table"),
    "json": ("drydock.analyzer.sbom.native", "render_native_json"),
    "cyclonedx-json": ("drydock.analyzer.sbom.cyclonedx", "render_cyclonedx_json"),
    "spdx-json": ("drydock.analyzer.sbom.spdx", "render_spdx_json"),
}
ALIASES = {"syft-json": "json", "native": "json", "cyclonedx": "cyclonedx-json", "spdx": "spdx-json"}


class UnknownFormat(ValueError):
    def __init__(self, fmt: str) -> None:
        super().__init__(f"unknown output format {fmt!r} (choose from {', '.join(FORMATS)})")


def canonical_format(fmt: str) -> str:
    name = ALIASES.get(fmt.strip().lower(), fmt.strip().lower())
    if name not in FORMATS:
        raise UnknownFormat(fmt)
    return name


def renderer(fmt: str) -> Renderer:
    module, function = FORMATS[canonical_format(fmt)]
    render_fn: Renderer = getattr(importlib.import_module(module), function)
    return render_fn


def render(analysis: ImageAnalysis, fmt: str, options: RenderOptions | None = None) -> str:
    """The analysis as a document in ``fmt``; ``options`` pins time and document id (tests)."""
    return renderer(fmt)(analysis, options or RenderOptions())
