"""A CycloneDX 1.6 SBOM with the scan's findings in its ``vulnerabilities`` array, so one
document carries both the inventory and what is wrong with it (what grype's
``-o cyclonedx-json`` gives).

Each finding points at its package through the component's ``bom-ref``. The references are
taken from the rendered SBOM itself rather than recomputed, so they cannot drift from how the
SBOM writer derives them.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from drydock.policy.matching.matcher import Match
from drydock.policy.vulnerabilities.scan_report import severity_rank

#: severity rank (0 unknown .. 5 critical) → CycloneDX severity enum.
_SEVERITIES = ("unknown", "info", "low", "medium", "high", "critical")
_TYPE_PROPERTY = "syft:package:type"
ComponentKey = tuple[str, str, str]


def _cvss_method(version: str) -> str:
    if version.startswith("2"):
        return "CVSSv2"
    if version.startswith("3.0"):
        return "CVSSv3"
    if version.startswith("3"):
        return "CVSSv31"
    return "CVSSv4" if version.startswith("4") else "other"


def component_refs(bom: dict[str, Any]) -> dict[ComponentKey, str]:
    """(name, version, syft package type) → bom-ref of the SBOM's components (first wins)."""
    refs: dict[ComponentKey, str] = {}
    for component in bom.get("components", []):
        props = {p.get("name"): p.get("value") for p in component.get("properties", [])}
        key = (component.get("name", ""), component.get("version", ""), props.get(_TYPE_PROPERTY, ""))
        refs.setdefault(key, component["bom-ref"])
    return refs


def _ratings(match: Match) -> list[dict[str, Any]]:
    severity = _SEVERITIES[severity_rank(match.severity)]
    ratings: list[dict[str, Any]] = [{"source": {"name": match.namespace}, "severity": severity}]
    for cvss in match.cvss:
        rating: dict[str, Any] = {
            "source": {"name": str(cvss.get("source") or match.namespace)},
            "method": _cvss_method(str(cvss.get("version") or "")),
        }
        if isinstance(cvss.get("base_score"), (int, float)):
            rating["score"] = float(cvss["base_score"])
        if cvss.get("vector"):
            rating["vector"] = str(cvss["vector"])
        if cvss.get("base_severity"):
            rating["severity"] = _SEVERITIES[severity_rank(str(cvss["base_severity"]))]
        ratings.append(rating)
    return ratings


def _recommendation(matches: Sequence[Match]) -> str:
    fixes = sorted({f"{m.package.name} {v}" for m in matches for v in m.fix_versions if not m.will_not_fix})
    if fixes:
        return "Upgrade to " + ", ".join(fixes)
    if any(m.will_not_fix for m in matches):
        return "The vendor will not fix this vulnerability"
    return "No fix is available"


def _vulnerability(vuln_id: str, matches: Sequence[Match], refs: dict[ComponentKey, str]) -> dict[str, Any]:
    first = matches[0]
    affects: dict[str, dict[str, Any]] = {}
    for m in matches:
        ref = refs.get((m.package.name, m.package.version, m.package.type))
        if ref is not None:
            affects.setdefault(
                ref, {"ref": ref, "versions": [{"version": m.package.version, "status": "affected"}]}
            )
    source: dict[str, Any] = {"name": first.namespace}
    if first.link:
        source["url"] = first.link
    entry: dict[str, Any] = {
        "bom-ref": f"vulnerability:{vuln_id}",
        "id": vuln_id,
        "source": source,
        "ratings": _ratings(first),
        "affects": list(affects.values()),
        "recommendation": _recommendation(matches),
    }
    if first.link:
        entry["advisories"] = [{"url": first.link}]
    return entry


def with_vulnerabilities(sbom_json: str, matches: Sequence[Match]) -> dict[str, Any]:
    """The CycloneDX JSON SBOM ``sbom_json`` with one ``vulnerabilities`` entry per id."""
    bom: dict[str, Any] = json.loads(sbom_json)
    refs = component_refs(bom)
    grouped: dict[str, list[Match]] = {}
    for match in matches:
        grouped.setdefault(match.vulnerability_id, []).append(match)
    bom["vulnerabilities"] = [_vulnerability(vid, group, refs) for vid, group in grouped.items()]
    return bom
