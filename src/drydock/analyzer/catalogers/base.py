"""The two shapes a cataloger can take, and the registry that lists them.

* ``Cataloger``: reads a known set of paths (declared as glob ``patterns``) from the squashed
  tree through a ``FileResolver`` — package databases, manifests, lock files.
* ``FileScanner``: looks at one file at a time (``wants`` on the header, ``scan`` on the bytes)
  — executables, archives. Scanners run inside the layer-reading workers while the layer
  streams past, so binaries and jars are never all held in memory at once; results for files
  that a later layer replaced or deleted are dropped by the squash.

Both must be pure with respect to the host: no disk, no network; bad input is reported in
``CatalogResult.warnings`` (or raised as ``CatalogError`` for the one file), never a crash.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar, Protocol, runtime_checkable

from drydock.analyzer.filetree import FileResolver
from drydock.analyzer.model import CatalogResult, Distro, FileEntry


class CatalogError(Exception):
    """A file could not be parsed; the analysis goes on with a warning."""


@dataclass(slots=True)
class CatalogContext:
    """What catalogers may know beyond the files: the detected distro (for PURL qualifiers
    and CPE vendors) and the analysis configuration."""

    distro: Distro | None = None
    config: dict[str, Any] = field(default_factory=dict)


@runtime_checkable
class Cataloger(Protocol):
    name: ClassVar[str]
    patterns: ClassVar[tuple[str, ...]]

    def catalog(self, resolver: FileResolver, context: CatalogContext) -> CatalogResult: ...


@runtime_checkable
class FileScanner(Protocol):
    name: ClassVar[str]

    def wants(self, entry: FileEntry) -> bool:
        """Cheap decision on the tar header alone (path, mode, size)."""
        ...

    def scan(self, entry: FileEntry, data: bytes, context: CatalogContext) -> CatalogResult: ...


_CATALOGERS: dict[str, type] = {}
_SCANNERS: dict[str, type] = {}


def register_cataloger(cls: type) -> type:
    """Class decorator: make a ``Cataloger`` part of every analysis."""
    if cls.name in _CATALOGERS:
        raise ValueError(f"duplicate cataloger name {cls.name}")
    _CATALOGERS[cls.name] = cls
    return cls


def register_scanner(cls: type) -> type:
    """Class decorator: make a ``FileScanner`` part of every analysis."""
    if cls.name in _SCANNERS:
        raise ValueError(f"duplicate scanner name {cls.name}")
    _SCANNERS[cls.name] = cls
    return cls


def all_catalogers() -> list[Cataloger]:
    _load_builtin()
    return [cls() for cls in _CATALOGERS.values()]


def all_scanners() -> list[FileScanner]:
    _load_builtin()
    return [cls() for cls in _SCANNERS.values()]


def _load_builtin() -> None:
    """Import the cataloger modules so their decorators run (idempotent)."""
    import importlib
    import pkgutil

    import drydock.analyzer.catalogers as pkg

    for mod in pkgutil.iter_modules(pkg.__path__):
        if mod.name != "base":
            importlib.import_module(f"{pkg.__name__}.{mod.name}")
