"""Read access to an image's final (squashed) file tree, for catalogers.

Catalogers never touch the disk or the layer tars directly: they ask a ``FileResolver``. For a
``dir:`` source the resolver reads the directory lazily; for images the squash step captures,
in one pass over the layer streams, exactly the files that the catalogers' glob patterns name,
and serves them from there. That is why a cataloger must declare every path it reads in its
``patterns``: an undeclared path is not captured and reads as missing.
"""

from __future__ import annotations

import functools
import os
import posixpath
import re
import stat
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator
from pathlib import Path

from drydock.analyzer.model import FileEntry, FileType

MAX_SYMLINK_HOPS = 40


class FileTooLarge(Exception):
    """The file exceeds the capture limit for cataloger reads."""


@functools.lru_cache(maxsize=4096)
def glob_to_regex(pattern: str) -> re.Pattern[str]:
    """Compile a doublestar glob (``**/`` = any number of directories, ``*`` and ``?`` within
    one path segment, ``[...]`` classes, ``{a,b}`` alternatives) to a regex over absolute paths.

    Patterns are matched against absolute paths; a pattern without a leading ``/`` or ``**/``
    is anchored at the root.
    """
    if not pattern.startswith("/"):
        pattern = "/" + pattern if not pattern.startswith("**") else pattern
    i, n, out = 0, len(pattern), []
    while i < n:
        c = pattern[i]
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
            continue
        if pattern.startswith("**", i):
            out.append(".*")
            i += 2
            continue
        if c == "*":
            out.append("[^/]*")
        elif c == "?":
            out.append("[^/]")
        elif c == "[":
            j = pattern.find("]", i + 1)
            if j < 0:
                out.append(re.escape(c))
            else:
                body = pattern[i + 1 : j]
                if body.startswith("!"):
                    body = "^" + body[1:]
                out.append(f"[{body}]")
                i = j
        elif c == "{":
            j = pattern.find("}", i + 1)
            if j < 0:
                out.append(re.escape(c))
            else:
                alts = pattern[i + 1 : j].split(",")
                out.append("(?:" + "|".join(re.escape(a) for a in alts) + ")")
                i = j
        else:
            out.append(re.escape(c))
        i += 1
    return re.compile("".join(out) + r"\Z")


def glob_match(pattern: str, path: str) -> bool:
    return glob_to_regex(pattern).match(path) is not None


def normalize_path(path: str) -> str:
    """Absolute, normalized POSIX path; ``..`` cannot climb above ``/``."""
    norm = posixpath.normpath("/" + path.lstrip("/"))
    # normpath keeps a leading "//"; collapse it.
    return "/" + norm.lstrip("/")


class FileResolver(ABC):
    """The squashed tree as catalogers see it. Paths are absolute POSIX paths."""

    @abstractmethod
    def entry(self, path: str) -> FileEntry | None:
        """The entry at exactly ``path`` (symlinks not followed), or None."""

    @abstractmethod
    def entries(self) -> Iterator[FileEntry]:
        """Every entry of the tree (order unspecified)."""

    @abstractmethod
    def read_bytes(self, path: str) -> bytes:
        """Content of the regular file at ``path`` after following symlinks.

        Raises FileNotFoundError when absent (or not captured), FileTooLarge when too big.
        """

    def glob(self, pattern: str) -> list[FileEntry]:
        rx = glob_to_regex(pattern)
        return sorted((e for e in self.entries() if rx.match(e.path)), key=lambda e: e.path)

    def glob_any(self, patterns: Iterable[str]) -> list[FileEntry]:
        rxs = [glob_to_regex(p) for p in patterns]
        return sorted(
            (e for e in self.entries() if any(rx.match(e.path) for rx in rxs)), key=lambda e: e.path
        )

    def exists(self, path: str) -> bool:
        return self.resolve(path) is not None

    def read_text(self, path: str, errors: str = "replace") -> str:
        return self.read_bytes(path).decode("utf-8", errors=errors)

    def resolve(self, path: str) -> FileEntry | None:
        """Follow symlinks (absolute targets are taken relative to the tree root, never the
        host), component by component, with a hop limit; None if dangling or looping."""
        parts = [p for p in normalize_path(path).split("/") if p]
        resolved = "/"
        hops = 0
        i = 0
        entry: FileEntry | None = self.entry("/")
        while i < len(parts):
            candidate = posixpath.join(resolved, parts[i])
            entry = self.entry(candidate)
            if entry is None:
                return None
            if entry.type is FileType.SYMLINK and entry.link_target is not None:
                hops += 1
                if hops > MAX_SYMLINK_HOPS:
                    return None
                target = entry.link_target
                base = "/" if target.startswith("/") else resolved
                rest = parts[i + 1 :]
                parts = [p for p in normalize_path(posixpath.join(base, target)).split("/") if p] + rest
                resolved, i = "/", 0
                entry = self.entry("/")
                continue
            resolved = candidate
            i += 1
        return entry


class DirectoryResolver(FileResolver):
    """A plain directory as a root filesystem (``dir:`` sources and the pkgdb fixtures).

    Symlinks are resolved inside ``root`` by ``resolve``; ``os.lstat`` is used throughout so a
    link can never make us read outside the root.
    """

    def __init__(self, root: str | os.PathLike[str], max_read: int = 512 * 1024 * 1024) -> None:
        self.root = Path(root).resolve()
        self.max_read = max_read
        self._index: dict[str, FileEntry] | None = None

    def _host(self, path: str) -> Path:
        return self.root / normalize_path(path).lstrip("/")

    def _stat_entry(self, path: str, host: Path) -> FileEntry | None:
        try:
            st = os.lstat(host)
        except OSError:
            return None
        mode = st.st_mode
        link = None
        if stat.S_ISDIR(mode):
            ftype = FileType.DIRECTORY
        elif stat.S_ISREG(mode):
            ftype = FileType.REGULAR
        elif stat.S_ISLNK(mode):
            ftype = FileType.SYMLINK
            link = os.readlink(host)
        elif stat.S_ISCHR(mode):
            ftype = FileType.CHAR_DEVICE
        elif stat.S_ISBLK(mode):
            ftype = FileType.BLOCK_DEVICE
        elif stat.S_ISFIFO(mode):
            ftype = FileType.FIFO
        else:
            ftype = FileType.OTHER
        return FileEntry(
            path=path,
            type=ftype,
            mode=stat.S_IMODE(mode),
            uid=st.st_uid,
            gid=st.st_gid,
            size=st.st_size if ftype is FileType.REGULAR else 0,
            link_target=link,
            mtime=int(st.st_mtime),
        )

    def _build_index(self) -> dict[str, FileEntry]:
        index: dict[str, FileEntry] = {}
        root_entry = self._stat_entry("/", self.root)
        if root_entry:
            index["/"] = root_entry
        for dirpath, dirnames, filenames in os.walk(self.root, followlinks=False):
            rel = os.path.relpath(dirpath, self.root)
            base = "/" if rel == "." else "/" + rel.replace(os.sep, "/")
            for name in dirnames + filenames:
                p = posixpath.join(base, name)
                e = self._stat_entry(p, Path(dirpath) / name)
                if e:
                    index[p] = e
        return index

    def entry(self, path: str) -> FileEntry | None:
        path = normalize_path(path)
        if self._index is not None:
            return self._index.get(path)
        return self._stat_entry(path, self._host(path))

    def entries(self) -> Iterator[FileEntry]:
        if self._index is None:
            self._index = self._build_index()
        return iter(self._index.values())

    def read_bytes(self, path: str) -> bytes:
        e = self.resolve(path)
        if e is None or e.type is not FileType.REGULAR:
            raise FileNotFoundError(path)
        if e.size > self.max_read:
            raise FileTooLarge(f"{path}: {e.size} bytes exceeds {self.max_read}")
        with open(self._host(e.path), "rb") as fh:
            return fh.read(self.max_read + 1)[: self.max_read]
