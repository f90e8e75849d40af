"""``packages:verify``'s comparison of an OS package database with the squashed tree.

Each database records its files differently: dpkg keeps an md5 per file (``info/*.md5sums``)
and marks conffiles; apk keeps ``Z:Q1<base64 sha1>`` and protects ``/etc``; rpm keeps a digest
in the header's algorithm (md5 on old rpmdbs, sha256 on newer) and flags ``%config`` files.
``owned_files`` turns all three into one shape; ``file_status`` decides ``missing`` /
``changed`` against the analysis' files, following symlinked directories (``/bin`` →
``usr/bin`` on merged-/usr systems, whose package databases still name ``/bin/...``).
Pure logic: no I/O.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from drydock.analyzer.filetree import FileResolver
from drydock.analyzer.model import FileEntry, FileType, Package, PackageType

CHANGED, MISSING = "changed", "missing"
# the file digests the package databases use, on top of the sha256 everything else reads
DATABASE_DIGESTS = ("sha256", "md5", "sha1")
# apk-tools' built-in protected_paths ("+etc", "@etc/init.d", "!etc/apk"): files apk treats as
# the administrator's (it writes .apk-new instead of overwriting them), like dpkg conffiles.
_APK_PROTECTED = "/etc/"
_APK_UNPROTECTED = ("/etc/apk/", "/etc/init.d/")
_CONTENT_TYPES = (FileType.REGULAR, FileType.HARDLINK)


@dataclass(frozen=True, slots=True)
class OwnedFile:
    """A file a package database says is installed; ``algorithm``/``digest`` (hashlib name,
    lower-case hex) are None when the database keeps no digest for it (directories, links)."""

    path: str
    algorithm: str | None = None
    digest: str | None = None
    config: bool = False


def _digest(record: Mapping[str, object]) -> tuple[str | None, str | None]:
    raw = record.get("Digest")
    if not isinstance(raw, Mapping):
        return None, None
    algorithm, value = str(raw.get("Algorithm") or ""), str(raw.get("Value") or "")
    if not value:
        return None, None
    if value.startswith("Q1"):  # apk: 'Q1' + base64(sha1)
        try:
            return "sha1", base64.b64decode(value[2:], validate=True).hex()
        except (binascii.Error, ValueError):
            return None, None
    return algorithm.lower(), value.lower()


def _is_config(pkg: Package, record: Mapping[str, object], path: str) -> bool:
    if pkg.type is PackageType.RPM:
        return "c" in str(record.get("Flags") or "")
    if pkg.type is PackageType.APK:
        return path.startswith(_APK_PROTECTED) and not path.startswith(_APK_UNPROTECTED)
    return bool(record.get("IsConfigFile"))


def owned_files(pkg: Package) -> Iterator[OwnedFile]:
    """The files of one OS package as its database records them.

    The rpm cataloger lists in ``metadata.Files`` only the files present in the tree (as
    syft); the ones rpm installed that are gone are in ``Package.files`` (without %ghost and
    not-installed entries), so they are added here without a digest. dpkg's md5sums also list
    files the image's ``path-exclude`` options kept off disk; ``Package.files`` leaves them out.
    """
    seen: set[str] = set()
    installed = set(pkg.files) if pkg.type is PackageType.DEB else None
    for record in pkg.metadata.get("Files") or []:
        path = record.get("Path") if isinstance(record, Mapping) else None
        if not isinstance(path, str) or path in seen or (installed is not None and path not in installed):
            continue
        seen.add(path)
        algorithm, digest = _digest(record)
        yield OwnedFile(path, algorithm, digest, _is_config(pkg, record, path))
    if pkg.type is PackageType.RPM:
        for path in pkg.files:
            if path not in seen:
                seen.add(path)
                yield OwnedFile(path)


def bundle_verifies_packages(doc: Mapping[str, object]) -> bool:
    """Whether a bundle document has a ``packages:verify`` rule, i.e. an analysis for it
    needs ``DATABASE_DIGESTS`` (``drydock scan`` pays for md5/SHA-1 only then)."""
    policies = doc.get("policies")
    return isinstance(policies, list) and any(
        isinstance(r, Mapping) and r.get("gate") == "packages" and r.get("trigger") == "verify"
        for p in policies
        if isinstance(p, Mapping) and isinstance(p.get("rules"), list)
        for r in p["rules"]
    )


class TreeLookup(FileResolver):
    """The analysis' file list as a resolver, so lookups follow symlinks like the analyzer's."""

    def __init__(self, files_by_path: Mapping[str, FileEntry]) -> None:
        self.files = files_by_path

    def entry(self, path: str) -> FileEntry | None:
        return self.files.get(path)

    def entries(self) -> Iterator[FileEntry]:
        return iter(self.files.values())

    def read_bytes(self, path: str) -> bytes:
        raise FileNotFoundError(path)  # an analysis keeps metadata only

    def find(self, path: str) -> FileEntry | None:
        return self.files.get(path) or self.resolve(path)


def file_status(owned: OwnedFile, tree: TreeLookup, unavailable: set[str]) -> str | None:
    """``missing``, ``changed`` or None. Config files are never ``changed`` (they are meant to
    be edited); a digest algorithm the analysis did not compute is added to ``unavailable``."""
    entry = tree.find(owned.path)
    if entry is None:
        return MISSING
    if owned.config or owned.digest is None or owned.algorithm is None or entry.type not in _CONTENT_TYPES:
        return None
    actual = entry.digests.get(owned.algorithm)
    if actual is None:
        unavailable.add(owned.algorithm)
        return None
    return CHANGED if actual.lower() != owned.digest else None
