"""``dir:`` — a directory analysed as a root filesystem, with no layers.

The orchestrator detects this source by its scheme (or ``isinstance``) and calls
``resolver()`` instead of squashing layers. ``info()`` describes an empty image so that code
reading identity fields keeps working; ``open_layer`` always fails, since there are none.
"""

from __future__ import annotations

import os
from contextlib import AbstractContextManager
from pathlib import Path
from typing import BinaryIO

from drydock.analyzer.filetree import DirectoryResolver
from drydock.analyzer.sources.base import ImageInfo, ImageSource, LayerRef, SourceError


class DirectorySource(ImageSource):
    scheme = "dir"

    def __init__(self, path: str | os.PathLike[str], *, reference: str | None = None) -> None:
        self.path = Path(path).resolve()
        if not self.path.is_dir():
            raise SourceError(f"dir: {path} is not a directory")
        self.reference = reference or f"dir:{self.path}"

    def resolver(self) -> DirectoryResolver:
        return DirectoryResolver(self.path)

    def info(self) -> ImageInfo:
        return ImageInfo(
            reference=self.reference,
            manifest={},
            manifest_bytes=b"",
            config={},
            config_bytes=b"",
            layers=[],
        )

    def open_layer(self, layer: LayerRef) -> AbstractContextManager[BinaryIO]:
        raise SourceError(f"{self.reference} is a directory and has no layers")
