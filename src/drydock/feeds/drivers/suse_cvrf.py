"""SUSE / openSUSE CVRF 1.1 advisories (one XML document per SUSE-SU / openSUSE-SU).

Fixed packages appear as product ids ``"<product>:<name>-<version>-<release>"``; the product
name decides the namespace. Some historical documents contain Latin-1 bytes inside a UTF-8
document: they are repaired (and counted) instead of rejected, since the rest is valid.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from xml.etree.ElementTree import Element

from drydock.feeds.cvss_scores import score_vector
from drydock.feeds.drivers.base import DATA_ERRORS, Driver, register
from drydock.feeds.drivers.io import (
    find_all,
    find_child,
    iter_xml_elements,
    local_name,
    text_of,
    xml_bytes_recovering,
)
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

_SERVER = re.compile(r"^SUSE Linux Enterprise Server (\d+)(?: SP(\d+))?(?:-[A-Z]+)?$")
_OPENSUSE = re.compile(r"^openSUSE (Leap )?(\d+\.\d+)$")
_NVR = re.compile(r"^(?P<name>.+)-(?P<version>[^-]+-[^-]+)$")


def product_namespace(product: str) -> str | None:
    """``SUSE Linux Enterprise Server 12 SP4`` -> ``sles:12.4``; ``openSUSE Leap 15.0`` -> ``opensuse-leap:15.0``."""
    if server := _SERVER.match(product):
        return f"sles:{server.group(1)}" + (f".{server.group(2)}" if server.group(2) else "")
    if opensuse := _OPENSUSE.match(product):
        return f"opensuse{'-leap' if opensuse.group(1) else ''}:{opensuse.group(2)}"
    return None


def split_product_id(product_id: str) -> tuple[str, str, str] | None:
    """``"<product>:<name>-<version>-<release>"`` -> (product, name, version-release)."""
    product, sep, nvr = product_id.rpartition(":")
    match = _NVR.match(nvr) if sep else None
    return (product, match["name"], match["version"]) if match else None


@register
class SuseCvrfDriver(Driver):
    name = "suse-cvrf"
    namespaces = ("sles:*", "opensuse:*", "opensuse-leap:*")
    default_urls = ("https://ftp.suse.com/pub/projects/security/cvrf/",)
    file_patterns = ("*.xml",)

    def fetch(self, workspace: Path, client: object) -> list[Path]:
        raise NotImplementedError(
            "SUSE CVRF is a directory of ~30k files; the SLES OVAL driver is the bulk source"
        )

    def parse_file(self, path: Path) -> Iterator[Record]:
        data, repaired = xml_bytes_recovering(path)
        if repaired:
            self.stats.note_repaired(path)
        advisory_id, date = "", None
        for elem in iter_xml_elements(data, {"DocumentTracking", "Vulnerability"}):
            if local_name(elem.tag) == "DocumentTracking":
                identification = find_child(elem, "Identification")
                advisory_id = text_of(find_child(identification, "ID")) if identification is not None else ""
                date = text_of(find_child(elem, "InitialReleaseDate"))[:10] or None
                continue
            try:
                yield from self._records(elem, advisory_id, date)
            except DATA_ERRORS as exc:
                self.stats.skip("bad-record", f"{path}: {type(exc).__name__}: {exc}")
        if not advisory_id:
            raise ValueError("not a CVRF document (no DocumentTracking/Identification/ID)")

    def _records(self, vuln: Element, advisory_id: str, date: str | None) -> Iterator[Vulnerability]:
        cve = text_of(find_child(vuln, "CVE"))
        if not cve:
            raise ValueError("Vulnerability without CVE")
        remediation = next(
            (text_of(u) for u in find_all(vuln, "URL") if "/update/announcement/" in text_of(u)), None
        )
        advisory = Advisory(advisory_id, remediation) if advisory_id else None
        by_namespace: dict[str, Vulnerability] = {}
        for status in find_all(vuln, "Status"):
            if status.get("Type") != "Fixed":
                continue
            for pid in find_all(status, "ProductID"):
                parts = split_product_id(text_of(pid))
                namespace = product_namespace(parts[0]) if parts else None
                if parts is None or namespace is None:
                    continue
                record = by_namespace.get(namespace) or by_namespace.setdefault(
                    namespace, self._vuln(vuln, cve, namespace)
                )
                affected = AffectedPackage(
                    name=parts[1],
                    version_format=VersionFormat.RPM,
                    fixed_versions=[parts[2]],
                    fix_state=FixState.FIXED,
                    advisories=[advisory] if advisory else [],
                    fix_available=FixAvailability(date, "advisory") if date else None,
                )
                if affected not in record.affected:
                    record.affected.append(affected)
        yield from by_namespace.values()

    @staticmethod
    def _vuln(vuln: Element, cve: str, namespace: str) -> Vulnerability:
        notes = [text_of(n) for n in find_all(vuln, "Note") if n.get("Title") == "Vulnerability Description"]
        impact = next(
            (
                text_of(find_child(t, "Description"))
                for t in find_all(vuln, "Threat")
                if t.get("Type") == "Impact"
            ),
            None,
        )
        vectors = [text_of(v) for v in find_all(vuln, "Vector")]
        return Vulnerability(
            id=cve,
            namespace=namespace,
            severity=Severity.parse(impact),
            description=notes[0] if notes else "",
            link=f"https://www.suse.com/security/cve/{cve}",
            cvss=[c for v in vectors if (c := score_vector(v, "suse"))],
            references=[text_of(u) for u in find_all(vuln, "URL")],
        )
