"""Bounded reading and parsing of manifest/lock files for the language catalogers.

Every language cataloger reads small text files that an image author controls; these helpers
cap the size, decode leniently and turn parser failures into ``CatalogError`` so one bad file
becomes one warning instead of an aborted analysis.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any

from drydock.analyzer.catalogers.base import CatalogError
from drydock.analyzer.filetree import FileResolver, FileTooLarge
from drydock.analyzer.model import CatalogResult, Location

MAX_MANIFEST_BYTES = 64 * 1024 * 1024


def read_bytes(resolver: FileResolver, path: str, limit: int = MAX_MANIFEST_BYTES) -> bytes:
    """The file's bytes; oversized or unreadable files raise ``CatalogError``."""
    entry = resolver.entry(path)  # symlinks are followed (and capped) by read_bytes itself
    if entry is not None and entry.size > limit:
        raise CatalogError(f"{path}: {entry.size} bytes exceeds the {limit}-byte manifest limit")
    try:
        data = resolver.read_bytes(path)
    except (FileNotFoundError, FileTooLarge, OSError) as exc:
        raise CatalogError(f"{path}: cannot read ({exc})") from exc
    if len(data) > limit:
        raise CatalogError(f"{path}: exceeds the {limit}-byte manifest limit")
    return data


def read_text(resolver: FileResolver, path: str, limit: int = MAX_MANIFEST_BYTES) -> str:
    """The file as UTF-8 text (undecodable bytes replaced, BOM dropped)."""
    return read_bytes(resolver, path, limit).decode("utf-8", errors="replace").lstrip("\ufeff")


def loads_json(text: str, path: str) -> Any:
    try:
        return json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise CatalogError(f"{path}: malformed JSON ({exc})") from exc


def loads_toml(text: str, path: str) -> dict[str, Any]:
    import tomllib  # imported by the first TOML file, not by every analysis

    try:
        return tomllib.loads(text)
    except (tomllib.TOMLDecodeError, RecursionError, ValueError) as exc:
        raise CatalogError(f"{path}: malformed TOML ({exc})") from exc


def loads_yaml_documents(text: str, path: str) -> list[Any]:
    """All documents of a YAML stream (pnpm may write several), every scalar as a string."""
    import yaml  # imported by the first YAML file, not by every analysis (≈ 8 ms of start-up)

    # Every scalar stays a string: lock files hold versions like 1.10 that YAML would make
    # floats. BaseLoader constructs no objects, so it is as safe as safe_load.
    loader = getattr(yaml, "CBaseLoader", yaml.BaseLoader)
    try:
        return [doc for doc in yaml.load_all(text, Loader=loader) if doc is not None]
    except (yaml.YAMLError, RecursionError, ValueError) as exc:
        raise CatalogError(f"{path}: malformed YAML ({exc})") from exc


def primary(path: str) -> Location:
    return Location(path=path, evidence="primary")


def supporting(path: str) -> Location:
    return Location(path=path, evidence="supporting")


def catalog_each(
    resolver: FileResolver,
    paths: Iterable[str],
    parse: Callable[[FileResolver, str], CatalogResult],
) -> CatalogResult:
    """Run ``parse`` on every path, turning a failure on one file into a warning."""
    out = CatalogResult()
    for path in paths:
        try:
            out.extend(parse(resolver, path))
        except CatalogError as exc:
            out.warnings.append(str(exc))
        except (
            ValueError,
            TypeError,
            KeyError,
            IndexError,
            AttributeError,
            ArithmeticError,
            RecursionError,
        ) as exc:
            out.warnings.append(f"{path}: unexpected content ({type(exc).__name__}: {exc})")
        except Exception as exc:  # noqa: BLE001 - one file's parser bug must not abort the analysis
            out.warnings.append(f"{path}: internal error while parsing ({type(exc).__name__}: {exc})")
    return out


def as_dict(value: Any) -> dict[str, Any]:
    """``value`` if it is a mapping, else empty: lock files are untrusted and may be any shape."""
    return value if isinstance(value, dict) else {}


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def as_str(value: Any) -> str:
    return value if isinstance(value, str) else ""


def strip_jsonc(text: str) -> str:
    """JSON with comments and trailing commas (bun.lock, tsconfig-style) → strict JSON.

    One linear pass that tracks string literals, so ``//`` inside a URL string survives.
    """
    out: list[str] = []
    i, n = 0, len(text)
    pending_comma = -1  # index in ``out`` of a comma that may turn out to be trailing
    while i < n:
        c = text[i]
        if c == '"':
            j = i + 1
            while j < n and text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            out.append(text[i : j + 1])
            pending_comma = -1
            i = j + 1
        elif text.startswith("//", i):
            j = text.find("\n", i)
            i = n if j < 0 else j
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            i = n if j < 0 else j + 2
        elif c == ",":
            pending_comma = len(out)
            out.append(c)
            i += 1
        elif c in "}]":
            if pending_comma >= 0:
                out[pending_comma] = ""
            pending_comma = -1
            out.append(c)
            i += 1
        else:
            if not c.isspace():
                pending_comma = -1
            out.append(c)
            i += 1
    return "".join(out)


def catalog_text_files(
    resolver: FileResolver, patterns: tuple[str, ...], parse: Callable[[str, str], CatalogResult]
) -> CatalogResult:
    """Every file matching ``patterns``, read as bounded text and handed to ``parse(text, path)``."""
    paths = [e.path for e in resolver.glob_any(patterns)]
    return catalog_each(resolver, paths, lambda r, p: parse(read_text(r, p), p))
