"""Build small, reproducible container images in memory and write them in every format a source
reads: OCI layout directory, OCI archive, docker-archive (legacy and Docker ≥ 25 layouts).

Typical use::

    img = build_image([{"etc/os-release": b"ID=debian\\n"}, {"app/x": b"1"}], compression="zstd")
    write_oci_dir(tmp / "layout", [("demo:1", img)])
    write_docker_archive(tmp / "img.tar", [(["demo:1"], img)])
    idx = build_index([img_amd64, img_arm64])          # multi-platform; write or push like an image

A layer is given as a dict ``{relative path: bytes | Symlink | Hardlink}`` (directories are
implied) or as a ``Path`` to a directory tree. Everything is deterministic: sorted entries,
mtime 0, uid/gid 0, gzip header mtime 0 — the same input always gives the same digests.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import tarfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import zstandard

OCI_INDEX = "application/vnd.oci.image.index.v1+json"
OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
OCI_CONFIG = "application/vnd.oci.image.config.v1+json"
DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json"
DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json"
DOCKER_CONFIG = "application/vnd.docker.container.image.v1+json"
LAYER_TYPES = {
    ("oci", "gzip"): "application/vnd.oci.image.layer.v1.tar+gzip",
    ("oci", "zstd"): "application/vnd.oci.image.layer.v1.tar+zstd",
    ("oci", "none"): "application/vnd.oci.image.layer.v1.tar",
    ("docker", "gzip"): "application/vnd.docker.image.rootfs.diff.tar.gzip",
    ("docker", "zstd"): "application/vnd.oci.image.layer.v1.tar+zstd",
    ("docker", "none"): "application/vnd.docker.image.rootfs.diff.tar",
}


@dataclass(frozen=True)
class Symlink:
    target: str


@dataclass(frozen=True)
class Hardlink:
    target: str  # path of an earlier member of the same layer


LayerSpec = Mapping[str, "bytes | Symlink | Hardlink"] | Path


def digest_of(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


def _canonical_json(doc: object) -> bytes:
    return json.dumps(doc, sort_keys=True, separators=(",", ":")).encode()


def _tar_bytes(members: Sequence[tuple[tarfile.TarInfo, bytes | None]]) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as tf:
        for info, data in members:
            tf.addfile(info, io.BytesIO(data) if data is not None else None)
    return buf.getvalue()


def _info(name: str, kind: bytes, size: int = 0, link: str = "", mode: int = 0o644) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.type, info.size, info.linkname, info.mode, info.mtime = kind, size, link, mode, 0
    return info


def layer_tar(spec: LayerSpec) -> bytes:
    """The uncompressed tar of one layer."""
    files = _files_from_dir(spec) if isinstance(spec, Path) else spec
    members: list[tuple[tarfile.TarInfo, bytes | None]] = []
    dirs = sorted({"/".join(p.split("/")[:i]) for p in files for i in range(1, p.count("/") + 1)})
    members += [(_info(d, tarfile.DIRTYPE, mode=0o755), None) for d in dirs]
    for path in sorted(files):
        value = files[path]
        if isinstance(value, Symlink):
            members.append((_info(path, tarfile.SYMTYPE, link=value.target, mode=0o777), None))
        elif isinstance(value, Hardlink):
            members.append((_info(path, tarfile.LNKTYPE, link=value.target), None))
        else:
            members.append((_info(path, tarfile.REGTYPE, size=len(value)), value))
    return _tar_bytes(members)


def _files_from_dir(root: Path) -> dict[str, bytes | Symlink | Hardlink]:
    out: dict[str, bytes | Symlink | Hardlink] = {}
    for p in sorted(root.rglob("*")):
        rel = p.relative_to(root).as_posix()
        if p.is_symlink():
            out[rel] = Symlink(str(p.readlink()))
        elif p.is_file():
            out[rel] = p.read_bytes()
    return out


def compress(data: bytes, compression: str) -> bytes:
    if compression == "gzip":
        buf = io.BytesIO()
        with gzip.GzipFile(filename="", mode="wb", fileobj=buf, mtime=0) as gz:
            gz.write(data)
        return buf.getvalue()
    if compression == "zstd":
        return zstandard.ZstdCompressor().compress(data)
    if compression == "none":
        return data
    raise ValueError(f"unknown compression {compression!r}")


@dataclass(frozen=True)
class BuiltLayer:
    tar: bytes  # uncompressed
    blob: bytes  # as stored
    media_type: str

    @property
    def digest(self) -> str:
        return digest_of(self.blob)

    @property
    def diff_id(self) -> str:
        return digest_of(self.tar)


@dataclass(frozen=True)
class BuiltImage:
    config_bytes: bytes
    manifest_bytes: bytes
    layers: list[BuiltLayer]
    media_type: str
    platform: dict[str, str]

    @property
    def digest(self) -> str:
        return digest_of(self.manifest_bytes)

    @property
    def config_digest(self) -> str:
        return digest_of(self.config_bytes)

    def blobs(self) -> dict[str, bytes]:
        """Config and layer blobs, digest → bytes."""
        return {self.config_digest: self.config_bytes, **{layer.digest: layer.blob for layer in self.layers}}

    def children(self) -> list[BuiltImage]:
        return []


@dataclass(frozen=True)
class BuiltIndex:
    manifest_bytes: bytes
    images: list[BuiltImage]
    media_type: str
    platform: dict[str, str] = field(default_factory=dict)

    @property
    def digest(self) -> str:
        return digest_of(self.manifest_bytes)

    def blobs(self) -> dict[str, bytes]:
        """Every blob below the index, child manifests included."""
        out: dict[str, bytes] = {}
        for image in self.images:
            out.update(image.blobs())
            out[image.digest] = image.manifest_bytes
        return out

    def children(self) -> list[BuiltImage]:
        return list(self.images)


Artifact = BuiltImage | BuiltIndex


def build_image(
    layers: Sequence[LayerSpec],
    *,
    compression: str | Sequence[str] = "gzip",
    os: str = "linux",
    arch: str = "amd64",
    variant: str | None = None,
    flavor: str = "oci",
    labels: Mapping[str, str] | None = None,
) -> BuiltImage:
    """An image with one layer per spec. ``compression`` is one value or one per layer;
    ``flavor`` picks OCI or Docker schema 2 media types."""
    kinds = [compression] * len(layers) if isinstance(compression, str) else list(compression)
    built = []
    for spec, kind in zip(layers, kinds, strict=True):
        tar = layer_tar(spec)
        built.append(BuiltLayer(tar, compress(tar, kind), LAYER_TYPES[(flavor, kind)]))
    platform = {"os": os, "architecture": arch, **({"variant": variant} if variant else {})}
    config = {
        **platform,
        "created": "1970-01-01T00:00:00Z",
        "config": {"Env": ["PATH=/usr/bin:/bin"], "Labels": dict(labels or {})},
        "rootfs": {"type": "layers", "diff_ids": [layer.diff_id for layer in built]},
        "history": [{"created_by": f"layer {i}"} for i in range(len(built))],
    }
    config_bytes = _canonical_json(config)
    manifest_type, config_type = (
        (OCI_MANIFEST, OCI_CONFIG) if flavor == "oci" else (DOCKER_MANIFEST, DOCKER_CONFIG)
    )
    manifest = {
        "schemaVersion": 2,
        "mediaType": manifest_type,
        "config": {"mediaType": config_type, "digest": digest_of(config_bytes), "size": len(config_bytes)},
        "layers": [
            {"mediaType": layer.media_type, "digest": layer.digest, "size": len(layer.blob)}
            for layer in built
        ],
    }
    return BuiltImage(config_bytes, _canonical_json(manifest), built, manifest_type, platform)


def descriptor(artifact: Artifact, annotations: Mapping[str, str] | None = None) -> dict[str, object]:
    out: dict[str, object] = {
        "mediaType": artifact.media_type,
        "digest": artifact.digest,
        "size": len(artifact.manifest_bytes),
    }
    if artifact.platform:
        out["platform"] = artifact.platform
    if annotations:
        out["annotations"] = dict(annotations)
    return out


def build_index(images: Sequence[BuiltImage], *, flavor: str = "oci") -> BuiltIndex:
    media_type = OCI_INDEX if flavor == "oci" else DOCKER_LIST
    doc = {"schemaVersion": 2, "mediaType": media_type, "manifests": [descriptor(i) for i in images]}
    return BuiltIndex(_canonical_json(doc), list(images), media_type)


def layout_files(entries: Sequence[tuple[str | None, Artifact]]) -> dict[str, bytes]:
    """Files of an OCI layout holding ``entries`` (ref name or None, artifact)."""
    files = {"oci-layout": b'{"imageLayoutVersion":"1.0.0"}'}
    manifests = []
    for ref_name, artifact in entries:
        for digest, data in {**artifact.blobs(), artifact.digest: artifact.manifest_bytes}.items():
            files[f"blobs/sha256/{digest.split(':', 1)[1]}"] = data
        annotations = {"org.opencontainers.image.ref.name": ref_name} if ref_name else None
        entry = descriptor(artifact, annotations)
        entry.pop("platform", None)
        manifests.append(entry)
    files["index.json"] = _canonical_json(
        {"schemaVersion": 2, "mediaType": OCI_INDEX, "manifests": manifests}
    )
    return files


def write_tar(path: Path, files: Mapping[str, bytes]) -> Path:
    """A plain tar of ``files`` (sorted, mtime 0)."""
    members = [(_info(name, tarfile.REGTYPE, size=len(data)), data) for name, data in sorted(files.items())]
    path.write_bytes(_tar_bytes(members))
    return path


def write_oci_dir(path: Path, entries: Sequence[tuple[str | None, Artifact]]) -> Path:
    for name, data in layout_files(entries).items():
        target = path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    return path


def write_oci_archive(path: Path, entries: Sequence[tuple[str | None, Artifact]]) -> Path:
    return write_tar(path, layout_files(entries))


def docker_archive_files(
    images: Sequence[tuple[Sequence[str], BuiltImage]], *, layout: str = "legacy"
) -> dict[str, bytes]:
    """Files of a ``docker save`` tar. ``legacy``: ``<id>/layer.tar`` + ``<hex>.json``;
    ``oci``: Docker ≥ 25 (``blobs/sha256/...``, ``index.json`` and ``manifest.json``)."""
    if layout == "oci":
        files = layout_files([(tags[0] if tags else None, image) for tags, image in images])
        blob = "blobs/sha256/{}".format
        entries = [
            {
                "Config": blob(img.config_digest[7:]),
                "RepoTags": list(tags),
                "Layers": [blob(lyr.digest[7:]) for lyr in img.layers],
            }
            for tags, img in images
        ]
    else:
        files, entries = {}, []
        for tags, img in images:
            config_name = img.config_digest[7:] + ".json"
            files[config_name] = img.config_bytes
            layer_names = []
            for position, layer in enumerate(img.layers):
                layer_id = hashlib.sha256(f"{img.config_digest}/{position}".encode()).hexdigest()
                files[f"{layer_id}/layer.tar"] = layer.blob
                layer_names.append(f"{layer_id}/layer.tar")
            entries.append({"Config": config_name, "RepoTags": list(tags), "Layers": layer_names})
    files["manifest.json"] = json.dumps(entries).encode()
    return files


def write_docker_archive(
    path: Path, images: Sequence[tuple[Sequence[str], BuiltImage]], *, layout: str = "legacy"
) -> Path:
    return write_tar(path, docker_archive_files(images, layout=layout))
