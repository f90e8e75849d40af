"""Alpine/Wolfi apk installed database (``/lib/apk/db/installed``).

The format is one ``X:value`` line per field, blank lines between packages; file ownership
is a running sequence of ``F:`` (directory), ``R:`` (file in the last directory), ``M:``/``a:``
(owner:group:mode of the last directory/file) and ``Z:`` (checksum of the last file) lines.
When the distro is unknown the release is inferred from ``/etc/apk/repositories`` next to the
database, as syft does for chroots and nested roots.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field
from typing import Any, ClassVar

from drydock.analyzer.catalogers.base import CatalogContext, CatalogError, register_cataloger
from drydock.analyzer.catalogers.dependency_graph import ProvidesRequires, Specification, resolve
from drydock.analyzer.catalogers.lockfile_util import primary
from drydock.analyzer.filetree import FileResolver, FileTooLarge
from drydock.analyzer.model import CatalogResult, Distro, License, Location, Package, PackageType
from drydock.analyzer.ospkg import (
    build_purl,
    read_databases,
    split_license_field,
)

CATALOGER_NAME = "apk-db-cataloger"
Q1_SHA1 = "'Q1'+base64(sha1)"

_REPO_RE = re.compile(r"^https://.*\.alpinelinux\.org/alpine/v([^/]+)/([a-zA-Z0-9_]+)$", re.MULTILINE)

_STRING_FIELDS = {
    "P": "Package",
    "o": "OriginPackage",
    "m": "Maintainer",
    "V": "Version",
    "A": "Architecture",
    "U": "URL",
    "T": "Description",
    "C": "Checksum",
    "c": "GitCommit",
}
_INT_FIELDS = {"S": "Size", "I": "InstalledSize"}
_LIST_FIELDS = {"D": "Dependencies", "p": "Provides"}


def _new_metadata() -> dict[str, Any]:
    return {
        "Package": "", "OriginPackage": "", "Maintainer": "", "Version": "", "Architecture": "",
        "URL": "", "Description": "", "Size": 0, "InstalledSize": 0, "Dependencies": [],
        "Provides": [], "Checksum": "", "GitCommit": "", "Files": [],
    }


def _ownership(value: str) -> dict[str, str] | None:
    """``uid:gid:mode[:extra]`` → syft's owner/permission fields."""
    parts = value.split(":")
    if len(parts) < 3:
        return None
    return {"OwnerUID": parts[0], "OwnerGID": parts[1], "Permissions": parts[2]}


@dataclass(slots=True)
class _Entry:
    """Parser state for one package paragraph."""

    metadata: dict[str, Any] = field(default_factory=_new_metadata)
    license: str = ""
    last_dir: dict[str, Any] | None = None
    last_file: dict[str, Any] | None = None
    warnings: list[str] = field(default_factory=list)

    def apply(self, key: str, value: str) -> None:
        meta, files = self.metadata, self.metadata["Files"]
        if key in _STRING_FIELDS:
            meta[_STRING_FIELDS[key]] = value
        elif key in _INT_FIELDS:
            try:
                meta[_INT_FIELDS[key]] = int(value)
            except ValueError:
                self.warnings.append(f"unable to parse value {value!r} for field {key!r}")
        elif key in _LIST_FIELDS:
            meta[_LIST_FIELDS[key]] = value.split(" ")
        elif key == "L":
            self.license = value
        elif key == "F":
            self.last_dir = {"Path": posixpath.join("/", value)}
            files.append(self.last_dir)
        elif key == "R":
            base = self.last_dir["Path"] if self.last_dir else "/"
            self.last_file = {"Path": posixpath.join(base, value)}
            files.append(self.last_file)
        elif key in ("M", "a"):
            target = self.last_dir if key == "M" else self.last_file
            owner = _ownership(value)
            if target is None or owner is None:
                self.warnings.append(f"unexpected value for APK ACL field {key!r}: {value!r}")
            else:
                target.update(owner)
        elif key == "Z" and self.last_file is not None:
            algorithm = Q1_SHA1 if value.startswith("Q1") else "md5"
            self.last_file["Digest"] = {"Algorithm": algorithm, "Value": value}


@dataclass(slots=True)
class ApkRecord:
    metadata: dict[str, Any]
    license: str


def parse_apk_db(text: str) -> tuple[list[ApkRecord], list[str]]:
    """Packages of an installed DB, plus per-field warnings.

    Raises CatalogError when a line is not ``X:value``: the file is then not an apk
    database (or is damaged beyond trusting the file-ownership sequence).
    """
    records: list[ApkRecord] = []
    warnings: list[str] = []
    entry: _Entry | None = None

    def finish() -> None:
        if entry is not None:
            records.append(ApkRecord(entry.metadata, entry.license))
            warnings.extend(entry.warnings)

    for lineno, line in enumerate(text.splitlines(), 1):
        if not line:
            finish()
            entry = None
            continue
        if len(line) < 2 or line[1] != ":":
            raise CatalogError(f"corrupt apk DB: line {lineno} is not a 'X:value' field: {line[:60]!r}")
        if len(line) == 2:
            continue  # field with an empty value
        if entry is None:
            entry = _Entry()
        entry.apply(line[0], line[2:])
    finish()
    return records, warnings


def releases_from_repositories(text: str) -> list[Distro]:
    """Alpine releases named by /etc/apk/repositories (one per official mirror line)."""
    return [
        Distro(id="alpine", version_id=m.group(1), name="Alpine Linux") for m in _REPO_RE.finditer(text)
    ]


def apk_purl(metadata: dict[str, Any], distro: Distro | None) -> str:
    if distro is None:
        return ""
    return build_purl(
        "apk",
        distro.id,
        metadata["Package"],
        metadata["Version"],
        {"arch": metadata.get("Architecture", ""), "upstream": metadata.get("OriginPackage", "")},
        distro,
    )


def _strip_version(spec: str) -> str:
    """``musl>=1`` / ``cmd:scanelf=1.3.4-r0`` → the name being provided or required."""
    return re.split(r"[<>=~]", spec, maxsplit=1)[0]


def provides_requires(package: Package) -> Specification:
    meta = package.metadata
    provides = [package.name] + [_strip_version(p) for p in meta.get("Provides", []) if p]
    # "!name" is a conflict, not a dependency
    requires = [_strip_version(d) for d in meta.get("Dependencies", []) if d and not d.startswith("!")]
    return Specification(main=ProvidesRequires(provides=provides, requires=requires))


@register_cataloger
class ApkDBCataloger:
    """syft's apk-db-cataloger."""

    name: ClassVar[str] = CATALOGER_NAME
    DB_PATTERN: ClassVar[str] = "**/lib/apk/db/installed"
    patterns: ClassVar[tuple[str, ...]] = (DB_PATTERN, "**/etc/apk/repositories")

    def catalog(self, resolver: FileResolver, context: CatalogContext) -> CatalogResult:
        result = CatalogResult()
        for db_path, data in read_databases(resolver, (self.DB_PATTERN,), self.name, result):
            try:
                records, warnings = parse_apk_db(data.decode("utf-8", errors="replace"))
            except CatalogError as exc:
                result.warnings.append(f"{self.name}: unable to catalog apk DB={db_path!r}: {exc}")
                continue
            result.warnings.extend(f"{self.name}: {db_path}: {w}" for w in warnings)
            distro = context.distro or _repositories_release(resolver, db_path)
            result.packages.extend(self._package(r, db_path, distro) for r in records)
        result.relationships = resolve(result.packages, provides_requires)
        return result

    def _package(self, record: ApkRecord, db_path: str, distro: Distro | None) -> Package:
        meta = record.metadata
        return Package(
            name=meta["Package"],
            version=meta["Version"],
            type=PackageType.APK,
            found_by=self.name,
            locations=[primary(db_path)],
            licenses=[License(value=v, locations=[Location(path=db_path)]) for v in split_license_field(record.license)],
            purl=apk_purl(meta, distro) or None,
            metadata_type="ApkDBEntry",
            metadata=meta,
            files=[f["Path"] for f in meta["Files"]],
        )


def _repositories_release(resolver: FileResolver, db_path: str) -> Distro | None:
    path = posixpath.normpath(posixpath.join(posixpath.dirname(db_path), "../../../etc/apk/repositories"))
    if resolver.resolve(path) is None:
        return None
    try:
        releases = releases_from_repositories(resolver.read_text(path))
    except (FileNotFoundError, FileTooLarge, OSError):
        return None
    return releases[0] if releases else None
