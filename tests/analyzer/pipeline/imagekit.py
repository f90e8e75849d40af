"""Build small test images in memory: layer tars from member specs, an in-memory ImageSource,
and docker-archive / OCI layout writers (so the real sources can be exercised too)."""

from __future__ import annotations

import hashlib
import io
import json
import tarfile
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from drydock.analyzer.sources.base import ImageInfo, ImageSource, LayerRef


def _info(name: str, type_: bytes, mode: int = 0o644, **kw: Any) -> tarfile.TarInfo:
    ti = tarfile.TarInfo(name)
    ti.type = type_
    ti.mode = mode
    ti.mtime = 1_700_000_000
    for k, v in kw.items():
        setattr(ti, k, v)
    return ti


def file(name: str, data: bytes | str = b"", mode: int = 0o644, **kw: Any) -> tuple[tarfile.TarInfo, bytes]:
    raw = data.encode() if isinstance(data, str) else data
    return _info(name, tarfile.REGTYPE, mode, size=len(raw), **kw), raw


def directory(name: str, mode: int = 0o755) -> tuple[tarfile.TarInfo, bytes]:
    return _info(name, tarfile.DIRTYPE, mode), b""


def symlink(name: str, target: str) -> tuple[tarfile.TarInfo, bytes]:
    return _info(name, tarfile.SYMTYPE, 0o777, linkname=target), b""


def hardlink(name: str, target: str) -> tuple[tarfile.TarInfo, bytes]:
    return _info(name, tarfile.LNKTYPE, 0o644, linkname=target), b""


def chardev(name: str) -> tuple[tarfile.TarInfo, bytes]:
    return _info(name, tarfile.CHRTYPE, 0o666, devmajor=1, devminor=3), b""


def whiteout(name: str) -> tuple[tarfile.TarInfo, bytes]:
    parent, _, base = name.rpartition("/")
    return file(f"{parent}/.wh.{base}" if parent else f".wh.{base}")


def opaque(dirname: str) -> tuple[tarfile.TarInfo, bytes]:
    return file(f"{dirname.rstrip('/')}/.wh..wh..opq")


def layer(*members: tuple[tarfile.TarInfo, bytes], fmt: int = tarfile.PAX_FORMAT) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=fmt) as tar:
        for ti, data in members:
            tar.addfile(ti, io.BytesIO(data) if ti.isreg() else None)
    return buf.getvalue()


def sha256(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


def blob_digest(data: bytes) -> str:
    """Stands in for the digest of a compressed blob: distinct from the diff_id, as in
    registry images, so tests notice which of the two ends up where."""
    return sha256(b"blob:" + data)


def config_for(
    layers: list[bytes], history: list[dict[str, Any]] | None = None, **cfg: Any
) -> dict[str, Any]:
    return {
        "architecture": "amd64",
        "os": "linux",
        "created": "2024-01-01T00:00:00Z",
        "config": cfg or {"Env": ["PATH=/usr/bin"], "Cmd": ["sh"]},
        "rootfs": {"type": "layers", "diff_ids": [sha256(b) for b in layers]},
        "history": history
        or [{"created_by": f"/bin/sh -c #(nop) ADD file:{i} in / "} for i in range(len(layers))],
    }


@dataclass
class MemorySource(ImageSource):
    """An image whose layers are uncompressed tars in memory (picklable, for worker tests)."""

    layers: list[bytes]
    config: dict[str, Any] = field(default_factory=dict)
    scheme: str = "docker-archive"
    fail_layer: int | None = None  # open_layer raises for this layer index

    def info(self) -> ImageInfo:
        config = self.config or config_for(self.layers)
        config_bytes = json.dumps(config).encode()
        refs = [
            LayerRef(
                digest=blob_digest(b),
                media_type="application/vnd.docker.image.rootfs.diff.tar",
                size=len(b),
                diff_id=sha256(b),
            )
            for b in self.layers
        ]
        manifest = {
            "schemaVersion": 2,
            "config": {"digest": sha256(config_bytes), "size": len(config_bytes)},
            "layers": [{"digest": r.digest, "size": r.size, "mediaType": r.media_type} for r in refs],
        }
        manifest_bytes = json.dumps(manifest).encode()
        return ImageInfo(
            reference="memory:test",
            manifest=manifest,
            manifest_bytes=manifest_bytes,
            config=config,
            config_bytes=config_bytes,
            layers=refs,
            manifest_digest=sha256(manifest_bytes),
            config_digest=sha256(config_bytes),
            repo_tags=["test/image:latest"],
        )

    def open_layer(self, layer: LayerRef) -> AbstractContextManager[BinaryIO]:
        for i, data in enumerate(self.layers):
            if blob_digest(data) == layer.digest:
                if i == self.fail_layer:
                    raise OSError("simulated read failure")
                return io.BytesIO(data)
        raise KeyError(layer.digest)


def write_docker_archive(
    path: Path, layers: list[bytes], config: dict[str, Any] | None = None, tag: str = "test/image:latest"
) -> Path:
    """`docker save` layout: manifest.json, <config>.json, <n>/layer.tar."""
    config = config or config_for(layers)
    config_bytes = json.dumps(config).encode()
    config_name = sha256(config_bytes).split(":")[1] + ".json"
    with tarfile.open(path, "w") as tar:

        def add(name: str, data: bytes) -> None:
            ti = tarfile.TarInfo(name)
            ti.size = len(data)
            tar.addfile(ti, io.BytesIO(data))

        add(config_name, config_bytes)
        names = []
        for i, data in enumerate(layers):
            names.append(f"{i}/layer.tar")
            add(names[-1], data)
        add(
            "manifest.json",
            json.dumps([{"Config": config_name, "RepoTags": [tag], "Layers": names}]).encode(),
        )
    return path
