"""Safe readers for the file formats feeds arrive in (JSON, YAML, XML, mis-encoded text).

XML always goes through defusedxml (entity expansion / external entities are refused) and is
streamed with ``iterparse`` so multi-hundred-MB OVAL files never sit in memory as one tree.
"""

from __future__ import annotations

import bz2
import codecs
import gzip
import io
import json
import tarfile
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO
from xml.etree.ElementTree import Element

import yaml
import zstandard
from defusedxml.ElementTree import iterparse

# BaseLoader keeps every scalar a string: YAML would otherwise turn a version key "1.10" into the
# float 1.1, silently rewriting published version strings.
_YamlLoader: type[yaml.BaseLoader] = getattr(yaml, "CBaseLoader", yaml.BaseLoader)


def _latin1_fallback(error: UnicodeError) -> tuple[str, int]:
    """Decode each byte that is not valid UTF-8 as Latin-1 (the usual culprit in old feeds)."""
    if not isinstance(error, UnicodeDecodeError):
        raise error
    bad = error.object[error.start : error.end]
    return bytes(bad).decode("latin-1"), error.end


codecs.register_error("drydock-latin1-fallback", _latin1_fallback)


def decode_recovering(data: bytes) -> tuple[str, bool]:
    """UTF-8 decode that repairs stray Latin-1 bytes; returns (text, whether repair was needed)."""
    try:
        return data.decode("utf-8-sig"), False
    except UnicodeDecodeError:
        return data.decode("utf-8", errors="drydock-latin1-fallback").lstrip("\ufeff"), True


def read_bytes(path: Path) -> bytes:
    """File contents, transparently decompressed (feeds are often published as ``.gz``/``.bz2``)."""
    data = path.read_bytes()
    if data[:2] == b"\x1f\x8b":
        return gzip.decompress(data)
    if data[:3] == b"BZh":
        return bz2.decompress(data)
    return data


def read_text(path: Path) -> tuple[str, bool]:
    return decode_recovering(read_bytes(path))


def load_json(path: Path) -> Any:
    return json.loads(read_text(path)[0])


def load_yaml(path: Path) -> Any:
    """Parse YAML with all scalars as strings (no tags, no object construction)."""
    return yaml.load(read_text(path)[0], Loader=_YamlLoader)


def local_name(tag: str) -> str:
    """``{http://oval.mitre.org/...}definition`` -> ``definition``."""
    return tag.rsplit("}", 1)[-1]


def iter_xml_elements(source: Path | bytes, wanted: set[str]) -> Iterator[Element]:
    """Stream elements whose local name is in ``wanted``; yielded elements are cleared afterwards.

    Only elements that are not nested inside another wanted element are yielded, so callers get
    whole ``definition``/``item`` subtrees. Memory stays bounded by the largest yielded subtree.
    """
    stream = io.BytesIO(source) if isinstance(source, bytes) else open_decompressed(source)
    depth = 0
    with stream:
        for event, elem in iterparse(stream, events=("start", "end")):
            if local_name(elem.tag) not in wanted:
                continue
            if event == "start":
                depth += 1
                continue
            depth -= 1
            if depth == 0:
                yield elem
                elem.clear()


def open_decompressed(path: Path) -> BinaryIO:
    """A binary stream of the file's content, decompressing ``.gz``/``.bz2`` on the fly."""
    with path.open("rb") as probe:
        magic = probe.read(3)
    if magic[:2] == b"\x1f\x8b":
        return gzip.open(path, "rb")  # type: ignore[return-value]
    if magic == b"BZh":
        return bz2.open(path, "rb")  # type: ignore[return-value]
    return path.open("rb")


def xml_bytes_recovering(path: Path) -> tuple[bytes, bool]:
    """Return XML bytes that are valid UTF-8, repairing Latin-1 bytes if the file has any."""
    raw = read_bytes(path)
    text, repaired = decode_recovering(raw)
    return (text.encode("utf-8") if repaired else raw), repaired


def text_of(elem: Element | None) -> str:
    return "".join(elem.itertext()).strip() if elem is not None else ""


def find_child(elem: Element, name: str) -> Element | None:
    return next((c for c in elem if local_name(c.tag) == name), None)


def find_children(elem: Element, name: str) -> list[Element]:
    return [c for c in elem if local_name(c.tag) == name]


def find_all(elem: Element, name: str) -> Iterator[Element]:
    return (e for e in elem.iter() if local_name(e.tag) == name)


ARCHIVE_SUFFIXES = (".zip", ".tar", ".tar.gz", ".tgz", ".tar.xz", ".tar.zst", ".tar.bz2")
#: Members larger than this (uncompressed) are refused: no single advisory is anywhere near it,
#: so a bigger one is a zip bomb or a mistake.
MAX_MEMBER_BYTES = 64 << 20


def is_archive(path: Path) -> bool:
    return path.name.endswith(ARCHIVE_SUFFIXES)


def iter_archive_members(path: Path, suffixes: tuple[str, ...]) -> Iterator[tuple[str, bytes | None]]:
    """(member name, content) for regular members ending in ``suffixes``; content is None when
    the member exceeds :data:`MAX_MEMBER_BYTES` (the caller counts it)."""
    if path.name.endswith(".zip"):
        with zipfile.ZipFile(path) as zf:
            for info in zf.infolist():
                if not info.is_dir() and info.filename.endswith(suffixes):
                    yield info.filename, zf.read(info) if info.file_size <= MAX_MEMBER_BYTES else None
        return
    with path.open("rb") as raw:
        zst = path.name.endswith(".tar.zst")  # Red Hat's CSAF archives; tarfile has no zstd before 3.14
        stream: BinaryIO = zstandard.ZstdDecompressor().stream_reader(raw) if zst else raw  # type: ignore[assignment]
        with tarfile.open(fileobj=stream, mode="r|" if zst else "r:*") as tf:
            for member in tf:
                if member.isfile() and member.name.endswith(suffixes):
                    handle = tf.extractfile(member)
                    if handle is not None:
                        yield member.name, handle.read() if member.size <= MAX_MEMBER_BYTES else None
