"""NVD CVE API 2.0: API pages, single ``{"cve": ...}`` items and anchore/nvd-data-overrides.

NVD describes affected software as CPE match criteria with optional version bounds. Each
*vulnerable* ``cpeMatch`` becomes one :class:`AffectedPackage` (``version_format=cpe``); the
non-vulnerable CPEs of AND-configurations ("only when running on X") are kept in metadata because
they qualify, rather than identify, the vulnerable software.

Override files (``_annotation`` + partial ``cve``) replace the configurations of the matching CVE,
which is how Anchore corrects NVD's CPE data.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx

from drydock.feeds.cvss_scores import severity_from_cvss
from drydock.feeds.drivers.base import DEFAULT_TIMEOUT, Driver, register
from drydock.feeds.drivers.io import load_json
from drydock.feeds.records import (
    AffectedPackage,
    Constraint,
    CpeCriteria,
    Cvss,
    FixAvailability,
    FixState,
    Record,
    Severity,
    VersionFormat,
    Vulnerability,
)

_METRIC_KEYS = ("cvssMetricV40", "cvssMetricV31", "cvssMetricV30", "cvssMetricV2")
_ANY_VERSION = ("*", "-", "")


def cvss_metrics(metrics: dict[str, Any]) -> list[Cvss]:
    out = []
    for key in _METRIC_KEYS:
        for m in metrics.get(key) or []:
            data = m["cvssData"]
            out.append(
                Cvss(
                    version=str(data["version"]),
                    vector=str(data["vectorString"]),
                    base_score=data.get("baseScore"),
                    exploitability_score=m.get("exploitabilityScore"),
                    impact_score=m.get("impactScore"),
                    base_severity=data.get("baseSeverity") or m.get("baseSeverity"),
                    source=m.get("source"),
                    primary=m.get("type", "Primary") == "Primary",
                )
            )
    return out


def cpe_product(criteria: str) -> tuple[str, str]:
    """``cpe:2.3:a:vendor:product:version:...`` -> (``vendor:product``, version field)."""
    parts = criteria.split(":")
    if len(parts) < 6 or parts[0] != "cpe" or parts[1] != "2.3":
        raise ValueError(f"not a CPE 2.3 string: {criteria!r}")
    return f"{parts[3]}:{parts[4]}", parts[5]


def cpe_affected(match: dict[str, Any]) -> AffectedPackage:
    criteria = str(match["criteria"])
    product, version = cpe_product(criteria)
    bounds = CpeCriteria(
        criteria=criteria,
        vulnerable=bool(match.get("vulnerable", True)),
        version_start_including=match.get("versionStartIncluding"),
        version_start_excluding=match.get("versionStartExcluding"),
        version_end_including=match.get("versionEndIncluding"),
        version_end_excluding=match.get("versionEndExcluding"),
        match_criteria_id=match.get("matchCriteriaId"),
    )
    group = [
        Constraint(op, value)
        for op, value in (
            (">=", bounds.version_start_including),
            (">", bounds.version_start_excluding),
            ("<=", bounds.version_end_including),
            ("<", bounds.version_end_excluding),
        )
        if value
    ]
    if not group and version not in _ANY_VERSION:
        group = [Constraint("=", version.replace("\\", ""))]
    fix = match.get("fix") or {}
    fixed = [bounds.version_end_excluding] if bounds.version_end_excluding else []
    return AffectedPackage(
        name=product,
        version_format=VersionFormat.CPE,
        fixed_versions=fixed,
        vulnerable_ranges=[group],
        raw_range=", ".join(f"{c.op}{c.version}" for c in group) or "*",
        fix_state=FixState.FIXED if fixed else FixState.UNKNOWN,
        fix_available=FixAvailability(str(fix["date"]), str(fix["kind"])) if fix.get("date") else None,
        cpe_criteria=[bounds],
    )


def configurations_affected(configurations: list[dict[str, Any]]) -> tuple[list[AffectedPackage], list[str]]:
    """(vulnerable CPE matches, platform CPEs that only qualify an AND-configuration)."""
    affected: list[AffectedPackage] = []
    platforms: list[str] = []
    for config in configurations:
        for node in config.get("nodes") or []:
            for match in node.get("cpeMatch") or []:
                if match.get("vulnerable", True):
                    affected.append(cpe_affected(match))
                else:
                    platforms.append(str(match["criteria"]))
    return affected, platforms


def nvd_record(cve: dict[str, Any]) -> Vulnerability:
    cvss = cvss_metrics(cve.get("metrics") or {})
    primary = [c for c in cvss if c.primary] or cvss
    affected, platforms = configurations_affected(cve.get("configurations") or [])
    description = next((d["value"] for d in cve.get("descriptions") or [] if d.get("lang") == "en"), "")
    metadata: dict[str, Any] = {"status": cve.get("vulnStatus")}
    if platforms:
        metadata["platform_cpes"] = platforms
    weaknesses = sorted(
        {
            d["value"]
            for w in cve.get("weaknesses") or []
            for d in w.get("description") or []
            if d.get("value")
        }
    )
    if weaknesses:
        metadata["cwe_ids"] = weaknesses
    if cve.get("cisaExploitAdd"):
        metadata["cisa_exploit_add"] = cve["cisaExploitAdd"]
    return Vulnerability(
        id=str(cve["id"]),
        namespace="nvd",
        severity=severity_from_cvss(primary) if primary else Severity.UNKNOWN,
        description=description,
        link=f"https://nvd.nist.gov/vuln/detail/{cve['id']}",
        cvss=cvss,
        references=[str(r["url"]) for r in cve.get("references") or [] if r.get("url")],
        published=cve.get("published"),
        modified=cve.get("lastModified"),
        withdrawn=cve.get("lastModified") if cve.get("vulnStatus") == "Rejected" else None,
        affected=affected,
        metadata=metadata,
    )


def cve_items(doc: Any) -> tuple[list[dict[str, Any]], bool]:
    """(``cve`` objects, whether they are overrides) from any of the three file shapes."""
    if isinstance(doc, dict) and "totalResults" in doc:  # API page (an empty page has no list)
        return [v.get("cve") for v in doc.get("vulnerabilities") or []], False
    if (
        isinstance(doc, dict)
        and isinstance(doc.get("_annotation"), dict)
        and isinstance(doc.get("cve"), dict)
    ):
        annotation = doc["_annotation"]
        cve = {"id": annotation.get("cve_id"), **doc["cve"]}
        if annotation.get("description"):
            cve.setdefault("descriptions", [{"lang": "en", "value": annotation["description"]}])
        return [cve], True
    if isinstance(doc, dict) and isinstance(doc.get("cve"), dict):
        return [doc["cve"]], False
    raise ValueError("not an NVD API 2.0 page, item or override")


@register
class NvdDriver(Driver):
    name = "nvd"
    namespaces = ("nvd",)
    default_urls = ("https://services.nvd.nist.gov/rest/json/cves/2.0",)

    page_size = 2000
    #: NVD asks unauthenticated clients for at most 5 requests per 30 s.
    page_delay_seconds = 6.0

    def fetch(self, workspace: Path, client: httpx.Client) -> list[Path]:
        """Page through the CVE API into ``input/page-NNNNN.json`` (each page validated as JSON)."""
        target = workspace / "input"
        target.mkdir(parents=True, exist_ok=True)
        pages: list[Path] = []
        start, total = 0, 1
        while start < total:
            if pages:
                time.sleep(self.page_delay_seconds)
            response = client.get(
                self.urls[0],
                params={"startIndex": start, "resultsPerPage": self.page_size},
                timeout=DEFAULT_TIMEOUT,
            )
            response.raise_for_status()
            page = response.json()
            total = int(page["totalResults"])
            path = target / f"page-{start:07d}.json"
            path.write_bytes(response.content)
            pages.append(path)
            start += max(int(page.get("resultsPerPage") or 0), 1)
        return pages

    def parse_files(self, files: list[Path]) -> Iterator[Record]:
        # Overrides are small and must be known before pages stream past, so they are loaded first;
        # pages (up to 2,000 CVEs each) are then parsed one at a time.
        overrides: dict[str, dict[str, Any]] = {}
        pages = []
        for path in files:
            if _looks_like_override(path):
                for items, _ in self.guard_file(path, lambda p: iter([cve_items(load_json(p))])):
                    overrides.update({str(i["id"]): i for i in items if isinstance(i, dict) and "id" in i})
            else:
                pages.append(path)
        for path in pages:
            for items, _ in self.guard_file(path, lambda p: iter([cve_items(load_json(p))])):
                yield from self.convert_each(
                    items, lambda cve: [nvd_record(self._apply(cve, overrides))], str(path)
                )
        # Overrides without a base record still say which CPEs are affected.
        yield from self.convert_each(list(overrides.values()), lambda cve: [nvd_record(cve)], "overrides")

    @staticmethod
    def _apply(cve: dict[str, Any], overrides: dict[str, dict[str, Any]]) -> dict[str, Any]:
        override = overrides.pop(str(cve["id"]), None)
        if override and override.get("configurations") is not None:
            return {**cve, "configurations": override["configurations"]}
        return cve


def _looks_like_override(path: Path) -> bool:
    """nvd-data-overrides files start with an ``_annotation`` object; API pages never have one."""
    try:
        with path.open("rb") as fh:
            return b'"_annotation"' in fh.read(4096)
    except OSError:
        return False


def nvd11_to_api2(item: dict[str, Any]) -> dict[str, Any]:
    """Anchore feed-service ``nvdv2:cves`` item (NVD JSON 1.1 shape) -> API 2.0 ``cve`` object."""
    cve = item["cve"]
    metrics: dict[str, list[dict[str, Any]]] = {}
    for key, target in (("cvss_v3", "cvssMetricV31"), ("cvss_v2", "cvssMetricV2")):
        legacy = item.get(key)
        if legacy:
            base = legacy.get("base_metrics") or {}
            metrics[target] = [
                {
                    "source": "nvd@nist.gov",
                    "type": "Primary",
                    "cvssData": {
                        "version": legacy["version"],
                        "vectorString": legacy["vector_string"],
                        "baseScore": base.get("base_score"),
                        "baseSeverity": legacy.get("severity"),
                    },
                    "exploitabilityScore": base.get("exploitability_score"),
                    "impactScore": base.get("impact_score"),
                }
            ]
    nodes = [
        {
            "operator": n.get("operator", "OR"),
            "cpeMatch": [{"criteria": m["cpe23Uri"], **_bounds(m)} for m in n.get("cpe_match") or []],
        }
        for n in (item.get("configurations") or {}).get("nodes") or []
    ]
    return {
        "id": cve["CVE_data_meta"]["ID"],
        "descriptions": (cve.get("description") or {}).get("description_data") or [],
        "references": item.get("external_references") or [],
        "published": item.get("publishedDate"),
        "lastModified": item.get("lastModifiedDate"),
        "metrics": metrics,
        "configurations": [{"nodes": nodes}] if nodes else [],
    }


def _bounds(match: dict[str, Any]) -> dict[str, Any]:
    keys = (
        "vulnerable",
        "versionStartIncluding",
        "versionStartExcluding",
        "versionEndIncluding",
        "versionEndExcluding",
    )
    return {k: match[k] for k in keys if k in match}
