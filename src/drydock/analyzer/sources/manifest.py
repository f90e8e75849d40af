"""Pure validation of image manifests, indexes and configs, and platform selection.

Every JSON document an image source reads goes through here, so malformed or hostile content
(wrong types, missing fields, bad digests, a config whose ``diff_ids`` do not match the layers)
becomes a ``SourceError`` naming the problem instead of a ``KeyError`` deep in the squash step.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from typing import Any

from drydock.analyzer.sources.base import DigestMismatch, LayerRef, SourceError

OCI_INDEX = "application/vnd.oci.image.index.v1+json"
OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
OCI_CONFIG = "application/vnd.oci.image.config.v1+json"
DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json"
DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json"
DOCKER_CONFIG = "application/vnd.docker.container.image.v1+json"
DOCKER_LAYER_TAR = "application/vnd.docker.image.rootfs.diff.tar"
DOCKER_LAYER_GZIP = "application/vnd.docker.image.rootfs.diff.tar.gzip"
DOCKER_SCHEMA1 = (
    "application/vnd.docker.distribution.manifest.v1+json",
    "application/vnd.docker.distribution.manifest.v1+prettyjws",
)
INDEX_TYPES = (OCI_INDEX, DOCKER_LIST)
IMAGE_TYPES = (OCI_MANIFEST, DOCKER_MANIFEST)
MANIFEST_ACCEPT = ", ".join((*INDEX_TYPES, *IMAGE_TYPES))

MAX_DOCUMENT_BYTES = 8 * 1024 * 1024  # manifests, indexes and configs are read into memory
_DIGEST_RE = re.compile(r"^sha256:[a-f0-9]{64}$")
_ARCH_ALIASES = {"x86_64": "amd64", "x86-64": "amd64", "aarch64": "arm64", "armhf": "arm", "i686": "386"}
_DEFAULT_VARIANTS = {"arm64": "v8", "arm": "v7"}
_SKIPPED_PLATFORM = ("unknown", "unknown")  # buildx attestation manifests


def sha256_digest(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


def load_json_object(data: bytes, what: str) -> dict[str, Any]:
    if len(data) > MAX_DOCUMENT_BYTES:
        raise SourceError(f"{what} is too large ({len(data)} bytes; limit {MAX_DOCUMENT_BYTES})")
    try:
        doc = json.loads(data)
    except (ValueError, UnicodeDecodeError) as exc:
        raise SourceError(f"{what} is not valid JSON: {exc}") from exc
    if not isinstance(doc, dict):
        raise SourceError(f"{what} is not a JSON object")
    return doc


def validate_digest(value: Any, what: str) -> str:
    if not isinstance(value, str) or not _DIGEST_RE.match(value):
        raise SourceError(f"{what}: invalid or unsupported digest {value!r} (expected sha256:<64 hex>)")
    return value


@dataclass(frozen=True, slots=True)
class Descriptor:
    media_type: str
    digest: str
    size: int
    platform: dict[str, Any] | None = None
    annotations: dict[str, str] | None = None


def parse_descriptor(obj: Any, what: str) -> Descriptor:
    if not isinstance(obj, dict):
        raise SourceError(f"{what}: descriptor is not an object")
    size = obj.get("size")
    if not isinstance(size, int) or isinstance(size, bool) or size < 0:
        raise SourceError(f"{what}: invalid size {size!r}")
    media_type = obj.get("mediaType", "")
    platform = obj.get("platform")
    annotations = obj.get("annotations")
    if not isinstance(media_type, str):
        raise SourceError(f"{what}: invalid mediaType")
    if platform is not None and not isinstance(platform, dict):
        raise SourceError(f"{what}: invalid platform")
    if annotations is not None and not (
        isinstance(annotations, dict) and all(isinstance(v, str) for v in annotations.values())
    ):
        raise SourceError(f"{what}: invalid annotations")
    return Descriptor(media_type, validate_digest(obj.get("digest"), what), size, platform, annotations)


def document_kind(doc: dict[str, Any], media_type_hint: str | None = None) -> str:
    """``"index"`` or ``"image"``; schema 1 and unknown documents raise ``SourceError``."""
    media_type = doc.get("mediaType") or media_type_hint or ""
    if doc.get("schemaVersion") == 1 or media_type in DOCKER_SCHEMA1:
        raise SourceError("Docker schema 1 manifests are unsupported (deprecated format); re-push the image")
    if media_type in INDEX_TYPES or (not media_type and "manifests" in doc):
        return "index"
    if media_type in IMAGE_TYPES or (not media_type and "config" in doc and "layers" in doc):
        return "image"
    raise SourceError(f"unsupported manifest media type {media_type!r}")


def index_entries(index: dict[str, Any]) -> list[Descriptor]:
    entries = index.get("manifests")
    if not isinstance(entries, list):
        raise SourceError("image index has no 'manifests' list")
    return [parse_descriptor(e, f"index entry {i}") for i, e in enumerate(entries)]


@dataclass(frozen=True, slots=True)
class Platform:
    os: str
    architecture: str
    variant: str | None = None

    @classmethod
    def parse(cls, text: str) -> Platform:
        parts = text.strip().lower().split("/")
        if len(parts) not in (2, 3) or not all(parts):
            raise SourceError(f"invalid platform {text!r} (expected os/arch[/variant])")
        arch = _ARCH_ALIASES.get(parts[1], parts[1])
        return cls(parts[0], arch, parts[2] if len(parts) == 3 else None)

    @classmethod
    def of(cls, obj: dict[str, Any]) -> Platform:
        arch = str(obj.get("architecture", ""))
        variant = obj.get("variant")
        return cls(str(obj.get("os", "")), _ARCH_ALIASES.get(arch, arch), str(variant) if variant else None)

    def __str__(self) -> str:
        return "/".join(p for p in (self.os, self.architecture, self.variant) if p)


def select_platform(entries: list[Descriptor], wanted: Platform) -> Descriptor:
    """Pick the entry for ``wanted``. Without a requested variant, an entry with no variant or the
    architecture's default variant wins over others (as ``docker pull`` does)."""
    candidates: list[tuple[int, int, Descriptor]] = []
    for entry in entries:
        if entry.platform is None:
            continue
        have = Platform.of(entry.platform)
        if (have.os, have.architecture) != (wanted.os, wanted.architecture):
            continue
        default = _DEFAULT_VARIANTS.get(have.architecture)
        if wanted.variant is not None and (have.variant or default) != wanted.variant:
            continue
        rank = 0 if have.variant in (None, default) else 1
        candidates.append((rank, len(candidates), entry))
    if candidates:
        return min(candidates, key=lambda c: (c[0], c[1]))[2]
    available = sorted(
        {
            str(Platform.of(e.platform))
            for e in entries
            if e.platform and (e.platform.get("os"), e.platform.get("architecture")) != _SKIPPED_PLATFORM
        }
    )
    raise SourceError(
        f"no image for platform {wanted} in the index; available platforms: {', '.join(available) or 'none'}"
    )


def parse_image_manifest(manifest: dict[str, Any]) -> tuple[Descriptor, list[Descriptor]]:
    """The config descriptor and layer descriptors of a single-platform manifest."""
    if manifest.get("schemaVersion") != 2:
        document_kind(manifest)  # raises the precise error for schema 1
        raise SourceError(f"unsupported manifest schemaVersion {manifest.get('schemaVersion')!r}")
    config = parse_descriptor(manifest.get("config"), "manifest config")
    raw_layers = manifest.get("layers")
    if not isinstance(raw_layers, list):
        raise SourceError("manifest has no 'layers' list")
    return config, [parse_descriptor(layer, f"manifest layer {i}") for i, layer in enumerate(raw_layers)]


def config_diff_ids(config: dict[str, Any]) -> list[str]:
    rootfs = config.get("rootfs")
    diff_ids = rootfs.get("diff_ids") if isinstance(rootfs, dict) else None
    if not isinstance(diff_ids, list):
        raise SourceError("image config has no rootfs.diff_ids list")
    return [validate_digest(d, f"config diff_id {i}") for i, d in enumerate(diff_ids)]


def layer_refs(layers: list[Descriptor], config: dict[str, Any]) -> list[LayerRef]:
    """Pair manifest layers with the config's ``diff_ids``; a count mismatch means the image is
    inconsistent and squashing it would attribute files to the wrong layer."""
    diff_ids = config_diff_ids(config)
    if len(diff_ids) != len(layers):
        raise SourceError(f"image has {len(layers)} layers but its config lists {len(diff_ids)} diff_ids")
    pairs = zip(layers, diff_ids, strict=True)
    return [LayerRef(d.digest, d.media_type, d.size, diff_id) for d, diff_id in pairs]


def check_blob(data: bytes, descriptor: Descriptor, what: str) -> None:
    """Size and digest of an in-memory blob against the descriptor that named it."""
    if len(data) != descriptor.size:
        raise SourceError(f"{what}: size {len(data)} does not match descriptor size {descriptor.size}")
    actual = sha256_digest(data)
    if actual != descriptor.digest:
        raise DigestMismatch(f"{what}: digest mismatch: expected {descriptor.digest}, got {actual}")
