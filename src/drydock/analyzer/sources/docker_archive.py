"""``docker-archive:`` — the ``docker save`` tar, read in place through ``manifest.json``.

Both layouts are handled by the same path: the legacy one (``<id>/layer.tar``,
``<hex>.json`` config) and the OCI-in-docker-save one of Docker ≥ 25 (``blobs/sha256/<hex>``,
possibly with legacy-named symlinks). The image is chosen by a ``RepoTags`` entry (normalised
docker reference, so ``debian`` matches ``docker.io/library/debian:latest``) or by ``@N``
(position in ``manifest.json``); without one the archive must hold a single image.

Verification: configs and layers stored under content-addressed names (``blobs/sha256/<hex>``,
``<hex>.json``) must hash to that name; every layer's *uncompressed* stream must hash to the
config's ``diff_id`` (so legacy ``<id>/layer.tar`` names, which are not digests, are still
verified). A docker-archive has no distribution manifest: ``ImageInfo.manifest`` is a
deterministic Docker schema 2 manifest synthesised from the config and layers, and
``manifest_digest`` is its digest (stable for a given archive, but not a registry digest).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, BinaryIO

from drydock.analyzer.sources.base import ImageInfo, LayerRef, SourceError
from drydock.analyzer.sources.blobstore import TarStore, clean_member_path
from drydock.analyzer.sources.common import CachedInfoSource, identity_fields
from drydock.analyzer.sources.compression import DecompressionLimits, detect_compression, verified_layer
from drydock.analyzer.sources.manifest import (
    DOCKER_CONFIG,
    DOCKER_LAYER_GZIP,
    DOCKER_LAYER_TAR,
    DOCKER_MANIFEST,
    MAX_DOCUMENT_BYTES,
    Descriptor,
    check_blob,
    config_diff_ids,
    load_json_object,
    sha256_digest,
)
from drydock.analyzer.sources.reference import try_parse_reference

_CONTENT_ADDRESSED = re.compile(r"blobs/sha256/([a-f0-9]{64})|([a-f0-9]{64})\.json")
_LAYER_MEDIA_TYPES = {
    "gzip": DOCKER_LAYER_GZIP,
    "zstd": "application/vnd.oci.image.layer.v1.tar+zstd",
    "none": DOCKER_LAYER_TAR,
}


@dataclass(frozen=True, slots=True)
class ArchiveEntry:
    config: str
    repo_tags: list[str]
    layers: list[str]


def parse_archive_manifest(data: bytes) -> list[ArchiveEntry]:
    try:
        doc = json.loads(data)
    except (ValueError, UnicodeDecodeError) as exc:
        raise SourceError(f"manifest.json is not valid JSON: {exc}") from exc
    if not isinstance(doc, list) or not doc:
        raise SourceError("manifest.json must be a non-empty list of images")
    entries = []
    for i, item in enumerate(doc):
        if not isinstance(item, dict):
            raise SourceError(f"manifest.json entry {i} is not an object")
        config, tags, layers = item.get("Config"), item.get("RepoTags") or [], item.get("Layers")
        if (
            not isinstance(config, str)
            or not isinstance(layers, list)
            or not all(isinstance(x, str) for x in layers)
        ):
            raise SourceError(f"manifest.json entry {i} needs a Config string and a Layers list of strings")
        if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
            raise SourceError(f"manifest.json entry {i}: RepoTags must be a list of strings")
        entries.append(
            ArchiveEntry(
                clean_member_path(config, "manifest.json"),
                tags,
                [clean_member_path(x, "manifest.json") for x in layers],
            )
        )
    return entries


def _same_image(a: str, b: str) -> bool:
    parsed = try_parse_reference(a)
    return a == b or (parsed is not None and parsed == try_parse_reference(b))


def select_archive_entry(entries: list[ArchiveEntry], ref: str | None, origin: str) -> ArchiveEntry:
    if ref is not None and ref.startswith("@"):
        position = ref[1:]
        if not position.isdigit() or int(position) >= len(entries):
            raise SourceError(f"{origin}: no image at position {ref} (the archive holds {len(entries)})")
        return entries[int(position)]
    if ref is not None:
        for entry in entries:
            if any(_same_image(ref, tag) for tag in entry.repo_tags):
                return entry
        known = sorted(t for e in entries for t in e.repo_tags)
        raise SourceError(
            f"{origin}: no image tagged {ref!r}; the archive has: {', '.join(known) or 'untagged images'}"
        )
    if len(entries) == 1:
        return entries[0]
    known = [", ".join(e.repo_tags) or f"@{i}" for i, e in enumerate(entries)]
    raise SourceError(f"{origin} holds {len(entries)} images; choose one of: {'; '.join(known)}")


def content_digest(path: str) -> str | None:
    """The digest a member's name promises, for content-addressed names only."""
    match = _CONTENT_ADDRESSED.fullmatch(path)
    return "sha256:" + (match.group(1) or match.group(2)) if match else None


class DockerArchiveSource(CachedInfoSource):
    scheme = "docker-archive"

    def __init__(
        self,
        path: str | os.PathLike[str],
        ref: str | None = None,
        *,
        reference: str,
        limits: DecompressionLimits | None = None,
    ) -> None:
        self.store = TarStore(path)
        self.ref = ref
        self.reference = reference
        self.limits = limits or DecompressionLimits()
        self._paths: dict[str, str] = {}  # layer digest → member path

    def _load_info(self) -> ImageInfo:
        store = self.store
        if not store.exists("manifest.json"):
            raise SourceError(f"{store.origin} is not a docker-archive (no manifest.json)")
        entries = parse_archive_manifest(store.read("manifest.json", MAX_DOCUMENT_BYTES))
        entry = select_archive_entry(entries, self.ref, store.origin)
        config_bytes = store.read(entry.config, MAX_DOCUMENT_BYTES)
        expected = content_digest(entry.config)
        if expected is not None:
            check_blob(
                config_bytes,
                Descriptor(DOCKER_CONFIG, expected, len(config_bytes)),
                f"{store.origin}: config",
            )
        config = load_json_object(config_bytes, "image config")
        diff_ids = config_diff_ids(config)
        if len(diff_ids) != len(entry.layers):
            raise SourceError(
                f"{store.origin}: manifest.json lists {len(entry.layers)} layers "
                f"but the config has {len(diff_ids)} diff_ids"
            )
        layers = [self._layer(path, diff_id) for path, diff_id in zip(entry.layers, diff_ids, strict=True)]
        manifest = synthesize_manifest(sha256_digest(config_bytes), len(config_bytes), layers)
        manifest_bytes = json.dumps(manifest, separators=(",", ":")).encode()
        names = [r for r in map(try_parse_reference, entry.repo_tags) if r is not None]
        return ImageInfo(
            reference=self.reference,
            manifest=manifest,
            manifest_bytes=manifest_bytes,
            config=config,
            config_bytes=config_bytes,
            layers=layers,
            manifest_digest=sha256_digest(manifest_bytes),
            config_digest=sha256_digest(config_bytes),
            **identity_fields(names, None),
        )

    def _layer(self, path: str, diff_id: str) -> LayerRef:
        with self.store.open(path) as f:
            head = f.read(4)
        digest = content_digest(path) or diff_id
        self._paths[digest] = path
        return LayerRef(digest, _LAYER_MEDIA_TYPES[detect_compression(head)], self.store.size(path), diff_id)

    @contextmanager
    def open_layer(self, layer: LayerRef) -> Iterator[BinaryIO]:
        if not self._paths:
            self.info()
        path = self._paths.get(layer.digest)
        if path is None:
            raise SourceError(f"{self.store.origin}: layer {layer.digest} is not part of this image")
        expected = content_digest(path)  # None for legacy names: the diff_id check covers them
        with verified_layer(
            self.store.open(path),
            name=layer.digest,
            expected_digest=expected,
            expected_diff_id=layer.diff_id,
            limits=self.limits,
        ) as stream:
            yield stream


def synthesize_manifest(config_digest: str, config_size: int, layers: list[LayerRef]) -> dict[str, Any]:
    return {
        "schemaVersion": 2,
        "mediaType": DOCKER_MANIFEST,
        "config": {"mediaType": DOCKER_CONFIG, "size": config_size, "digest": config_digest},
        "layers": [
            {"mediaType": layer.media_type, "size": layer.size, "digest": layer.digest} for layer in layers
        ],
    }
