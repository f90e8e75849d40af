"""Render normalized records in vunnel's output shapes (os 1.1.x and GHSA 1.0.3 envelopes).

grype-db and Anchore's legacy feed service speak these shapes, so exporting them keeps Drydock's
data usable by existing tooling and lets golden tests diff against vunnel's own snapshots.
"""

from __future__ import annotations

from typing import Any

from drydock.feeds.cvss_scores import score_vector, severity_from_cvss
from drydock.feeds.ranges import parse_range
from drydock.feeds.records import (
    Advisory,
    AffectedPackage,
    Cvss,
    FixAvailability,
    FixState,
    Severity,
    VersionFormat,
    Vulnerability,
)

OS_SCHEMA = "https://raw.githubusercontent.com/anchore/vunnel/main/schema/vulnerability/os/schema-1.1.0.json"
GITHUB_SCHEMA = (
    "https://raw.githubusercontent.com/anchore/vunnel/main/schema/vulnerability/"
    "github-security-advisory/schema-1.0.3.json"
)


def vunnel_version(affected: AffectedPackage) -> str:
    """vunnel spells "no fix" as the string ``None`` and carries only the first fixed version."""
    if affected.fixed_versions and affected.fix_state is FixState.FIXED:
        return affected.fixed_versions[0]
    return "None"


def _cvss(c: Cvss) -> dict[str, Any]:
    return {
        "version": c.version,
        "vector_string": c.vector,
        "status": c.status or "N/A",
        "base_metrics": {
            "base_score": c.base_score,
            "base_severity": c.base_severity,
            "exploitability_score": c.exploitability_score,
            "impact_score": c.impact_score,
        },
    }


def _cve_entry(cve: str, links: dict[str, str | None]) -> dict[str, str]:
    """A CVE reference; a driver maps a CVE to None when its upstream gives no link."""
    link = links.get(cve, f"https://www.cve.org/CVERecord?id={cve}")
    return {"Name": cve, "Link": link} if link else {"Name": cve}


def _fixed_in(v: Vulnerability, a: AffectedPackage) -> dict[str, Any]:
    out: dict[str, Any] = {
        "Name": a.name,
        "NamespaceName": v.namespace,
        "Version": vunnel_version(a),
        "VersionFormat": a.version_format.value,
        "VulnerableRange": a.raw_range,
        "Module": a.module,
    }
    if a.arch:
        out["Arch"] = a.arch
    if a.advisories or a.no_advisory:
        out["VendorAdvisory"] = {
            "NoAdvisory": a.no_advisory,
            "AdvisorySummary": [{"ID": adv.id, "Link": adv.link} for adv in a.advisories],
        }
    if a.fix_available:
        out["Available"] = {"Date": a.fix_available.date, "Kind": a.fix_available.kind}
    return out


def to_vunnel_os_record(v: Vulnerability) -> dict[str, Any]:
    """``{"Vulnerability": {...}}`` as in vunnel's os schema (one FixedIn per affected package)."""
    metadata: dict[str, Any] = {}
    if v.published:
        metadata["Issued"] = v.published
    if v.modified:
        metadata["Updated"] = v.modified
    if v.withdrawn:
        metadata["Withdrawn"] = v.withdrawn
    cves = [a for a in v.aliases if a.startswith("CVE-")]
    links = v.metadata.get("cve_links") or {}
    if cves:
        metadata["CVE"] = [_cve_entry(c, links) for c in cves]
    if v.metadata.get("ref_id"):
        metadata["RefId"] = v.metadata["ref_id"]
    if v.metadata.get("advisories"):
        metadata["Advisories"] = list(v.metadata["advisories"])
    if "nvd_cvss_v2" in v.metadata:
        metadata["NVD"] = {"CVSSv2": v.metadata["nvd_cvss_v2"]}
    return {
        "Vulnerability": {
            "Name": v.id,
            "NamespaceName": v.namespace,
            "Description": v.description,
            "Severity": v.severity.value,
            "Link": v.link or "",
            "CVSS": [_cvss(c) for c in v.cvss],
            "FixedIn": [_fixed_in(v, a) for a in v.affected],
            "Metadata": metadata,
        }
    }


def to_vunnel_github(v: Vulnerability) -> dict[str, Any]:
    """``{"Advisory": {...}, "Vulnerability": {}}`` as in vunnel's GHSA schema 1.0.3."""
    ecosystem = v.namespace.split(":", 1)[1]
    primary = next((c for c in v.cvss if c.version.startswith("3")), None)
    fixed_in = []
    for a in v.affected:
        entry: dict[str, Any] = {
            "ecosystem": a.ecosystem or ecosystem,
            "identifier": vunnel_version(a),
            "name": a.name,
            "namespace": v.namespace,
            "range": a.raw_range or "",
        }
        if a.fix_available:
            entry["available"] = {"date": a.fix_available.date, "kind": a.fix_available.kind}
        fixed_in.append(entry)
    cves = [a for a in v.aliases if a.startswith("CVE-")]
    return {
        "Advisory": {
            "ghsaId": v.id,
            "namespace": v.namespace,
            "Classification": v.metadata.get("classification", "GENERAL"),
            "CVE": cves,
            "CVSS": _cvss(primary) if primary else None,
            "cvss_severities": [{"vector": c.vector, "version": c.version} for c in v.cvss],
            "FixedIn": fixed_in,
            "Metadata": {"CVE": cves},
            "Severity": v.severity.value,
            "Summary": v.description,
            "url": v.link or f"https://github.com/advisories/{v.id}",
            "published": v.published,
            "updated": v.modified,
            "withdrawn": v.withdrawn,
            "references": [{"url": r} for r in v.references],
        },
        "Vulnerability": {},
    }


def envelope(identifier: str, item: dict[str, Any], schema: str = OS_SCHEMA) -> dict[str, Any]:
    return {"identifier": identifier, "item": item, "schema": schema}


def _affected_from_fixed_in(f: dict[str, Any]) -> AffectedPackage:
    version = str(f.get("Version") or "None")
    fixed = version not in ("None", "")
    advisory = f.get("VendorAdvisory") or {}
    available = f.get("Available") or f.get("Availability")
    return AffectedPackage(
        name=str(f["Name"]),
        version_format=VersionFormat(str(f["VersionFormat"]).lower()),
        fixed_versions=[version] if fixed else [],
        raw_range=f.get("VulnerableRange") or None,
        fix_state=FixState.FIXED if fixed else FixState.NOT_FIXED,
        advisories=[Advisory(str(a["ID"]), a.get("Link")) for a in advisory.get("AdvisorySummary") or []],
        no_advisory=bool(advisory.get("NoAdvisory")),
        fix_available=FixAvailability(str(available["Date"]), str(available["Kind"])) if available else None,
        module=f.get("Module") or None,
        arch=f.get("Arch") or None,
    )


def from_vunnel_os_record(item: dict[str, Any]) -> Vulnerability:
    """Read an os-schema record (vunnel output, Anchore feed-service data, grype-db exports)."""
    v = item["Vulnerability"]
    meta = v.get("Metadata") or {}
    metadata: dict[str, Any] = {}
    if (meta.get("NVD") or {}).get("CVSSv2"):
        metadata["nvd_cvss_v2"] = {k: x for k, x in meta["NVD"]["CVSSv2"].items() if x is not None}
    cvss = [
        Cvss(
            str(c["version"]),
            str(c["vector_string"]),
            **_base_metrics(c.get("base_metrics") or {}),
            status=_status(c.get("status")),
        )
        for c in v.get("CVSS") or []
    ]
    return Vulnerability(
        id=str(v["Name"]),
        namespace=str(v["NamespaceName"]),
        severity=Severity.parse(v.get("Severity")),
        description=v.get("Description") or "",
        link=v.get("Link") or None,
        cvss=cvss,
        aliases=[c for c in map(_cve_name, meta.get("CVE") or []) if c != v["Name"]],
        published=meta.get("Issued"),
        modified=meta.get("Updated"),
        withdrawn=meta.get("Withdrawn"),
        affected=[_affected_from_fixed_in(f) for f in v.get("FixedIn") or []],
        metadata=metadata,
    )


def _status(value: str | None) -> str | None:
    return None if value in (None, "N/A") else value


def _cve_name(entry: dict[str, Any] | str) -> str:
    """os schema uses ``{"Name", "Link"}``; the older feed service used bare id strings."""
    return str(entry["Name"]) if isinstance(entry, dict) else str(entry)


def _base_metrics(m: dict[str, Any]) -> dict[str, Any]:
    return {
        "base_score": m.get("base_score"),
        "exploitability_score": m.get("exploitability_score"),
        "impact_score": m.get("impact_score"),
        "base_severity": m.get("base_severity"),
    }


#: GHSA ecosystem names (as in FixedIn.ecosystem / namespace suffix) -> version format.
GITHUB_ECOSYSTEMS = {
    "python": VersionFormat.PEP440,
    "pip": VersionFormat.PEP440,
    "npm": VersionFormat.NPM,
    "java": VersionFormat.MAVEN,
    "maven": VersionFormat.MAVEN,
    "gem": VersionFormat.GEM,
    "rubygems": VersionFormat.GEM,
    "nuget": VersionFormat.NUGET,
    "composer": VersionFormat.COMPOSER,
    "go": VersionFormat.GO,
    "rust": VersionFormat.CARGO,
}


def _github_affected(f: dict[str, Any], namespace: str) -> AffectedPackage:
    ecosystem = str(f.get("ecosystem") or namespace.split(":", 1)[1])
    fmt = GITHUB_ECOSYSTEMS.get(ecosystem.lower())
    if fmt is None:
        raise ValueError(f"unknown GHSA ecosystem {ecosystem!r}")
    identifier = str(f.get("identifier") or "None")
    fixed = identifier not in ("None", "")
    raw = str(f.get("range") or "").strip()
    available = f.get("available")
    return AffectedPackage(
        name=str(f["name"]),
        version_format=fmt,
        fixed_versions=[identifier] if fixed else [],
        vulnerable_ranges=parse_range(raw) if raw else [],
        raw_range=raw or None,
        fix_state=FixState.FIXED if fixed else FixState.NOT_FIXED,
        fix_available=FixAvailability(str(available["date"]), str(available["kind"])) if available else None,
        ecosystem=ecosystem,
    )


def from_vunnel_github(item: dict[str, Any]) -> Vulnerability:
    """Read a GHSA record (vunnel github provider output or Anchore feed-service ``github:*`` data)."""
    adv = item["Advisory"]
    namespace = str(adv["namespace"])
    cvss = [c for s in adv.get("cvss_severities") or [] if (c := score_vector(str(s["vector"]), "github"))]
    legacy = adv.get("CVSS")
    if not cvss and legacy and legacy.get("vector_string"):
        cvss = [
            Cvss(
                str(legacy["version"]), str(legacy["vector_string"]), **_base_metrics(legacy["base_metrics"])
            )
        ]
    severity = Severity.parse(adv.get("Severity"))
    return Vulnerability(
        id=str(adv["ghsaId"]),
        namespace=namespace,
        severity=severity if severity is not Severity.UNKNOWN else severity_from_cvss(cvss),
        description=adv.get("Summary") or "",
        link=adv.get("url"),
        cvss=cvss,
        aliases=list(adv.get("CVE") or []),
        references=[r["url"] for r in adv.get("references") or [] if r.get("url")],
        published=adv.get("published"),
        modified=adv.get("updated"),
        withdrawn=adv.get("withdrawn"),
        affected=[_github_affected(f, namespace) for f in adv.get("FixedIn") or []],
        metadata={"classification": adv["Classification"]} if adv.get("Classification") else {},
    )
