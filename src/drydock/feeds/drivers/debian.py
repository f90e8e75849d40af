"""Debian security tracker: tracker JSON + DSA/DLA lists, the tracker's CVE/list text, legacy data.

The tracker JSON (``{package: {CVE: {releases: {codename: {...}}}}}``) is the primary source.
DSA/DLA lists only add vendor advisories (and their dates) to fixes. Files are told apart by
content, so a directory holding any mix of them can be parsed in one call.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any

import httpx

from drydock.feeds.drivers.base import DATA_ERRORS, Driver, download, register
from drydock.feeds.drivers.io import read_text
from drydock.feeds.records import (
    Advisory,
    AffectedPackage,
    FixAvailability,
    FixState,
    Record,
    Severity,
    VersionFormat,
    Vulnerability,
)
from drydock.feeds.vunnel_format import from_vunnel_os_record

RELEASES = {
    "duke": "15",
    "forky": "14",
    "trixie": "13",
    "bookworm": "12",
    "bullseye": "11",
    "buster": "10",
    "stretch": "9",
    "jessie": "8",
    "wheezy": "7",
    "sid": "unstable",
}

TRACKER = "https://security-tracker.debian.org/tracker/"

_ADVISORY_HEAD = re.compile(r"^\[(\d{1,2} \w{3} \d{4})\]\s+((?:DSA|DLA)-\S+)\s+(\S+)")
_ADVISORY_CVES = re.compile(r"^\s+\{(.*)\}")
_ADVISORY_FIX = re.compile(r"^\s+(?:NOTE:\s+)?\[(\w+)\]\s+-\s+(\S+)\s*(\S*)")
_BASE_ID = re.compile(r"^((?:DSA|DLA)-\d+)")
_CVE_HEAD = re.compile(r"^(CVE-\d{4}-[\dX]+)\s*(.*)$")
_CVE_ENTRY = re.compile(r"^\s+(?:\[(\w+)\]\s+)?-\s+(\S+)\s*(<[\w-]+>|\S+)?\s*(?:\((.*)\))?")


@dataclass(slots=True)
class DebianAdvisory:
    id: str
    date: str
    package: str
    cves: list[str] = field(default_factory=list)
    fixes: list[tuple[str, str, str | None]] = field(default_factory=list)  # (codename, package, version)

    @property
    def link(self) -> str:
        return TRACKER + self.id


def parse_advisory_list(text: str, on_malformed: Callable[[str], object]) -> list[DebianAdvisory]:
    """Parse ``data/DSA/list`` or ``data/DLA/list``.

    Follow-up advisories (``DSA-2808-2``) often omit the CVE list; they inherit it from another
    advisory with the same base id, as the tracker does.
    """
    advisories: list[DebianAdvisory] = []
    current: DebianAdvisory | None = None
    for line in text.splitlines():
        if line[:1] == "[":
            head = _ADVISORY_HEAD.match(line)
            current = None
            if head is None:
                on_malformed(line)
                continue
            date = datetime.strptime(head.group(1), "%d %b %Y").date().isoformat()
            current = DebianAdvisory(head.group(2), date, head.group(3))
            advisories.append(current)
        elif current is not None and (cves := _ADVISORY_CVES.match(line)):
            current.cves = cves.group(1).split()
        elif current is not None and (fix := _ADVISORY_FIX.match(line)):
            current.fixes.append((fix.group(1), fix.group(2), fix.group(3) or None))
    cves_by_base: dict[str, list[str]] = {}
    for adv in advisories:
        if adv.cves:
            cves_by_base.setdefault(_base_id(adv.id), adv.cves)
    for adv in advisories:
        adv.cves = adv.cves or list(cves_by_base.get(_base_id(adv.id), []))
    return advisories


def _base_id(advisory_id: str) -> str:
    match = _BASE_ID.match(advisory_id)
    return match.group(1) if match else advisory_id


AdvisoryIndex = dict[tuple[str, str, str], list[DebianAdvisory]]  # (codename, cve, package)


def index_advisories(advisories: list[DebianAdvisory]) -> AdvisoryIndex:
    index: AdvisoryIndex = {}
    for adv in advisories:
        for codename, package, _version in adv.fixes:
            for cve in adv.cves:
                index.setdefault((codename, cve, package), []).append(adv)
    return index


def urgency_severity(urgency: str | None) -> Severity:
    """Tracker urgency ("low**" = NVD-derived guess) -> severity; "not yet assigned" is Unknown."""
    return Severity.parse(urgency) if urgency else Severity.UNKNOWN


def tracker_records(
    data: dict[str, Any], advisories: AdvisoryIndex, skip: Callable[[str, str], None]
) -> Iterator[Vulnerability]:
    records: dict[tuple[str, str], Vulnerability] = {}
    for package, cves in data.items():
        if not isinstance(cves, dict):
            skip("bad-record", f"package {package!r} is not a mapping")
            continue
        for cve, info in cves.items():
            if not cve.startswith("CVE-"):
                continue
            try:
                _add_tracker_cve(records, package, cve, info, advisories)
            except DATA_ERRORS as exc:
                skip("bad-record", f"{package}/{cve}: {type(exc).__name__}: {exc}")
    yield from records.values()


def _add_tracker_cve(
    records: dict[tuple[str, str], Vulnerability],
    package: str,
    cve: str,
    info: dict[str, Any],
    advisories: AdvisoryIndex,
) -> None:
    for codename, rel in (info.get("releases") or {}).items():
        release = RELEASES.get(codename)
        if release is None or rel.get("status") == "undetermined":
            continue
        namespace = f"debian:{release}"
        vuln = records.get((namespace, cve))
        if vuln is None:
            vuln = records[(namespace, cve)] = Vulnerability(
                id=cve, namespace=namespace, description=info.get("description") or "", link=TRACKER + cve
            )
        vuln.severity = Severity.highest(vuln.severity, urgency_severity(rel.get("urgency")))
        fixed = rel.get("fixed_version")  # "0": this release never shipped a vulnerable version
        matched = advisories.get((codename, cve, package), [])
        vuln.affected.append(
            AffectedPackage(
                name=package,
                version_format=VersionFormat.DPKG,
                fixed_versions=[fixed] if fixed else [],
                fix_state=FixState.FIXED if fixed else _open_state(rel),
                is_source=True,
                advisories=[Advisory(a.id, a.link) for a in matched],
                no_advisory=not matched and "nodsa" in rel,
                fix_available=FixAvailability(matched[0].date, "advisory") if matched and fixed else None,
            )
        )


def _open_state(rel: dict[str, Any]) -> FixState:
    """Unfixed in an end-of-life release, or explicitly ignored, means no fix will come."""
    if rel.get("urgency") == "end-of-life" or rel.get("nodsa_reason") == "ignored":
        return FixState.WONT_FIX
    return FixState.NOT_FIXED


@dataclass(slots=True)
class CveListEntry:
    cve: str
    description: str
    lines: list[tuple[str, str, str | None, str | None]] = field(
        default_factory=list
    )  # codename, pkg, ver, note


def parse_cve_list(text: str) -> list[CveListEntry]:
    """The tracker's master ``data/CVE/list``: ``- pkg ver`` is sid, ``[codename] - pkg ...`` others."""
    entries: list[CveListEntry] = []
    current: CveListEntry | None = None
    for line in text.splitlines():
        if head := _CVE_HEAD.match(line):
            current = CveListEntry(head.group(1), head.group(2).strip("()[] "))
            entries.append(current)
        elif current is not None and (entry := _CVE_ENTRY.match(line)):
            codename, package, version, note = entry.groups()
            current.lines.append((codename or "sid", package, version, note))
    return entries


def cve_list_records(entries: list[CveListEntry]) -> Iterator[Vulnerability]:
    """Only statements made explicitly in the text become records (no release inference)."""
    for entry in entries:
        if "XXXX" in entry.cve:  # placeholder for issues awaiting a CVE id
            continue
        by_namespace: dict[str, Vulnerability] = {}
        for codename, package, version, note in entry.lines:
            release = RELEASES.get(codename)
            if release is None or version in ("<not-affected>", "<removed>", "<itp>"):
                continue
            if version in (None, "<unfixed>", "<no-dsa>", "<postponed>", "<ignored>", "<end-of-life>"):
                state = FixState.WONT_FIX if version in ("<ignored>", "<end-of-life>") else FixState.NOT_FIXED
                fixed: list[str] = []
            else:
                state, fixed = FixState.FIXED, [version]
            namespace = f"debian:{release}"
            vuln = by_namespace.setdefault(
                namespace,
                Vulnerability(
                    id=entry.cve, namespace=namespace, description=entry.description, link=TRACKER + entry.cve
                ),
            )
            severity = urgency_severity((note or "").split(";")[0].strip())
            vuln.severity = Severity.highest(vuln.severity, severity)
            vuln.affected.append(
                AffectedPackage(
                    package,
                    VersionFormat.DPKG,
                    fixed_versions=fixed,
                    fix_state=state,
                    is_source=True,
                    no_advisory=version == "<no-dsa>",
                )
            )
        yield from by_namespace.values()


@register
class DebianDriver(Driver):
    name = "debian"
    namespaces = ("debian:*",)
    default_urls = (
        "https://security-tracker.debian.org/tracker/data/json",
        "https://salsa.debian.org/security-tracker-team/security-tracker/raw/master/data/DSA/list",
    )
    file_patterns = ("*.json", "DSA", "DLA", "list", "DSA-list")

    def fetch(self, workspace: Path, client: httpx.Client) -> list[Path]:
        # Both upstream names are generic ("json", "list"): store them under recognisable ones.
        target = workspace / "input"
        target.mkdir(parents=True, exist_ok=True)
        json_url, dsa_url = self.urls[:2]
        return [download(client, json_url, target / "debian.json"), download(client, dsa_url, target / "DSA")]

    def parse_files(self, files: list[Path]) -> Iterator[Record]:
        by_kind: dict[str, list[tuple[Path, str]]] = {}
        for path in files:
            text = self._read(path)
            if text is None:
                continue
            kind = _kind(text)
            if kind is None:
                self.stats.skip("bad-file", f"{path}: not a Debian tracker, DSA/DLA, CVE list or legacy file")
                continue
            by_kind.setdefault(kind, []).append((path, text))
        advisories: list[DebianAdvisory] = []
        for path, text in by_kind.get("advisories", []):
            advisories += parse_advisory_list(text, partial(self._malformed_header, path))
        index = index_advisories(advisories)
        records: dict[tuple[str, str], Vulnerability] = {}
        for path, text in by_kind.get("tracker", []):
            for v in self.guard_file(path, partial(self._tracker, text, index)):
                records[(v.namespace, v.id)] = v
        for _path, text in by_kind.get("cve-list", []):
            for v in cve_list_records(parse_cve_list(text)):
                records.setdefault((v.namespace, v.id), v)
        # Legacy data wins for the releases it covers, as in vunnel (the tracker dropped them).
        for path, text in by_kind.get("legacy", []):
            for v in self.guard_file(path, partial(self._legacy, text)):
                records[(v.namespace, v.id)] = v
        yield from records.values()

    def _malformed_header(self, path: Path, line: str) -> None:
        self.stats.skip("bad-record", f"{path}: malformed header {line!r}")

    def _tracker(self, text: str, index: AdvisoryIndex, _path: Path) -> Iterator[Vulnerability]:
        return tracker_records(json.loads(text), index, self.stats.skip)

    def _legacy(self, text: str, path: Path) -> Iterator[Vulnerability]:
        """Anchore feed-service / vunnel legacy records for releases the tracker no longer covers."""
        for index, item in enumerate(json.loads(text)):
            try:
                yield from_vunnel_os_record(item)
            except DATA_ERRORS as exc:
                self.stats.skip("bad-record", f"{path}[{index}]: {type(exc).__name__}: {exc}")

    def _read(self, path: Path) -> str | None:
        try:
            return read_text(path)[0].lstrip()
        except OSError as exc:
            self.stats.skip("bad-file", f"{path}: {exc}")
            return None


def _kind(text: str) -> str | None:
    if text.startswith("{"):
        return "tracker"
    if text.startswith("[") and text[1:].lstrip()[:1] in ("{", "]"):
        return "legacy"
    if text.startswith("["):
        return "advisories"
    if text.startswith("CVE-"):
        return "cve-list"
    return None
