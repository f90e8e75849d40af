"""Image sources: where the manifest, config and layers of an image come from."""

from drydock.analyzer.sources.base import (
    AuthError,
    DigestMismatch,
    ImageInfo,
    ImageSource,
    LayerRef,
    SourceError,
)
from drydock.analyzer.sources.dispatch import open_source

__all__ = [
    "AuthError",
    "DigestMismatch",
    "ImageInfo",
    "ImageSource",
    "LayerRef",
    "SourceError",
    "open_source",
]
