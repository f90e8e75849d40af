"""What every image source (registry, docker-archive, OCI layout, directory) provides.

The squash step only needs the manifest, the config and a way to stream each layer, so that
is the whole interface. Sources must be picklable (no open sockets or file handles kept on
the instance; clients are created lazily), because layers are read in worker processes, each
of which calls ``open_layer`` itself.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any, BinaryIO


class SourceError(Exception):
    """The image cannot be read: bad reference, unreachable registry, auth failure, corrupt
    archive, digest mismatch. The message is shown to users as the failure reason."""


class AuthError(SourceError):
    """The registry refused our credentials (or we had none and it wants some)."""


class DigestMismatch(SourceError):
    """A blob's content does not match the digest that names it."""


@dataclass(frozen=True, slots=True)
class LayerRef:
    digest: str  # digest of the blob as stored (compressed), "sha256:..."
    media_type: str
    size: int  # compressed size in bytes (as the manifest says)
    diff_id: str | None = None  # digest of the uncompressed tar, from config rootfs.diff_ids


@dataclass(slots=True)
class ImageInfo:
    """Identity and raw documents of one single-platform image."""

    reference: str  # what the user asked for
    manifest: dict[str, Any]
    manifest_bytes: bytes
    config: dict[str, Any]
    config_bytes: bytes
    layers: list[LayerRef]
    manifest_digest: str | None = None  # "sha256:..." of manifest_bytes (the image digest)
    index_digest: str | None = None  # manifest list / OCI index digest, when resolved through one
    index_bytes: bytes | None = None
    config_digest: str | None = None  # image id, "sha256:..."
    registry: str | None = None
    repository: str | None = None
    tag: str | None = None
    repo_tags: list[str] = field(default_factory=list)
    repo_digests: list[str] = field(default_factory=list)

    @property
    def compressed_size(self) -> int:
        return sum(layer.size for layer in self.layers)


class ImageSource(ABC):
    """An image to analyze. ``info()`` fetches/parses the manifest and config (cheap);
    ``open_layer`` streams one layer's *uncompressed* tar, verifying the blob digest when the
    stream reaches its end (a mismatch raises ``DigestMismatch`` from ``read``/``close``)."""

    scheme: str  # "registry" | "docker-archive" | "oci-dir" | "oci-archive" | "dir"

    @abstractmethod
    def info(self) -> ImageInfo: ...

    @abstractmethod
    def open_layer(self, layer: LayerRef) -> AbstractContextManager[BinaryIO]: ...

    def close(self) -> None:
        """Release scratch files; the default holds none."""
