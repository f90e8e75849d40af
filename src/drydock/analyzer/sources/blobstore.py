"""Read files of an image layout in place: from a directory or from members of a tar archive.

An archive is never extracted: its member headers are indexed once (name → data offset and
size) and members are read by seeking into the archive. Member names are validated (no
absolute paths, no ``..``), symlinks and hard links inside the archive are followed only to
other members (bounded hops), and a member whose data runs past the end of the file (a
truncated archive) is rejected. Directory layouts refuse paths that resolve outside the root.
"""

from __future__ import annotations

import io
import os
import posixpath
import tarfile
from abc import ABC, abstractmethod
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from drydock.analyzer.sources.base import SourceError
from drydock.analyzer.sources.compression import GZIP_MAGIC, ZSTD_MAGIC

MAX_LINK_HOPS = 16
MAX_MEMBERS = 1_000_000


def clean_member_path(name: str, where: str) -> str:
    """Normalise a relative path inside a layout; reject absolute and escaping paths."""
    if not name or "\x00" in name:
        raise SourceError(f"{where}: invalid path {name!r}")
    if name.startswith("/") or posixpath.isabs(name):
        raise SourceError(f"{where}: absolute path {name!r} is not allowed")
    parts = [p for p in name.split("/") if p not in ("", ".")]
    if ".." in parts:
        raise SourceError(f"{where}: path {name!r} escapes the layout")
    return "/".join(parts)


class BlobStore(ABC):
    """Files of a layout by relative path. Picklable: no open handles are kept."""

    origin: str

    @abstractmethod
    def exists(self, path: str) -> bool: ...

    @abstractmethod
    def size(self, path: str) -> int: ...

    @abstractmethod
    def open(self, path: str) -> BinaryIO: ...

    def read(self, path: str, limit: int) -> bytes:
        if self.size(path) > limit:
            raise SourceError(f"{self.origin}: {path} is larger than {limit} bytes")
        with self.open(path) as f:
            return f.read(limit + 1)


class DirStore(BlobStore):
    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root).resolve()
        self.origin = str(self.root)
        if not self.root.is_dir():
            raise SourceError(f"{self.root} is not a directory")

    def _host(self, path: str) -> Path:
        host = (self.root / clean_member_path(path, self.origin)).resolve()
        if not host.is_relative_to(self.root):
            raise SourceError(f"{self.origin}: {path} resolves outside the layout")
        return host

    def exists(self, path: str) -> bool:
        return self._host(path).is_file()

    def size(self, path: str) -> int:
        try:
            return self._host(path).stat().st_size
        except OSError as exc:
            raise SourceError(f"{self.origin}: missing {path}") from exc

    def open(self, path: str) -> BinaryIO:
        try:
            return open(self._host(path), "rb")
        except OSError as exc:
            raise SourceError(f"{self.origin}: cannot open {path}: {exc.strerror}") from exc


@dataclass(frozen=True, slots=True)
class _Member:
    offset: int
    size: int
    link: str | None = None  # target (cleaned, archive-relative) for symlinks and hard links


class _Section(io.RawIOBase):
    """A byte range of a file, read with positional reads so nothing else can move it."""

    def __init__(self, path: str, offset: int, size: int) -> None:
        self._fd = os.open(path, os.O_RDONLY)
        self._pos = offset
        self._end = offset + size

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        n = min(len(buffer), self._end - self._pos)
        if n <= 0:
            return 0
        data = os.pread(self._fd, n, self._pos)
        if not data:
            raise SourceError("archive truncated while reading a member")
        buffer[: len(data)] = data
        self._pos += len(data)
        return len(data)

    def close(self) -> None:
        if not self.closed:
            os.close(self._fd)
        super().close()


class TarStore(BlobStore):
    """Members of an (uncompressed) tar archive, indexed lazily on first use."""

    def __init__(self, archive: str | os.PathLike[str]) -> None:
        self.archive = str(Path(archive).resolve())
        self.origin = self.archive
        self._members: dict[str, _Member] | None = None

    def __getstate__(self) -> dict[str, Any]:
        return {"archive": self.archive, "origin": self.origin, "_members": self._members}

    def members(self) -> dict[str, _Member]:
        if self._members is None:
            self._members = self._index()
        return self._members

    def _index(self) -> dict[str, _Member]:
        try:
            total = os.path.getsize(self.archive)
            with open(self.archive, "rb") as f:
                head = f.read(4)
        except OSError as exc:
            raise SourceError(f"cannot read archive {self.archive}: {exc.strerror}") from exc
        if head.startswith(GZIP_MAGIC) or head.startswith(ZSTD_MAGIC):
            raise SourceError(f"{self.archive} is a compressed file; decompress it to a plain tar first")
        members: dict[str, _Member] = {}
        try:
            with tarfile.open(self.archive, mode="r:") as tf:
                for info in tf:
                    if len(members) >= MAX_MEMBERS:
                        raise SourceError(f"{self.archive}: more than {MAX_MEMBERS} members")
                    self._add(members, info, total)
        except (tarfile.TarError, EOFError, OSError) as exc:
            raise SourceError(
                f"{self.archive} is not a valid tar archive (truncated or corrupt): {exc}"
            ) from exc
        if not members:
            raise SourceError(f"{self.archive} is empty or not a tar archive")
        return members

    def _add(self, members: dict[str, _Member], info: tarfile.TarInfo, total: int) -> None:
        if info.isdir():
            return
        name = clean_member_path(info.name, self.archive)
        if info.issym():
            target = posixpath.normpath(posixpath.join(posixpath.dirname(name), info.linkname))
            members[name] = _Member(0, 0, clean_member_path(target, self.archive))
        elif info.islnk():
            members[name] = _Member(0, 0, clean_member_path(info.linkname, self.archive))
        elif info.isreg():
            if info.offset_data + info.size > total:
                raise SourceError(f"{self.archive} is truncated: member {name} runs past the end of the file")
            members[name] = _Member(info.offset_data, info.size)

    def _lookup(self, path: str) -> _Member | None:
        members = self.members()
        name = clean_member_path(path, self.archive)
        for _ in range(MAX_LINK_HOPS):
            member = members.get(name)
            if member is None or member.link is None:
                return member
            name = member.link
        raise SourceError(f"{self.archive}: too many link hops resolving {path}")

    def exists(self, path: str) -> bool:
        return self._lookup(path) is not None

    def _member(self, path: str) -> _Member:
        member = self._lookup(path)
        if member is None:
            raise SourceError(f"{self.archive}: missing member {path}")
        return member

    def size(self, path: str) -> int:
        return self._member(path).size

    def open(self, path: str) -> BinaryIO:
        member = self._member(path)
        return _Section(self.archive, member.offset, member.size)  # type: ignore[return-value]
