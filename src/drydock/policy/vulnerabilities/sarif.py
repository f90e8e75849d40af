"""Matches as a SARIF 2.1.0 log, the format code-scanning dashboards (GitHub, GitLab, Azure)
ingest from CI: one run, one rule per vulnerability id, one result per vulnerable package.

A container image has no source lines, so a result's location is the package's path in the
image (its package database for OS packages); dashboards then group findings per package.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from drydock.policy.matching.matcher import Match
from drydock.policy.vulnerabilities.scan_report import fixed_in, severity_rank

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_VERSION = "2.1.0"
#: severity rank (0 unknown .. 5 critical) → SARIF level.
_LEVELS = ("note", "note", "note", "warning", "error", "error")


def level(severity: str | None) -> str:
    return _LEVELS[severity_rank(severity)]


def _location(match: Match) -> str:
    return match.package.locations[0].lstrip("/") if match.package.locations else match.package.name


def _rule(match: Match) -> dict[str, Any]:
    rule: dict[str, Any] = {
        "id": match.vulnerability_id,
        "name": "OsPackageVulnerability"
        if match.package.type in ("deb", "apk", "rpm")
        else "PackageVulnerability",
        "shortDescription": {"text": f"{match.vulnerability_id} ({match.severity or 'Unknown'})"},
        "defaultConfiguration": {"level": level(match.severity)},
        "properties": {"security-severity": _security_severity(match), "tags": ["security", "vulnerability"]},
    }
    if match.link:
        rule["helpUri"] = match.link
    return rule


def _security_severity(match: Match) -> str:
    """GitHub sorts by this: the best CVSS base score, else a score standing for the rank."""
    scores = [float(c["base_score"]) for c in match.cvss if isinstance(c.get("base_score"), (int, float))]
    return (
        f"{max(scores):.1f}"
        if scores
        else ("0.0", "1.0", "3.0", "5.5", "8.0", "9.5")[severity_rank(match.severity)]
    )


def _result(match: Match) -> dict[str, Any]:
    pkg = match.package
    fix = fixed_in(match) or "no fix available"
    return {
        "ruleId": match.vulnerability_id,
        "level": level(match.severity),
        "message": {
            "text": f"{pkg.name} {pkg.version} ({pkg.type}) is affected by {match.vulnerability_id} "
            f"({match.severity or 'Unknown'}); fixed in: {fix}"
        },
        "locations": [{"physicalLocation": {"artifactLocation": {"uri": _location(match)}}}],
        "partialFingerprints": {"packageVulnerability": f"{pkg.name}@{pkg.version}:{match.vulnerability_id}"},
    }


def render_sarif(matches: Sequence[Match], version: str) -> dict[str, Any]:
    """The SARIF log of already-selected matches; ``version`` is the tool version to report."""
    rules: dict[str, dict[str, Any]] = {}
    for match in matches:
        rules.setdefault(match.vulnerability_id, _rule(match))
    return {
        "$schema": SARIF_SCHEMA,
        "version": SARIF_VERSION,
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "drydock",
                        "version": version,
                        "rules": list(rules.values()),
                    }
                },
                "results": [_result(m) for m in matches],
            }
        ],
    }
