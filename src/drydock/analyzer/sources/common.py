"""Pieces every image source shares: cached ``info()`` and the identity fields of ``ImageInfo``."""

from __future__ import annotations

from abc import abstractmethod
from typing import Any

from drydock.analyzer.sources.base import ImageInfo, ImageSource
from drydock.analyzer.sources.reference import ImageReference


class CachedInfoSource(ImageSource):
    """``info()`` is computed once per instance (and travels with it when pickled after the
    first call, so workers do not re-fetch documents)."""

    _info: ImageInfo | None = None

    def info(self) -> ImageInfo:
        if self._info is None:
            self._info = self._load_info()
        return self._info

    @abstractmethod
    def _load_info(self) -> ImageInfo: ...


def identity_fields(names: list[ImageReference], digest: str | None) -> dict[str, Any]:
    """``registry``/``repository``/``tag`` from the first name; ``repo_tags`` from every tagged
    name; ``repo_digests`` pairing each distinct repository with the image's digest."""
    first = names[0] if names else None
    repositories = list(dict.fromkeys(n.name for n in names))
    return {
        "registry": first.registry if first else None,
        "repository": first.repository if first else None,
        "tag": first.tag if first else None,
        "repo_tags": [f"{n.name}:{n.tag}" for n in names if n.tag],
        "repo_digests": [f"{name}@{digest}" for name in repositories] if digest else [],
    }
