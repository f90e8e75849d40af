"""Pure conversion of matcher output into Anchore's VulnerabilityResponse rows, and the diff
of two reports that ``user.checks.tag.vulnerabilities.update`` carries.

Rows keep Anchore's quirks (missing values are the string ``"None"``, missing scores
``-1.0``, several fixes comma-joined) because anchore-cli prints them verbatim; the Drydock
extras (``matched_by``, ``namespace``, ``constraint``, ``kev``, ``epss``) say why a row is
there, and ``fix_observed_at`` / ``fix_available`` (grype's per-fix ``{version, date, kind}``)
say since when it could have been fixed; ``detected_at`` (Anchore's ``match.detected_at``) is
when the platform first reported the match for the image (stamped by
:mod:`drydock.policy.vulnerabilities.detection` when the report is stored); clients that do not
know them ignore them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from drydock.analyzer.model import Package
from drydock.policy.matching.matcher import Match

VULN_TYPES = ("os", "non-os", "all")
NONE = "None"
#: Drydock (syft) package types → the names Anchore prints.
ANCHORE_TYPES = {
    "deb": "dpkg",
    "apk": "APKG",
    "rpm": "rpm",
    "java-archive": "java",
    "jenkins-plugin": "java",
    "go-module": "go",
    "rust-crate": "rust",
    "dotnet": "nuget",
    "php-composer": "composer",
    "php-pear": "php",
    "php-pecl": "php",
}
OS_TYPES = frozenset({"dpkg", "APKG", "rpm"})
#: One match of one image: (vulnerability, package name, version, Anchore type, path).
MatchKey = tuple[str, str, str, str, str]
_NO_SCORES = {"base_score": -1.0, "exploitability_score": -1.0, "impact_score": -1.0}


def anchore_type(package_type: str) -> str:
    return ANCHORE_TYPES.get(package_type, package_type)


def is_os(row: Mapping[str, Any]) -> bool:
    """Anchore splits by a list of non-OS types; an unknown type counts as non-OS here because
    only dpkg/APKG/rpm rows come from a distro's package database."""
    return row["package_type"] in OS_TYPES


def _score(value: Any) -> float:
    try:
        return float(value) if value is not None else -1.0
    except (TypeError, ValueError):
        return -1.0


def _scores(entry: Mapping[str, Any] | None) -> dict[str, float]:
    if entry is None:
        return dict(_NO_SCORES)
    return {k: _score(entry.get(k)) for k in _NO_SCORES}


def cvss_data(vuln_id: str, cvss: Iterable[Mapping[str, Any]], nvd: bool) -> list[dict[str, Any]]:
    """One ``{id, cvss_v2, cvss_v3}`` entry from the first v2 and v3 scores of one source kind
    (NVD or the vendor); empty when that source gave no score."""
    chosen = [c for c in cvss if ("nvd" in str(c.get("source") or "").lower()) == nvd]
    if not chosen:
        return []
    v2 = next((c for c in chosen if str(c.get("version", "")).startswith("2")), None)
    v3 = next((c for c in chosen if str(c.get("version", "")).startswith("3")), None)
    return [{"id": vuln_id, "cvss_v2": _scores(v2), "cvss_v3": _scores(v3)}]


def _cpes(package: Package | None) -> tuple[str, str]:
    """(cpe 2.2 URI, cpe 2.3) of the package's first CPE, ``"None"`` when it has none."""
    cpe23 = package.cpes[0] if package is not None and package.cpes else None
    if cpe23 is None:
        return NONE, NONE
    parts = cpe23.split(":")
    if len(parts) < 7:
        return NONE, cpe23
    # CPE 2.2 URI: part..update, ANY ("*") is empty and trailing empties are dropped.
    fields = ["" if f == "*" else f for f in parts[2:7]]
    while fields and not fields[-1]:
        fields.pop()
    return "cpe:/" + ":".join(fields), cpe23


def _package_path(ptype: str, locations: Sequence[str]) -> str:
    return "pkgdb" if ptype in OS_TYPES or not locations else locations[0]


def match_key(match: Match) -> MatchKey:
    """The key of a match, as :func:`row_key` reads it off the match's row."""
    pkg = match.package
    ptype = anchore_type(pkg.type)
    return match.vulnerability_id, pkg.name, pkg.version, ptype, _package_path(ptype, pkg.locations)


def row_key(row: Mapping[str, Any]) -> MatchKey:
    return row["vuln"], row["package_name"], row["package_version"], row["package_type"], row["package_path"]


def vulnerability_row(match: Match, package: Package | None = None) -> dict[str, Any]:
    """The VulnerabilityResponse row of one match; ``package`` (the analysed package) supplies
    the CPEs, which the match itself does not carry."""
    pkg = match.package
    ptype = anchore_type(pkg.type)
    cpe22, cpe23 = _cpes(package)
    row: dict[str, Any] = {
        "vuln": match.vulnerability_id,
        "severity": match.severity or "Unknown",
        "url": match.link or NONE,
        "fix": ",".join(match.fix_versions) or NONE,
        "package": f"{pkg.name}-{pkg.version}",
        "package_name": pkg.name,
        "package_version": pkg.version,
        "package_type": ptype,
        "package_cpe": cpe22,
        "package_cpe23": cpe23,
        "package_path": _package_path(ptype, pkg.locations),
        "feed": match.feed or "vulnerabilities",
        "feed_group": match.group or match.namespace,
        "will_not_fix": bool(match.will_not_fix),
        "nvd_data": cvss_data(match.cve, match.cvss, nvd=True),
        "vendor_data": cvss_data(match.vulnerability_id, match.cvss, nvd=False),
        "matched_by": match.matched_by,
        "namespace": match.namespace,
        "constraint": match.constraint or NONE,
        "fix_state": match.fix_state,
        "fix_observed_at": match.fix_observed_at.isoformat() if match.fix_observed_at else NONE,
        "fix_available": [
            {"version": f.version, "date": f.date, "kind": f.kind} for f in match.fix_available
        ],
    }
    if match.kev:
        row["kev"] = match.kev
    if match.epss:
        row["epss"] = match.epss
    return row


def _package_key(name: str, version: str, ptype: str, locations: Sequence[str]) -> tuple[str, str, str, str]:
    return name, version, ptype, locations[0] if locations else ""


def report_rows(matches: Iterable[Match], packages: Iterable[Package]) -> list[dict[str, Any]]:
    """All rows of an image, sorted for stable output and diffs."""
    by_key = {
        _package_key(p.name, p.version, str(p.type), [loc.path for loc in p.locations]): p for p in packages
    }
    rows = [
        vulnerability_row(
            m,
            by_key.get(_package_key(m.package.name, m.package.version, m.package.type, m.package.locations)),
        )
        for m in matches
    ]
    rows.sort(key=lambda r: (r["vuln"], r["package_name"], r["package_version"], r["package_path"]))
    return rows


def select_rows(rows: Iterable[Mapping[str, Any]], vtype: str, vendor_only: bool) -> list[dict[str, Any]]:
    """Rows of one ``os``/``non-os``/``all`` view; ``vendor_only`` hides what the vendor will
    not fix (Anchore's default)."""
    if vtype not in VULN_TYPES:
        raise ValueError(f"vulnerability type must be one of {', '.join(VULN_TYPES)}")
    return [
        dict(r)
        for r in rows
        if (vtype == "all" or is_os(r) == (vtype == "os")) and not (vendor_only and r["will_not_fix"])
    ]


def diff_item(row: Mapping[str, Any]) -> dict[str, Any]:
    """The item shape of Anchore's ``diff_vulnerability_result``."""
    return {
        "CVE_ID": row["vuln"],
        "Severity": row["severity"],
        "Vulnerable_Package": row["package"],
        "Fix_Available": row["fix"],
        "URL": row["url"],
        "Package_Name": row["package_name"],
        "Package_Version": row["package_version"],
        "Package_Type": row["package_type"],
        "Feed": row["feed"],
        "Feed_Group": row["feed_group"],
        "Package_Path": row["package_path"],
    }


def _identity(item: Mapping[str, Any]) -> tuple[str, str, str]:
    return item["CVE_ID"], item["Vulnerable_Package"], item["Package_Path"]


def diff_reports(
    old: Iterable[Mapping[str, Any]], new: Iterable[Mapping[str, Any]]
) -> dict[str, list[dict[str, Any]]]:
    """``{added, removed, updated}`` between two row lists: a vulnerability of a package (at a
    path) is one identity; ``updated`` lists the new item when any shown field changed."""
    before = {_identity(i): i for i in map(diff_item, old)}
    after = {_identity(i): i for i in map(diff_item, new)}
    return {
        "added": [after[k] for k in sorted(after.keys() - before.keys())],
        "removed": [before[k] for k in sorted(before.keys() - after.keys())],
        "updated": [after[k] for k in sorted(after.keys() & before.keys()) if after[k] != before[k]],
    }


def is_empty(diff: Mapping[str, list[Any]]) -> bool:
    return not any(diff.values())
