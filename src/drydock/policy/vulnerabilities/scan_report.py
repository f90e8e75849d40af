"""Pure logic of a local vulnerability scan: severity order, the ``--only-fixed`` filter, the
``--fail-on`` verdict and the ``json``/``table`` views of the matches.

Severity names come from many feeds with different spellings; they are compared through one
rank so that ``--fail-on high`` means the same for Debian, Alpine and NVD data. Unknown
severities rank below ``negligible`` and so never fail a build on their own (grype does the
same): a gate that fires on data nobody has rated would be noise.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from drydock.policy.matching.matcher import Match
from drydock.policy.vulnerabilities.report import vulnerability_row

SEVERITIES = ("negligible", "low", "medium", "high", "critical")
_RANK = {name: rank for rank, name in enumerate(SEVERITIES, start=1)}
TABLE_COLUMNS = ("NAME", "INSTALLED", "FIXED-IN", "TYPE", "VULNERABILITY", "SEVERITY")


def severity_rank(severity: str | None) -> int:
    """0 for unknown/unrated, 1 (negligible) .. 5 (critical)."""
    return _RANK.get((severity or "").strip().lower(), 0)


def is_fixed(match: Match) -> bool:
    """A fix one can install: a fixed-in version that the vendor has not declined to ship."""
    return bool(match.fix_versions) and not match.will_not_fix


def select(matches: Iterable[Match], only_fixed: bool) -> list[Match]:
    """The matches to report, most severe first, then by package and id (stable output)."""
    kept = [m for m in matches if is_fixed(m) or not only_fixed]
    return sorted(
        kept,
        key=lambda m: (-severity_rank(m.severity), m.package.name, m.package.version, m.vulnerability_id),
    )


def fails(matches: Iterable[Match], fail_on: str | None) -> bool:
    """True when some match is at or above ``fail_on`` (never when no threshold is given)."""
    if fail_on is None:
        return False
    threshold = severity_rank(fail_on)
    if threshold == 0:
        raise ValueError(f"unknown severity {fail_on!r}; expected one of {', '.join(SEVERITIES)}")
    return any(severity_rank(m.severity) >= threshold for m in matches)


def fixed_in(match: Match) -> str:
    if match.will_not_fix:
        return "(won't fix)"
    return ", ".join(match.fix_versions)


def table_rows(matches: Sequence[Match]) -> list[tuple[str, ...]]:
    """Rows under ``TABLE_COLUMNS`` for already-selected (sorted) matches."""
    return [
        (
            m.package.name,
            m.package.version,
            fixed_in(m),
            m.package.type,
            m.vulnerability_id,
            m.severity or "Unknown",
        )
        for m in matches
    ]


def plain_table(rows: Sequence[tuple[str, ...]]) -> str:
    """Column-aligned text for pipes and CI logs (no colour, no box drawing)."""
    lines = [TABLE_COLUMNS, *rows]
    widths = [max(len(line[i]) for line in lines) for i in range(len(TABLE_COLUMNS))]
    return (
        "\n".join(
            "  ".join(cell.ljust(w) for cell, w in zip(line, widths, strict=True)).rstrip() for line in lines
        )
        + "\n"
    )


def json_document(
    matches: Sequence[Match], source: dict[str, Any], namespaces: Sequence[str], problems: Sequence[str]
) -> dict[str, Any]:
    """The match list with why each matched, as the Anchore row plus the raw CVSS entries."""
    return {
        "source": source,
        "namespaces": list(namespaces),
        "problems": list(problems),
        "matches": [
            {**vulnerability_row(m), "fix_versions": list(m.fix_versions), "cvss": list(m.cvss)}
            for m in matches
        ],
    }
