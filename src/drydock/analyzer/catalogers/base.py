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
from typing import Any, ClassVar, Protocol, cast, runtime_checkable

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


# Every built-in cataloger in the order the analysis runs them: (name, module under this
# package, patterns). A cataloger with patterns reads only the files they capture, so its module
# is imported only when the squashed tree has one (an image holds few ecosystems); None means
# the module is imported for every analysis (the binary classifiers look at the whole tree).
# ``tests/analyzer/test_cataloger_registry.py`` imports every module and checks this table.
CATALOGER_TABLE: tuple[tuple[str, str, tuple[str, ...] | None], ...] = (
    ("apk-db-cataloger", "apk", ("**/lib/apk/db/installed", "**/etc/apk/repositories")),
    ("binary-classifier-cataloger", "binary.cataloger", None),
    ("dotnet-deps-cataloger", "dotnet", ("**/*.deps.json",)),
    ("dotnet-packages-lock-cataloger", "dotnet", ("**/packages.lock.json",)),
    (
        "dpkg-db-cataloger",
        "dpkg",
        (
            "**/lib/dpkg/status",
            "**/lib/dpkg/status.d/*",
            "**/lib/opkg/info/*.control",
            "**/lib/opkg/status",
            "**/lib/dpkg/info/*.md5sums",
            "**/lib/dpkg/info/*.conffiles",
            "**/lib/dpkg/info/*.list",
            "**/lib/dpkg/status.d/info/*.conffiles",
            "**/lib/opkg/info/*.list",
            "/usr/share/doc/*/copyright",
            "/etc/dpkg/dpkg.cfg.d/*",
            "/etc/dpkg/dpkg.cfg",
        ),
    ),
    (
        "go-module-file-cataloger",
        "golang.gomod",
        (
            "**/go.mod",
            "**/go.sum",
            "**/pkg/mod/**/[Ll][Ii][Cc][Ee][Nn][SsCc][Ee]*",
            "**/vendor/**/[Ll][Ii][Cc][Ee][Nn][SsCc][Ee]*",
        ),
    ),
    ("java-gradle-lockfile-cataloger", "java.gradle", ("**/gradle.lockfile*",)),
    ("java-jvm-cataloger", "java.jvm", ("**/release",)),
    ("java-pom-cataloger", "java.pom_cataloger", ("**/pom.xml", "**/.m2/repository/**/*.pom")),
    (
        "javascript-lock-cataloger",
        "javascript.lock",
        (
            "**/package-lock.json",
            "**/yarn.lock",
            "**/pnpm-lock.yaml",
            "**/bun.lock",
            "**/deno.lock",
            "**/package.json",
        ),
    ),
    ("javascript-package-cataloger", "javascript.package_json", ("**/package.json",)),
    ("php-composer-lock-cataloger", "php", ("**/composer.lock",)),
    ("php-composer-installed-cataloger", "php", ("**/installed.json",)),
    ("php-pear-serialized-cataloger", "php", ("**/php/.registry/**/*.reg",)),
    (
        "python-installed-package-cataloger",
        "python.installed",
        (
            "**/*{dist-info,DIST-INFO}/METADATA",
            "**/*{egg-info,EGG-INFO}/PKG-INFO",
            "**/*{egg-info,EGG-INFO}",
            "**/*{dist-info,DIST-INFO,egg-info,EGG-INFO}/LICENSE*",
            "**/*{dist-info,DIST-INFO,egg-info,EGG-INFO}/LICENCE*",
            "**/*{dist-info,DIST-INFO,egg-info,EGG-INFO}/COPYING*",
            "**/*{dist-info,DIST-INFO,egg-info,EGG-INFO}/NOTICE*",
            "**/*{dist-info,DIST-INFO}/licenses/**",
            "**/*{dist-info,DIST-INFO,egg-info,EGG-INFO}/RECORD",
            "**/*{dist-info,DIST-INFO,egg-info,EGG-INFO}/installed-files.txt",
            "**/*{dist-info,DIST-INFO,egg-info,EGG-INFO}/top_level.txt",
            "**/*{dist-info,DIST-INFO,egg-info,EGG-INFO}/direct_url.json",
            "**/pyvenv.cfg",
        ),
    ),
    (
        "python-package-cataloger",
        "python.project",
        (
            "**/*requirements*.txt",
            "**/setup.py",
            "**/poetry.lock",
            "**/Pipfile.lock",
            "**/pdm.lock",
            "**/uv.lock",
            "**/*.py.lock",
        ),
    ),
    (
        "rpm-db-cataloger",
        "rpm",
        (
            "**/{var/lib,usr/share,usr/lib/sysimage}/rpm/{Packages,Packages.db,rpmdb.sqlite}",
            "**/var/lib/rpmmanifest/container-manifest-2",
        ),
    ),
    ("ruby-gemfile-cataloger", "ruby", ("**/Gemfile*.lock",)),
    ("ruby-installed-gemspec-cataloger", "ruby", ("**/specifications/**/*.gemspec",)),
    ("rust-cargo-lock-cataloger", "rust.cargo_lock", ("**/Cargo.lock",)),
)
# Every built-in file scanner, in the order they run: (name, module). Scanners see each file
# as the layers stream past, so their modules are imported before the squash.
SCANNER_TABLE: tuple[tuple[str, str], ...] = (
    ("pe-binary-package-cataloger", "binary.pe_scanner"),
    ("go-module-binary-cataloger", "golang.binary_scanner"),
    ("java-archive-cataloger", "java.scanner"),
    ("rpm-archive-cataloger", "rpm"),
    ("cargo-auditable-binary-cataloger", "rust.audit"),
)


class DeferredCataloger:
    """A built-in cataloger known by its table row until a captured file matches one of its
    patterns; then its module is imported and the registered class does the work. With no
    such file a cataloger has no database or manifest to read: the result is empty."""

    def __init__(self, name: str, module: str, patterns: tuple[str, ...]) -> None:
        self.name = name
        self.module = module
        self.patterns = patterns

    def catalog(self, resolver: FileResolver, context: CatalogContext) -> CatalogResult:
        if not any(resolver.glob(p) for p in self.patterns):
            return CatalogResult()
        cataloger: Cataloger = _registered(_CATALOGERS, self.name, self.module)()
        return cataloger.catalog(resolver, context)


def all_catalogers() -> list[Cataloger]:
    out: list[Cataloger] = []
    for name, module, patterns in CATALOGER_TABLE:
        if patterns is None:
            out.append(_registered(_CATALOGERS, name, module)())
        else:  # its name and patterns are per instance, where the protocol has class attributes
            out.append(cast(Cataloger, DeferredCataloger(name, module, patterns)))
    return out


def all_scanners() -> list[FileScanner]:
    return [_registered(_SCANNERS, name, module)() for name, module in SCANNER_TABLE]


def _registered(registry: dict[str, type], name: str, module: str) -> type:
    import importlib

    importlib.import_module(f"{__package__}.{module}")
    return registry[name]


def import_all() -> list[str]:
    """Import every cataloger module (the analyzer worker's forkserver preload; the table's
    test); returns their names."""
    import importlib
    import pkgutil

    import drydock.analyzer.catalogers as pkg

    names = [m.name for m in pkgutil.walk_packages(pkg.__path__, f"{pkg.__name__}.")]
    for name in names:
        importlib.import_module(name)
    return names
