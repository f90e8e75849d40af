"""OCI image layouts: ``oci-dir:`` (a directory) and ``oci-archive:`` (the same layout in a tar,
read in place).

Guarantees: ``index.json``, nested indexes, the manifest and the config are size- and
digest-checked against the descriptors that name them before use; every layer blob must exist
with its descriptor's size when ``info()`` returns; layer streams are digest-verified as in
``compression``. Blob paths come only from validated ``sha256`` digests, so a crafted
descriptor cannot point outside ``blobs/``. The image is chosen by ``ref``: a digest, an
``org.opencontainers.image.ref.name`` (a tag or a full name) or an ``io.containerd.image.name``;
without ``ref`` the layout must hold exactly one image. Nested indexes are resolved by
platform.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import BinaryIO

from drydock.analyzer.sources.base import ImageInfo, LayerRef, SourceError
from drydock.analyzer.sources.blobstore import BlobStore
from drydock.analyzer.sources.common import CachedInfoSource, identity_fields
from drydock.analyzer.sources.compression import DecompressionLimits, verified_layer
from drydock.analyzer.sources.manifest import (
    MAX_DOCUMENT_BYTES,
    Descriptor,
    Platform,
    check_blob,
    document_kind,
    index_entries,
    layer_refs,
    load_json_object,
    parse_image_manifest,
    select_platform,
    sha256_digest,
    validate_digest,
)
from drydock.analyzer.sources.reference import ImageReference, try_parse_reference

REF_NAME = "org.opencontainers.image.ref.name"
CONTAINERD_NAME = "io.containerd.image.name"
MAX_INDEX_DEPTH = 4


def blob_path(digest: str) -> str:
    algo, _, hex_digest = validate_digest(digest, "blob").partition(":")
    return f"blobs/{algo}/{hex_digest}"


def read_blob(store: BlobStore, descriptor: Descriptor, what: str) -> bytes:
    path = blob_path(descriptor.digest)
    if not store.exists(path):
        raise SourceError(f"{store.origin}: {what} blob {descriptor.digest} is missing")
    data = store.read(path, min(descriptor.size, MAX_DOCUMENT_BYTES))
    check_blob(data, descriptor, f"{store.origin}: {what}")
    return data


def entry_names(entry: Descriptor) -> list[str]:
    annotations = entry.annotations or {}
    return [annotations[k] for k in (CONTAINERD_NAME, REF_NAME) if annotations.get(k)]


def entry_matches(entry: Descriptor, ref: str) -> bool:
    wanted = ref.removeprefix("@")
    if wanted.startswith("sha256:"):
        return entry.digest == wanted
    names = entry_names(entry)
    if wanted in names:
        return True
    wanted_ref = try_parse_reference(wanted) if ("/" in wanted or ":" in wanted) else None
    return wanted_ref is not None and any(
        try_parse_reference(n) == wanted_ref for n in names if "/" in n or ":" in n
    )


def select_entry(entries: list[Descriptor], ref: str | None, platform: Platform, origin: str) -> Descriptor:
    """The entry named by ``ref`` (or the only one). Several candidates that all declare a
    platform (``skopeo copy --all`` to a layout, for instance) are told apart by platform."""
    candidates = entries
    if ref is not None:
        candidates = [e for e in entries if entry_matches(e, ref)]
        if not candidates:
            known = sorted({n for e in entries for n in entry_names(e)})
            raise SourceError(
                f"{origin}: no image {ref!r}; the layout has: {', '.join(known) or 'no named images'}"
            )
    if len(candidates) == 1 or (ref is not None and len({e.digest for e in candidates}) == 1):
        return candidates[0]
    if all(e.platform for e in candidates):
        return select_platform(candidates, platform)
    known = sorted(
        {n for e in candidates for n in entry_names(e)} | {e.digest for e in candidates if not entry_names(e)}
    )
    raise SourceError(f"{origin} holds {len(candidates)} images; choose one of: {', '.join(known)}")


def image_identity(entry: Descriptor) -> ImageReference | None:
    """The full image name an index entry carries, if any (a bare tag says too little)."""
    for name in entry_names(entry):
        if "/" in name or ":" in name:
            parsed = try_parse_reference(name)
            if parsed is not None:
                return parsed
    return None


class OCILayoutSource(CachedInfoSource):
    def __init__(
        self,
        store: BlobStore,
        *,
        reference: str,
        ref: str | None = None,
        platform: str = "linux/amd64",
        limits: DecompressionLimits | None = None,
        scheme: str = "oci-dir",
    ) -> None:
        self.store = store
        self.reference = reference
        self.ref = ref
        self.platform = Platform.parse(platform)
        self.limits = limits or DecompressionLimits()
        self.scheme = scheme

    def _load_info(self) -> ImageInfo:
        store = self.store
        if not store.exists("index.json"):
            raise SourceError(f"{store.origin} is not an OCI layout (no index.json)")
        index_bytes = store.read("index.json", MAX_DOCUMENT_BYTES)
        entries = index_entries(load_json_object(index_bytes, "index.json"))
        entry = select_entry(entries, self.ref, self.platform, store.origin)
        identity = image_identity(entry)
        nested_bytes, nested_digest = None, None
        for _ in range(MAX_INDEX_DEPTH):
            data = read_blob(store, entry, "manifest")
            doc = load_json_object(data, f"manifest {entry.digest}")
            if document_kind(doc, entry.media_type) == "image":
                return self._image_info(doc, data, entry.digest, nested_bytes, nested_digest, identity)
            nested_bytes, nested_digest = data, entry.digest
            entry = select_platform(index_entries(doc), self.platform)
        raise SourceError(f"{store.origin}: indexes nested more than {MAX_INDEX_DEPTH} deep")

    def _image_info(
        self,
        manifest: dict,
        manifest_bytes: bytes,
        manifest_digest: str,
        index_bytes: bytes | None,
        index_digest: str | None,
        identity: ImageReference | None,
    ) -> ImageInfo:
        config_desc, layer_descs = parse_image_manifest(manifest)
        config_bytes = read_blob(self.store, config_desc, "config")
        config = load_json_object(config_bytes, "image config")
        layers = layer_refs(layer_descs, config)
        for layer in layers:
            path = blob_path(layer.digest)
            if not self.store.exists(path):
                raise SourceError(f"{self.store.origin}: layer blob {layer.digest} is missing")
            if self.store.size(path) != layer.size:
                raise SourceError(
                    f"{self.store.origin}: layer blob {layer.digest} size differs from its descriptor"
                )
        top_digest = index_digest or manifest_digest
        return ImageInfo(
            reference=self.reference,
            manifest=manifest,
            manifest_bytes=manifest_bytes,
            config=config,
            config_bytes=config_bytes,
            layers=layers,
            manifest_digest=manifest_digest,
            index_digest=index_digest,
            index_bytes=index_bytes,
            config_digest=sha256_digest(config_bytes),
            **identity_fields([identity] if identity else [], top_digest),
        )

    @contextmanager
    def open_layer(self, layer: LayerRef) -> Iterator[BinaryIO]:
        raw = self.store.open(blob_path(layer.digest))
        with verified_layer(
            raw,
            name=layer.digest,
            expected_digest=layer.digest,
            expected_diff_id=layer.diff_id,
            limits=self.limits,
        ) as stream:
            yield stream
