"""OSV (https://ossf.github.io/osv-schema/) for language ecosystems and RPM/deb distros.

One OSV advisory may list packages of several ecosystems (or, for Ubuntu, several releases); it
becomes one :class:`Vulnerability` per namespace. Event lists become OR-of-AND ranges without
sorting: OSV requires events in version order already, and sorting would need the ecosystem's
version semantics (``drydock.versions``' job). GIT (commit) ranges cannot be matched against
package versions and are ignored.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from drydock.feeds.cvss_scores import score_vector, severity_from_cvss
from drydock.feeds.drivers.base import DATA_ERRORS, Driver, register
from drydock.feeds.drivers.io import (
    ARCHIVE_SUFFIXES,
    decode_recovering,
    is_archive,
    iter_archive_members,
    load_json,
    load_yaml,
)
from drydock.feeds.records import (
    AffectedPackage,
    Constraint,
    Cvss,
    FixAvailability,
    FixState,
    Record,
    Severity,
    VersionFormat,
    Vulnerability,
)

#: OSV ecosystem -> (language namespace suffix, version format).
LANGUAGE_ECOSYSTEMS: dict[str, tuple[str, VersionFormat]] = {
    "PyPI": ("python", VersionFormat.PEP440),
    "Go": ("go", VersionFormat.GO),
    "npm": ("npm", VersionFormat.NPM),
    "Maven": ("java", VersionFormat.MAVEN),
    "crates.io": ("rust", VersionFormat.CARGO),
    "RubyGems": ("gem", VersionFormat.GEM),
    "NuGet": ("nuget", VersionFormat.NUGET),
    "Packagist": ("composer", VersionFormat.COMPOSER),
    "Bitnami": ("bitnami", VersionFormat.SEMVER),
}

#: OSV distro ecosystem prefix -> (namespace distro, version format).
DISTRO_ECOSYSTEMS: dict[str, tuple[str, VersionFormat]] = {
    "AlmaLinux": ("almalinux", VersionFormat.RPM),
    "Rocky Linux": ("rocky", VersionFormat.RPM),
    "Red Hat": ("rhel", VersionFormat.RPM),
    "openSUSE": ("opensuse", VersionFormat.RPM),
    "SUSE": ("sles", VersionFormat.RPM),
    "Mageia": ("mageia", VersionFormat.RPM),
    "Ubuntu": ("ubuntu", VersionFormat.DPKG),
    "Debian": ("debian", VersionFormat.DPKG),
    "Alpine": ("alpine", VersionFormat.APK),
    "Wolfi": ("wolfi", VersionFormat.APK),
    "Chainguard": ("chainguard", VersionFormat.APK),
    "MinimOS": ("minimos", VersionFormat.APK),
}

#: Advisory id prefix -> database name used as the namespace prefix for language ecosystems.
SOURCE_BY_PREFIX = {
    "GHSA": "github",
    "PYSEC": "pypa",
    "GO": "govulndb",
    "RUSTSEC": "rustsec",
    "BIT": "bitnami",
}

_RELEASE = re.compile(r"^v?(\d+(?:\.\d+)*)$")


@dataclass(frozen=True, slots=True)
class Target:
    namespace: str
    version_format: VersionFormat


def resolve_ecosystem(ecosystem: str, advisory_id: str) -> Target | None:
    """Map an OSV ecosystem string to a namespace, or ``None`` if Drydock cannot match it."""
    if ecosystem in LANGUAGE_ECOSYSTEMS:
        language, fmt = LANGUAGE_ECOSYSTEMS[ecosystem]
        source = SOURCE_BY_PREFIX.get(advisory_id.split("-", 1)[0], "osv")
        return Target(language if language == source else f"{source}:{language}", fmt)
    head, _, rest = ecosystem.partition(":")
    if head not in DISTRO_ECOSYSTEMS:
        return None
    distro, fmt = DISTRO_ECOSYSTEMS[head]
    parts = [p for p in rest.split(":") if p]
    pro = bool(parts) and parts[0] == "Pro"
    parts = parts[1:] if pro else parts
    if not parts:
        return Target(f"{distro}:rolling", fmt)
    match = _RELEASE.match(parts[0])
    if not match:
        return None
    return Target(f"{distro}:{match.group(1)}{'+esm' if pro else ''}", fmt)


def events_to_ranges(events: Iterable[dict[str, Any]]) -> tuple[list[list[Constraint]], list[str], bool]:
    """OSV events -> (OR-of-AND constraints, fixed versions, whether any interval is closed)."""
    groups: list[list[Constraint]] = []
    fixed: list[str] = []
    current: list[Constraint] | None = None
    closed = False
    for event in events:
        if "introduced" in event:
            if current is not None:
                groups.append(current)
            version = str(event["introduced"])
            current = [] if version in ("0", "") else [Constraint(">=", version)]
            continue
        for key, op in (("fixed", "<"), ("last_affected", "<="), ("limit", "<")):
            if key in event:
                groups.append([*(current or []), Constraint(op, str(event[key]))])
                current = None
                closed = True
                if key == "fixed":
                    fixed.append(str(event[key]))
                break
        else:
            raise ValueError(f"unknown OSV event {event!r}")
    if current is not None:
        groups.append(current)
    return groups, fixed, closed


def render_ranges(groups: list[list[Constraint]]) -> str:
    """grype-style text: ``>=1.0, <1.2 || >=2.0`` (an empty group means "every version")."""
    return " || ".join(", ".join(f"{c.op}{c.version}" for c in g) or "*" for g in groups)


class OsvParser:
    """Stateless OSV document -> records conversion (shared by the OSV-based drivers)."""

    def __init__(self, driver: Driver) -> None:
        self.driver = driver

    def records(self, doc: dict[str, Any]) -> Iterator[Vulnerability]:
        if "id" not in doc:
            raise KeyError("OSV document without 'id'")
        advisory_id = str(doc["id"])
        cvss = self.cvss(doc)
        by_namespace: dict[str, Vulnerability] = {}
        for index, affected in enumerate(doc.get("affected") or []):
            package = affected.get("package") or {}
            target = resolve_ecosystem(str(package.get("ecosystem", "")), advisory_id)
            if target is None:
                self.driver.stats.skip(
                    "unknown-ecosystem", f"{advisory_id} affected[{index}]: {package.get('ecosystem')!r}"
                )
                continue
            try:
                pkg = self.affected_package(advisory_id, index, affected, target)
            except DATA_ERRORS as exc:
                self.driver.stats.skip(
                    "bad-record", f"{advisory_id} affected[{index}]: {type(exc).__name__}: {exc}"
                )
                continue
            if pkg is None:
                continue
            vuln = by_namespace.get(target.namespace)
            if vuln is None:
                vuln = by_namespace[target.namespace] = self.vulnerability(doc, target.namespace, cvss)
            vuln.affected.append(pkg)
        yield from by_namespace.values()

    def vulnerability(self, doc: dict[str, Any], namespace: str, cvss: list[Cvss]) -> Vulnerability:
        db = doc.get("database_specific") or {}
        severity = Severity.parse(db.get("severity") if isinstance(db, dict) else None)
        for entry in doc.get("severity") or []:
            if not str(entry.get("type", "")).startswith("CVSS"):
                severity = Severity.highest(severity, Severity.parse(str(entry.get("score"))))
        if severity is Severity.UNKNOWN:
            severity = severity_from_cvss(cvss)
        references = [
            str(r["url"]) for r in doc.get("references") or [] if isinstance(r, dict) and r.get("url")
        ]
        metadata: dict[str, Any] = {}
        if doc.get("related"):
            metadata["related"] = list(doc["related"])
        if isinstance(db, dict) and db.get("cwe_ids"):
            metadata["cwe_ids"] = list(db["cwe_ids"])
        return Vulnerability(
            id=str(doc["id"]),
            namespace=namespace,
            severity=severity,
            description=str(doc.get("details") or doc.get("summary") or ""),
            link=self.driver_link(doc, references),
            cvss=cvss,
            aliases=[str(a) for a in doc.get("aliases") or []],
            references=references,
            published=doc.get("published"),
            modified=doc.get("modified"),
            withdrawn=doc.get("withdrawn"),
            metadata=metadata,
        )

    def driver_link(self, doc: dict[str, Any], references: list[str]) -> str | None:
        advisory_id = str(doc["id"])
        if advisory_id.startswith("GHSA-"):
            return f"https://github.com/advisories/{advisory_id}"
        advisory = next((r["url"] for r in doc.get("references") or [] if r.get("type") == "ADVISORY"), None)
        return advisory or (references[0] if references else None)

    def cvss(self, doc: dict[str, Any]) -> list[Cvss]:
        scores = []
        for entry in doc.get("severity") or []:
            if not str(entry.get("type", "")).startswith("CVSS"):
                continue
            scored = score_vector(str(entry.get("score", "")))
            if scored is None:
                self.driver.stats.warn(f"{doc['id']}: unparseable CVSS vector {entry.get('score')!r}")
            else:
                scores.append(scored)
        return scores

    def affected_package(
        self, advisory_id: str, index: int, affected: dict[str, Any], target: Target
    ) -> AffectedPackage | None:
        package = affected["package"]
        name = str(package["name"])
        groups: list[list[Constraint]] = []
        fixed: list[str] = []
        fix_dates: list[FixAvailability] = []
        closed = False
        for rng in affected.get("ranges") or []:
            if rng.get("type") == "GIT":
                continue
            g, f, c = events_to_ranges(rng.get("events") or [])
            groups += g
            fixed += f
            closed = closed or c
            fix_dates += _anchore_fix_dates(rng)
        versions = [str(v) for v in affected.get("versions") or []]
        if not groups and not versions:
            self.driver.stats.skip("no-version-range", f"{advisory_id} affected[{index}]: no version ranges")
            return None
        purl = package.get("purl")
        return AffectedPackage(
            name=name,
            version_format=target.version_format,
            fixed_versions=fixed,
            vulnerable_ranges=groups,
            raw_range=render_ranges(groups) if groups else None,
            affected_versions=versions,
            fix_state=FixState.FIXED if fixed else FixState.NOT_FIXED,
            is_source=bool(purl and "arch=source" in purl),
            fix_available=fix_dates[0] if fix_dates else None,
            ecosystem=str(package.get("ecosystem")),
            purl=purl,
        )


def _anchore_fix_dates(rng: dict[str, Any]) -> list[FixAvailability]:
    """vunnel annotates ranges with ``database_specific.anchore.fixes`` (first-seen fix dates)."""
    anchore = (rng.get("database_specific") or {}).get("anchore") or {}
    return [
        FixAvailability(str(f["date"]), str(f["kind"])) for f in anchore.get("fixes") or [] if f.get("date")
    ]


def documents(doc: Any) -> list[dict[str, Any]]:
    """A file holds one advisory, or (osv.dev bulk / feed dumps) a list of them."""
    docs = doc if isinstance(doc, list) else [doc]
    if not all(isinstance(d, dict) for d in docs):
        raise TypeError("not an advisory document or a list of them")
    return docs


class OsvDriver(Driver):
    """Base for drivers whose upstream is OSV files or archives of them (``all.zip``, tarballs)."""

    file_patterns: ClassVar[tuple[str, ...]] = ("*.json", "*.yaml", *(f"*{s}" for s in ARCHIVE_SUFFIXES))

    def records_for(self, doc: dict[str, Any]) -> Iterable[Record]:
        return OsvParser(self).records(doc)

    def parse_file(self, path: Path) -> Iterator[Record]:
        if is_archive(path):
            yield from self.parse_archive(path)
            return
        doc = load_yaml(path) if path.suffix in (".yaml", ".yml") else load_json(path)
        yield from self.convert_each(documents(doc), self.records_for, str(path))

    def parse_archive(self, path: Path) -> Iterator[Record]:
        for name, data in iter_archive_members(path, (".json",)):
            where = f"{path}!{name}"
            if data is None:
                self.stats.skip("oversized-member", where)
                continue
            try:
                docs = documents(json.loads(decode_recovering(data)[0]))
            except (ValueError, TypeError) as exc:
                self.stats.skip("bad-file", f"{where}: {exc}")
                continue
            yield from self.convert_each(docs, self.records_for, where)


@register
class GenericOsvDriver(OsvDriver):
    """Any OSV source: PyPA, Go vulndb, RustSec, GHSA (OSV form), osv.dev bulk exports."""

    name = "osv"
    namespaces = ("*:python", "*:go", "*:npm", "*:java", "*:rust", "*:gem", "*:nuget", "*:composer")
    default_urls = (
        "https://osv-vulnerabilities.storage.googleapis.com/PyPI/all.zip",
        "https://osv-vulnerabilities.storage.googleapis.com/Go/all.zip",
    )


@register
class GovulndbDriver(OsvDriver):
    name = "govulndb"
    namespaces = ("govulndb:go",)
    default_urls = ("https://vuln.go.dev/vulndb.zip",)


@register
class BitnamiDriver(OsvDriver):
    name = "bitnami"
    namespaces = ("bitnami",)
    default_urls = ("https://github.com/bitnami/vulndb/archive/refs/heads/main.tar.gz",)


@register
class AlmaDriver(OsvDriver):
    name = "alma"
    namespaces = ("almalinux:*",)
    default_urls = ("https://github.com/AlmaLinux/osv-database/archive/refs/heads/master.tar.gz",)


@register
class RockyDriver(OsvDriver):
    name = "rocky"
    namespaces = ("rocky:*",)
    default_urls = ("https://apollo.build.resf.org/api/v3/osv/",)
