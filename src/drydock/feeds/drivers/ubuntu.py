"""Ubuntu: Canonical's OSV export (current upstream) and the Ubuntu CVE Tracker (UCT).

Canonical publishes one OSV document per CVE listing every release (``Ubuntu:22.04:LTS``,
``Ubuntu:Pro:16.04:LTS``); the OSV parser splits it into ``ubuntu:22.04`` / ``ubuntu:16.04+esm``
records. A package fixed only through Ubuntu Pro is still unfixed for a machine without Pro, so
it is also recorded under the base release as "all versions vulnerable".

Canonical's OpenVEX documents (same facts, per-release purls) are read as well.

UCT ``active/CVE-*`` files (RFC822-like text) and their JSON normalisation
(``{"name","priority","patches":[{distro,package,status,version,priority}]}``) are parsed too:
they remain the only source for end-of-life releases.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from packageurl import PackageURL

from drydock.feeds.drivers.base import register
from drydock.feeds.drivers.io import is_archive, read_text
from drydock.feeds.drivers.osv import OsvDriver, OsvParser, documents
from drydock.feeds.records import AffectedPackage, FixState, Record, Severity, VersionFormat, Vulnerability

RELEASES = {
    "precise": "12.04",
    "quantal": "12.10",
    "raring": "13.04",
    "saucy": "13.10",
    "trusty": "14.04",
    "utopic": "14.10",
    "vivid": "15.04",
    "wily": "15.10",
    "xenial": "16.04",
    "yakkety": "16.10",
    "zesty": "17.04",
    "artful": "17.10",
    "bionic": "18.04",
    "cosmic": "18.10",
    "disco": "19.04",
    "eoan": "19.10",
    "focal": "20.04",
    "groovy": "20.10",
    "hirsute": "21.04",
    "impish": "21.10",
    "jammy": "22.04",
    "kinetic": "22.10",
    "lunar": "23.04",
    "mantic": "23.10",
    "noble": "24.04",
    "oracular": "24.10",
    "plucky": "25.04",
    "questing": "25.10",
}

#: UCT status -> fix state; statuses absent here (DNE, not-affected, unknown) mean "no record".
STATUS_STATES = {
    "released": FixState.FIXED,
    "needed": FixState.NOT_FIXED,
    "needs-triage": FixState.NOT_FIXED,
    "pending": FixState.NOT_FIXED,
    "deferred": FixState.NOT_FIXED,
    "active": FixState.NOT_FIXED,
    "ignored": FixState.WONT_FIX,
}

_FIELD = re.compile(r"^([A-Za-z0-9][\w./+-]*):\s*(.*)$")
_STATUS = re.compile(r"^([a-z-]+)\s*(?:\((.*)\))?\s*$")


@dataclass(slots=True)
class Patch:
    release: str
    package: str
    status: str
    version: str | None
    priority: str | None = None


@dataclass(slots=True)
class UctRecord:
    cve: str
    priority: str | None
    description: str = ""
    public_date: str | None = None
    references: list[str] = field(default_factory=list)
    patches: list[Patch] = field(default_factory=list)


def parse_uct_text(text: str) -> UctRecord:
    """Parse one UCT file; continuation lines start with a space, blank lines may sit inside."""
    fields: dict[str, list[str]] = {}
    key: str | None = None
    for line in text.splitlines():
        if line[:1] in (" ", "\t") and key is not None:
            fields[key].append(line.strip())
            continue
        match = _FIELD.match(line)
        if match is None:
            continue
        key, value = match.groups()
        fields.setdefault(key, []).extend([value.strip()] if value.strip() else [])
    cve = " ".join(fields.get("Candidate", []))
    if not cve.startswith("CVE-"):
        raise ValueError("UCT file without a Candidate: CVE-... line")
    record = UctRecord(
        cve=cve,
        priority=" ".join(fields.get("Priority", [])) or None,
        description=" ".join(fields.get("Description", [])),
        public_date=" ".join(fields.get("PublicDate", [])) or None,
        references=[r for r in fields.get("References", []) if r],
    )
    for key, values in fields.items():
        release, sep, package = key.partition("_")
        if not sep or not release[:1].islower():
            continue
        status = _STATUS.match(" ".join(values))
        if status is None:
            continue
        record.patches.append(
            Patch(
                release, package, status.group(1), status.group(2), _first(fields.get(f"Priority_{package}"))
            )
        )
    return record


def _first(values: list[str] | None) -> str | None:
    return values[0] if values else None


def uct_from_json(doc: dict[str, Any]) -> UctRecord:
    """vunnel's normalised UCT JSON (``normalized-cve-data/CVE-*``)."""
    patches = [
        Patch(p["distro"], p["package"], p["status"], p.get("version"), p.get("priority"))
        for p in [*doc.get("patches", []), *doc.get("ignored_patches", [])]
    ]
    return UctRecord(
        cve=doc["name"],
        priority=doc.get("priority"),
        description=doc.get("description") or "",
        patches=patches,
    )


def release_namespace(release: str) -> str | None:
    """``trusty`` -> ``ubuntu:14.04``; ``trusty/esm`` or ``esm-infra/xenial`` -> ``...+esm``."""
    parts = release.split("/")
    esm = len(parts) > 1 and any(p.startswith("esm") for p in parts)
    codename = next((p for p in parts if p in RELEASES), None)
    if codename is None:
        return None
    return f"ubuntu:{RELEASES[codename]}{'+esm' if esm else ''}"


def uct_records(uct: UctRecord) -> Iterator[Vulnerability]:
    by_namespace: dict[str, Vulnerability] = {}
    for patch in uct.patches:
        namespace = release_namespace(patch.release)
        state = STATUS_STATES.get(patch.status)
        if namespace is None or state is None or (state is FixState.FIXED and not patch.version):
            continue
        severity = Severity.parse(patch.priority or uct.priority)
        vuln = by_namespace.get(namespace)
        if vuln is None:
            vuln = by_namespace[namespace] = Vulnerability(
                id=uct.cve,
                namespace=namespace,
                description=uct.description,
                link=f"https://ubuntu.com/security/{uct.cve}",
                references=uct.references,
                published=uct.public_date,
            )
        vuln.severity = Severity.highest(vuln.severity, severity)
        vuln.affected.append(
            AffectedPackage(
                name=patch.package,
                version_format=VersionFormat.DPKG,
                fixed_versions=[patch.version] if state is FixState.FIXED and patch.version else [],
                fix_state=state,
                is_source=True,
            )
        )
    yield from by_namespace.values()


#: OpenVEX status -> fix state; "under_investigation" makes no claim and yields no entry.
VEX_STATES = {"fixed": FixState.FIXED, "affected": FixState.NOT_FIXED, "not_affected": FixState.FIXED}


def vex_records(doc: dict[str, Any]) -> Iterator[Vulnerability]:
    """Canonical's OpenVEX: one statement per status, products are per-release deb purls.

    Only source-package purls are used (binary purls repeat them per architecture).
    ``not_affected`` is recorded as fixed since version ``0``, like the other feeds.
    """
    by_namespace: dict[str, Vulnerability] = {}
    for statement in doc.get("statements") or []:
        state = VEX_STATES.get(str(statement.get("status")))
        vulnerability = statement.get("vulnerability") or {}
        cve = str(vulnerability.get("name") or "")
        if state is None or not cve:
            continue
        for product in statement.get("products") or []:
            purl = PackageURL.from_string(str(product["@id"]))
            qualifiers = purl.qualifiers if isinstance(purl.qualifiers, dict) else {}
            namespace = release_namespace(qualifiers.get("distro", ""))
            if (
                purl.type != "deb"
                or qualifiers.get("arch") != "source"
                or namespace is None
                or not purl.version
            ):
                continue
            vuln = by_namespace.get(namespace) or by_namespace.setdefault(
                namespace,
                Vulnerability(
                    id=cve,
                    namespace=namespace,
                    description=str(vulnerability.get("description") or ""),
                    link=f"https://ubuntu.com/security/{cve}",
                    references=[str(a) for a in vulnerability.get("aliases") or []],
                ),
            )
            not_affected = statement["status"] == "not_affected"
            vuln.affected.append(
                AffectedPackage(
                    name=purl.name,
                    version_format=VersionFormat.DPKG,
                    fixed_versions=["0"]
                    if not_affected
                    else [purl.version]
                    if state is FixState.FIXED
                    else [],
                    affected_versions=[purl.version] if state is FixState.NOT_FIXED else [],
                    fix_state=state,
                    is_source=True,
                    purl=product["@id"],
                )
            )
    yield from by_namespace.values()


def add_pro_only_packages(records: list[Vulnerability]) -> list[Vulnerability]:
    """Packages listed only under ``X+esm`` are, for a non-Pro machine, unfixed in ``X``."""
    by_namespace = {v.namespace: v for v in records}
    for vuln in list(records):
        if not vuln.namespace.endswith("+esm"):
            continue
        base_ns = vuln.namespace.removesuffix("+esm")
        base = by_namespace.get(base_ns)
        if base is None:
            base = by_namespace[base_ns] = dataclasses.replace(vuln, namespace=base_ns, affected=[])
            records.append(base)
        present = {a.name for a in base.affected}
        ecosystem = f"Ubuntu:{base_ns.split(':', 1)[1]}:LTS"
        base.affected.extend(
            AffectedPackage(
                a.name,
                a.version_format,
                vulnerable_ranges=[[]],
                raw_range="*",
                fix_state=FixState.NOT_FIXED,
                ecosystem=ecosystem,
            )
            for a in vuln.affected
            if a.name not in present
        )
    return records


@register
class UbuntuDriver(OsvDriver):
    name = "ubuntu"
    namespaces = ("ubuntu:*",)
    default_urls = ("https://security-metadata.canonical.com/osv/osv-all.tar.xz",)
    file_patterns = ("*.json", "CVE-*")

    def parse_file(self, path: Path) -> Iterator[Record]:
        if is_archive(path):
            yield from self.parse_archive(path)
            return
        text, _ = read_text(path)
        if text.lstrip()[:1] in ("{", "["):
            yield from self.convert_each(documents(json.loads(text)), self.records_for, str(path))
        else:
            yield from uct_records(parse_uct_text(text))

    def records_for(self, doc: dict[str, Any]) -> Iterable[Record]:
        if "openvex" in str(doc.get("@context", "")):
            return vex_records(doc)
        if "patches" in doc:
            return uct_records(uct_from_json(doc))
        return add_pro_only_packages(list(OsvParser(self).records(doc)))
