"""Debian/Ubuntu/distroless dpkg databases and OpenWrt-style opkg status files.

One cataloger (syft's ``dpkg-db-cataloger``) covers all of them because they share the
RFC-822-ish control format. Beyond the status entry, a package's owned files come from the
``info/`` side files (md5sums, conffiles, list) and its licences from
``/usr/share/doc/<pkg>/copyright`` (DEP-5 files only, as syft) or opkg's ``License:`` field.

Parsing is split from reading: ``parse_dpkg_status``, ``parse_md5sums``, ``parse_conffiles``
and ``parse_copyright_licenses`` are pure; ``DpkgDBCataloger`` does the lookups.
"""

from __future__ import annotations

import fnmatch
import posixpath
import re
from dataclasses import dataclass, field
from typing import Any, ClassVar

from drydock.analyzer.catalogers.base import CatalogContext, CatalogError, register_cataloger
from drydock.analyzer.catalogers.dependency_graph import ProvidesRequires, Specification, resolve
from drydock.analyzer.catalogers.license_text import classify as classify_license_text
from drydock.analyzer.catalogers.lockfile_util import primary, supporting
from drydock.analyzer.filetree import FileResolver, FileTooLarge
from drydock.analyzer.model import CatalogResult, Distro, FileType, License, Location, Package, PackageType
from drydock.analyzer.ospkg import (
    build_purl,
    read_databases,
    split_license_field,
)

CATALOGER_NAME = "dpkg-db-cataloger"
DOCS_PATH = "/usr/share/doc"
# side files under info/ (or status.d/) that belong to a package but are not status entries
INFO_SUFFIXES = (".md5sums", ".conffiles", ".list", ".preinst", ".postinst", ".prerm", ".postrm",
                 ".config", ".templates", ".triggers", ".shlibs", ".symbols")
MAINTAINER_SCRIPTS = (".preinst", ".postinst", ".prerm", ".postrm")
# dpkg states in which nothing of the package is on disk any more (config-files leaves only
# conffiles behind; syft ignores such entries too).
GONE_STATES = frozenset({"not-installed", "config-files"})
# dpkg reads dpkg.cfg.d/* (alphabetically), then dpkg.cfg; their path-exclude options (slim
# and minimized images drop docs, man pages, locales) keep files off disk that the package's
# md5sums still list
DPKG_CONFIG = ("/etc/dpkg/dpkg.cfg.d/*", "/etc/dpkg/dpkg.cfg")

_SOURCE_RE = re.compile(r"(?P<name>\S+)( \((?P<version>.*)\))?")
_SIZE_RE = re.compile(r"^\s*([0-9]+(?:\.[0-9]*)?)\s*([a-zA-Z]*)\s*$")
_SIZE_UNITS = {
    "": 1, "b": 1, "byte": 1,
    "k": 10**3, "kb": 10**3, "ki": 2**10, "kib": 2**10,
    "m": 10**6, "mb": 10**6, "mi": 2**20, "mib": 2**20,
    "g": 10**9, "gb": 10**9, "gi": 2**30, "gib": 2**30,
    "t": 10**12, "tb": 10**12, "ti": 2**40, "tib": 2**40,
}


def parse_size(value: str) -> int:
    """Installed-Size as syft reads it (humanize.ParseBytes: "4KB" = 4000, "10kib" = 10240)."""
    match = _SIZE_RE.match(value)
    if match is None or match.group(2).lower() not in _SIZE_UNITS:
        raise ValueError(f"bad installed-size value={value!r}")
    return int(float(match.group(1)) * _SIZE_UNITS[match.group(2).lower()])


@dataclass(slots=True)
class StatusEntry:
    """One paragraph of a status file; ``metadata`` is syft's ``DpkgDBEntry``."""

    metadata: dict[str, Any]
    license_field: str = ""
    files: list[dict[str, Any]] = field(default_factory=list)


def _split_list(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


def _file_record(path: str, digest: str | None, config: bool) -> dict[str, Any]:
    record: dict[str, Any] = {"Path": path if path.startswith("/") else "/" + path}
    if digest:
        record["Digest"] = {"Algorithm": "md5", "Value": digest}
    if config:
        record["IsConfigFile"] = True
    return record


def parse_md5sums(text: str) -> list[dict[str, Any]]:
    """``<md5>  <path>`` lines (path relative to /)."""
    out = []
    for line in text.splitlines():
        digest, sep, path = line.partition(" ")
        if sep and path.strip():
            out.append(_file_record(path.strip(), digest.strip(), config=False))
    return out


def parse_conffiles(text: str) -> list[dict[str, Any]]:
    """``<path> [<md5> [obsolete]]`` lines, from info/*.conffiles or the Conffiles field."""
    out = []
    for line in text.splitlines():
        parts = line.split()
        if parts:
            out.append(_file_record(parts[0], parts[1] if len(parts) > 1 else None, config=True))
    return out


def parse_path_filters(texts: list[str]) -> list[tuple[bool, str]]:
    """dpkg's ``path-exclude``/``path-include`` options (``key=value`` or ``key value``), in
    the order dpkg reads them; True means exclude."""
    rules = []
    for text in texts:
        for line in text.splitlines():
            key, _, value = line.strip().replace("=", " ", 1).partition(" ")
            if key in ("path-exclude", "path-include") and value.strip():
                rules.append((key == "path-exclude", value.strip()))
    return rules


def path_excluded(path: str, rules: list[tuple[bool, str]]) -> bool:
    """The last rule matching ``path`` decides (fnmatch without FNM_PATHNAME, as dpkg); no
    match means installed."""
    excluded = False
    for exclude, pattern in rules:
        if fnmatch.fnmatchcase(path, pattern):
            excluded = exclude
    return excluded


def _paragraph_fields(lines: list[str], start: int) -> tuple[dict[str, str], int]:
    """Fields of the paragraph starting at ``lines[start]``; returns (fields, next index)."""
    fields: dict[str, str] = {}
    key = ""
    i, n = start, len(lines)
    while i < n:
        line = lines[i]
        i += 1
        if not line:
            if fields:
                break
            continue
        if line[0] == " ":
            if not key:
                raise CatalogError(f"no match for continuation: line: {line!r}")
            fields[key] = f"{fields[key]}\n {line.strip()}"
            continue
        colon = line.find(":")
        if colon <= 0:
            key = ""  # unparseable line: skipped, and nothing may continue it
            continue
        key = line[:colon].strip().replace("-", "")
        if key in fields:
            raise CatalogError(f"duplicate key discovered: {key}")
        fields[key] = line[colon + 1 :].strip()
        if key == "InstalledSize":
            try:
                parse_size(fields[key])
            except ValueError:
                del fields[key]
                key = ""
    return fields, i


def _entry_from_fields(fields: dict[str, str]) -> StatusEntry | None:
    name = fields.get("Package", "")
    if not name:
        return None
    status = fields.get("Status", "").split()
    if len(status) == 3 and status[2] in GONE_STATES:
        return None
    source, source_version = fields.get("Source", ""), ""
    match = _SOURCE_RE.match(source)
    if match and match.group("version"):
        source, source_version = match.group("name"), match.group("version")
    metadata: dict[str, Any] = {
        "Package": name,
        "Source": source,
        "Version": fields.get("Version", ""),
        "SourceVersion": source_version,
        "Architecture": fields.get("Architecture", ""),
        "Maintainer": fields.get("Maintainer", ""),
        "InstalledSize": parse_size(fields["InstalledSize"]) if "InstalledSize" in fields else 0,
        "Description": fields.get("Description", ""),
        "Provides": _split_list(fields.get("Provides", "")),
        "Depends": _split_list(fields.get("Depends", "")),
        "PreDepends": _split_list(fields.get("PreDepends", "")),
        "Files": parse_conffiles(fields.get("Conffiles", "")),
    }
    return StatusEntry(metadata=metadata, license_field=fields.get("License", ""))


def parse_dpkg_status(text: str) -> list[StatusEntry]:
    """All installed packages of a status file (or one status.d / opkg control file).

    Raises CatalogError on structural corruption (orphan continuation lines, duplicate keys)
    or when non-empty content holds no package at all. As in syft, an unterminated final
    line is treated as a torn write and ignored.
    """
    lines = text.split("\n")
    lines.pop()  # the text after the last newline: empty, or an unterminated line
    entries: list[StatusEntry] = []
    i = 0
    while i < len(lines):
        fields, i = _paragraph_fields(lines, i)
        entry = _entry_from_fields(fields) if fields else None
        if entry is not None:
            entries.append(entry)
    if not entries and text.strip():
        raise CatalogError("unable to determine packages")
    return entries


# --- copyright ---------------------------------------------------------------------------

_COMMON_LICENSE_RE = re.compile(r"/usr/share/common-licenses/([0-9A-Za-z_.\-]+)")


def is_machine_readable_copyright(text: str) -> bool:
    """DEP-5 files declare ``Format:`` as their first non-blank line."""
    for line in text.splitlines():
        if line.strip():
            return line.startswith("Format:")
    return False


def _single_license(candidate: str) -> str:
    candidate = candidate.strip()
    if " or " in candidate or " and " in candidate or candidate.lower() == "none":
        return ""  # a combination summary; the individual License paragraphs list the parts
    return candidate.removesuffix(".")


def parse_copyright_licenses(text: str) -> list[str] | None:
    """Licence short names of a machine-readable copyright file (sorted, unique), or None
    when the file is free-form prose, from which nothing reliable can be extracted."""
    if not is_machine_readable_copyright(text):
        return None
    found: set[str] = set()
    for line in text.splitlines():
        if line.startswith("License:"):
            value = _single_license(line[len("License:") :])
            if value:
                found.add(value)
        for match in _COMMON_LICENSE_RE.finditer(line):
            value = _single_license(match.group(1))
            if value:
                found.add(value)
    return sorted(found)


# --- packages ----------------------------------------------------------------------------


def dpkg_purl(metadata: dict[str, Any], distro: Distro | None) -> str:
    """``pkg:deb/<distro>/<name>@<version>?arch=..&distro=..&upstream=<source>[@<ver>]``;
    empty off Debian-like distros, where ``deb`` would claim the wrong origin."""
    if distro is None or (distro.id != "debian" and "debian" not in distro.id_like):
        return ""
    upstream = metadata.get("Source", "")
    if upstream and metadata.get("SourceVersion"):
        upstream = f"{upstream}@{metadata['SourceVersion']}"
    return build_purl(
        "deb",
        distro.id,
        metadata["Package"],
        metadata.get("Version", ""),
        {"arch": metadata.get("Architecture", ""), "upstream": upstream},
        distro,
    )


def _strip_version_specifier(spec: str) -> str:
    """``libgmp10 (>= 2:6.2.1)`` / ``foo [i386]`` / ``bar:any`` → bare package name."""
    return re.split(r"[\[(<>=]", spec, maxsplit=1)[0].strip()


def provides_requires(package: Package) -> Specification:
    meta = package.metadata
    provides = [package.name] + [_strip_version_specifier(p) for p in meta.get("Provides", []) if p]
    requires = [
        _strip_version_specifier(choice)
        for spec in [*meta.get("Depends", []), *meta.get("PreDepends", [])]
        for choice in spec.split("|")
        if choice.strip()
    ]
    return Specification(main=ProvidesRequires(provides=provides, requires=requires))


def _md5_key(metadata: dict[str, Any]) -> str:
    arch = metadata.get("Architecture", "")
    return f"{metadata['Package']}:{arch}" if arch and arch != "all" else metadata["Package"]


def _merge_files(existing: list[dict[str, Any]], new: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Union by path, first record winning (the status file's Conffiles carry digests)."""
    by_path: dict[str, dict[str, Any]] = {}
    for record in (*existing, *new):
        by_path.setdefault(record["Path"], record)
    return sorted(by_path.values(), key=lambda f: f["Path"])


@register_cataloger
class DpkgDBCataloger:
    """syft's dpkg-db-cataloger."""

    name: ClassVar[str] = CATALOGER_NAME
    DB_PATTERNS: ClassVar[tuple[str, ...]] = (
        "**/lib/dpkg/status",
        "**/lib/dpkg/status.d/*",
        "**/lib/opkg/info/*.control",
        "**/lib/opkg/status",
    )
    patterns: ClassVar[tuple[str, ...]] = (
        *DB_PATTERNS,
        "**/lib/dpkg/info/*.md5sums",
        "**/lib/dpkg/info/*.conffiles",
        "**/lib/dpkg/info/*.list",
        "**/lib/dpkg/status.d/info/*.conffiles",
        "**/lib/opkg/info/*.list",
        f"{DOCS_PATH}/*/copyright",
        *DPKG_CONFIG,
    )

    def catalog(self, resolver: FileResolver, context: CatalogContext) -> CatalogResult:
        result = CatalogResult()
        side_files: _SideFiles | None = None
        databases = read_databases(resolver, self.DB_PATTERNS, self.name, result, lambda p: p.endswith(INFO_SUFFIXES))
        for db_path, data in databases:
            try:
                entries = parse_dpkg_status(data.decode("utf-8", errors="replace"))
            except CatalogError as exc:
                result.warnings.append(f"{self.name}: unable to catalog dpkg DB={db_path!r}: {exc}")
                continue
            side_files = side_files or _SideFiles(resolver)
            for entry in entries:
                result.packages.append(self._package(side_files, db_path, entry, context.distro))
        result.relationships = resolve(result.packages, provides_requires)
        return result

    def _package(self, side: _SideFiles, db_path: str, entry: StatusEntry, distro: Distro | None) -> Package:
        meta = entry.metadata
        pkg = Package(
            name=meta["Package"],
            version=meta["Version"],
            type=PackageType.DEB,
            found_by=self.name,
            locations=[primary(db_path)],
            purl=dpkg_purl(meta, distro) or None,
            metadata_type="DpkgDBEntry",
            metadata=meta,
        )
        db_dir = posixpath.dirname(db_path)
        info_dir = db_dir if db_dir.endswith("status.d") else posixpath.join(db_dir, "info")
        owned: list[str] = []
        for suffix, parse in ((".md5sums", parse_md5sums), (".conffiles", parse_conffiles)):
            search = info_dir if suffix == ".md5sums" else posixpath.join(db_dir, "info")
            found = side.read(side.find(search, meta, suffix))
            if found is not None:
                meta["Files"] = _merge_files(meta["Files"], parse(found[1]))
                pkg.locations.append(supporting(found[0]))
        listed = side.read(side.find(info_dir, meta, ".list"))
        if listed is not None:
            owned = [p for p in listed[1].splitlines() if p.startswith("/") and p != "/."]
            pkg.locations.append(supporting(listed[0]))
        for script in MAINTAINER_SCRIPTS:
            path = side.find(info_dir, meta, script)
            if path is not None:
                pkg.locations.append(supporting(path))
        # what is on disk: md5sums, conffiles and list, less what dpkg's path-exclude kept off
        claimed = dict.fromkeys([*(f["Path"] for f in meta["Files"]), *owned])
        pkg.files = [p for p in claimed if not path_excluded(p, side.path_filters)]
        pkg.licenses = self._licenses(side, pkg, entry)
        return pkg

    @staticmethod
    def _licenses(side: _SideFiles, pkg: Package, entry: StatusEntry) -> list[License]:
        if entry.license_field:
            db = pkg.locations[0].path
            return [License(value=v, locations=[Location(path=db)]) for v in split_license_field(entry.license_field)]
        found = side.read(f"{DOCS_PATH}/{pkg.name}/copyright")
        if found is None:
            return []
        path, text = found
        pkg.locations.append(supporting(path))
        declared = parse_copyright_licenses(text)
        if declared is not None:
            return [License(value=v, locations=[Location(path=path)]) for v in declared]
        # free-form prose: as syft, fall back to recognising the licence text itself
        spdx = classify_license_text(text)
        if spdx is None:
            return []
        return [License(value=spdx, spdx_expression=spdx, type="concluded", locations=[Location(path=path)])]


def _read(resolver: FileResolver, path: str) -> str:
    try:
        return resolver.read_text(path)
    except (FileNotFoundError, FileTooLarge, OSError):
        return ""


class _SideFiles:
    """Existence index of the files around package databases, built in one pass over the tree
    so per-package lookups (ten or so candidates each) are set probes, not path resolutions."""

    def __init__(self, resolver: FileResolver) -> None:
        self.resolver = resolver
        configs = [e.path for pattern in DPKG_CONFIG for e in resolver.glob(pattern) if e.type is FileType.REGULAR]
        self.path_filters = parse_path_filters([_read(resolver, p) for p in configs])
        self.present = {
            e.path
            for e in resolver.entries()
            if e.type in (FileType.REGULAR, FileType.SYMLINK)
            and ("/lib/dpkg/" in e.path or "/lib/opkg/" in e.path or e.path.startswith(DOCS_PATH + "/"))
        }

    def find(self, directory: str, meta: dict[str, Any], suffix: str) -> str | None:
        """info/NAME:ARCH.<suffix>, falling back to info/NAME.<suffix> (multi-arch naming)."""
        for key in dict.fromkeys((_md5_key(meta), meta["Package"])):
            path = posixpath.join(directory, key + suffix)
            if path in self.present:
                return path
        return None

    def read(self, path: str | None) -> tuple[str, str] | None:
        if path is None or path not in self.present:
            return None
        try:
            return path, self.resolver.read_text(path)
        except (FileNotFoundError, FileTooLarge, OSError):
            return None
