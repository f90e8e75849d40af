"""Driver contract, per-driver config, parse statistics and the driver registry.

A driver turns one upstream's *local* files into normalized records. Downloading is a separate
step (:meth:`Driver.fetch`) so parsing can run offline, on air-gapped bundles and in tests.
Parsing never raises for bad data: a broken record or file is skipped, logged and counted in
:class:`ParseStats`, so one malformed advisory cannot cost the other hundred thousand.
"""

from __future__ import annotations

import abc
import logging
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar, TypeVar
from urllib.parse import urlparse

import httpx

from drydock.feeds.records import Record

log = logging.getLogger(__name__)

T = TypeVar("T")
DriverT = TypeVar("DriverT", bound="type[Driver]")

#: Exceptions that mean "this item's data is not what the format promises".
DATA_ERRORS: tuple[type[Exception], ...] = (KeyError, ValueError, TypeError, AttributeError, IndexError)

DEFAULT_TIMEOUT = httpx.Timeout(connect=10.0, read=60.0, write=30.0, pool=10.0)


@dataclass(slots=True)
class DriverConfig:
    """Operator-tunable settings; ``urls`` empty means "use the driver's defaults"."""

    enabled: bool = True
    urls: tuple[str, ...] = ()
    interval_hours: float = 6.0


@dataclass(slots=True)
class ParseStats:
    """What happened during the last parse: counts, not just log lines, so callers can alert."""

    files: int = 0
    parsed: int = 0
    #: Files read only after repairing their encoding (e.g. Latin-1 bytes in a UTF-8 document).
    repaired: int = 0
    skipped: Counter[str] = field(default_factory=Counter)
    warnings: list[str] = field(default_factory=list)

    MAX_WARNINGS: ClassVar[int] = 200

    @property
    def skipped_total(self) -> int:
        return sum(self.skipped.values())

    def skip(self, reason: str, detail: str) -> None:
        self.skipped[reason] += 1
        self.warn(f"{reason}: {detail}")

    def note_repaired(self, path: object) -> None:
        self.repaired += 1
        self.warn(f"{path}: repaired non-UTF-8 bytes (read as Latin-1)")

    def warn(self, message: str) -> None:
        log.warning(message)
        if len(self.warnings) < self.MAX_WARNINGS:
            self.warnings.append(message)


class Driver(abc.ABC):
    """Base class for one upstream feed.

    Subclasses set ``name``, ``namespaces`` (patterns such as ``debian:*``), ``default_urls`` and
    ``file_patterns`` (globs used when :meth:`parse` is handed a directory), and implement
    :meth:`parse_file`. Drivers whose records join several files (Debian tracker JSON + DSA list)
    override :meth:`parse_files` instead.
    """

    name: ClassVar[str]
    namespaces: ClassVar[tuple[str, ...]]
    default_urls: ClassVar[tuple[str, ...]] = ()
    file_patterns: ClassVar[tuple[str, ...]] = ("*.json",)

    def __init__(self, config: DriverConfig | None = None) -> None:
        self.config = config or DriverConfig()
        self.stats = ParseStats()

    @property
    def urls(self) -> tuple[str, ...]:
        return self.config.urls or self.default_urls

    def parse(self, paths: Path | str | Iterable[Path | str]) -> Iterator[Record]:
        """Yield normalized records from files or directories; resets :attr:`stats`."""
        self.stats = ParseStats()
        files = self.discover(paths)
        self.stats.files = len(files)
        for record in self.parse_files(files):
            self.stats.parsed += 1
            yield record

    def discover(self, paths: Path | str | Iterable[Path | str]) -> list[Path]:
        items = [paths] if isinstance(paths, str | Path) else list(paths)
        found: list[Path] = []
        for item in map(Path, items):
            if item.is_dir():
                found.extend(
                    sorted({p for pat in self.file_patterns for p in item.rglob(pat) if p.is_file()})
                )
            elif item.exists():
                found.append(item)
            else:
                self.stats.skip("missing-file", str(item))
        return found

    def parse_files(self, files: list[Path]) -> Iterator[Record]:
        for path in files:
            yield from self.guard_file(path, self.parse_file)

    def parse_file(self, path: Path) -> Iterator[Record]:
        raise NotImplementedError(f"{type(self).__name__} parses file sets, not single files")

    def guard_file(self, path: Path, parse: Callable[[Path], Iterator[T]]) -> Iterator[T]:
        """Run ``parse`` on one file; a file-level failure is counted and the run goes on.

        Records already yielded before the failure are kept (a truncated download still yields
        what was readable).
        """
        try:
            yield from parse(path)
        except Exception as exc:  # noqa: BLE001 - YAML/XML/JSON libraries each raise their own types
            self.stats.skip("bad-file", f"{path}: {type(exc).__name__}: {exc}")

    def convert_each(
        self, items: Iterable[T], convert: Callable[[T], Iterable[Record]], what: str
    ) -> Iterator[Record]:
        """Apply ``convert`` per upstream item, skipping (and counting) the ones that don't fit."""
        for index, item in enumerate(items):
            try:
                records = list(convert(item))
            except DATA_ERRORS as exc:
                self.stats.skip("bad-record", f"{what}[{index}]: {type(exc).__name__}: {exc}")
                continue
            yield from records

    def fetch(self, workspace: Path, client: httpx.Client) -> list[Path]:
        """Download every configured URL into ``workspace/input`` (streamed, size-checked)."""
        target = workspace / "input"
        target.mkdir(parents=True, exist_ok=True)
        return [download(client, url, target / local_name_for(url)) for url in self.urls]


def local_name_for(url: str) -> str:
    """``https://secdb.alpinelinux.org/v3.18/main.json`` -> ``v3.18_main.json``.

    The last two path segments: feeds often publish one file name per release directory.
    """
    segments = [s for s in urlparse(url).path.split("/") if s]
    return "_".join(segments[-2:]) or urlparse(url).netloc


class TruncatedDownload(IOError):
    """The server sent fewer bytes than it announced."""


def download(client: httpx.Client, url: str, dest: Path, timeout: httpx.Timeout = DEFAULT_TIMEOUT) -> Path:
    """Stream ``url`` to ``dest`` atomically; a short body never replaces a good previous copy."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    partial = dest.with_name(dest.name + ".part")
    with client.stream("GET", url, timeout=timeout, follow_redirects=True) as response:
        response.raise_for_status()
        expected = response.headers.get("content-length")
        written = 0
        with partial.open("wb") as out:
            for chunk in response.iter_bytes():
                out.write(chunk)
                written += len(chunk)
    if expected is not None and "content-encoding" not in response.headers and written != int(expected):
        partial.unlink(missing_ok=True)
        raise TruncatedDownload(f"{url}: got {written} of {expected} bytes")
    partial.replace(dest)
    return dest


_REGISTRY: dict[str, type[Driver]] = {}


def register(cls: DriverT) -> DriverT:
    """Class decorator adding a driver to the registry under its ``name`` (names are unique)."""
    if cls.name in _REGISTRY and _REGISTRY[cls.name] is not cls:
        raise ValueError(f"duplicate feed driver name {cls.name!r}")
    _REGISTRY[cls.name] = cls
    return cls


def get_driver(name: str, config: DriverConfig | None = None) -> Driver:
    try:
        return _REGISTRY[name](config)
    except KeyError:
        raise KeyError(f"unknown feed driver {name!r}; known: {', '.join(sorted(_REGISTRY))}") from None


def all_drivers() -> dict[str, type[Driver]]:
    return dict(sorted(_REGISTRY.items()))
