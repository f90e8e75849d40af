"""What the vulnerability gates read: one image's matches and the freshness of the feed data.

The gates code against these small types, not the matcher's, so matching can evolve (and
tests can craft matches directly); :func:`view_from_matches` is the one adapter.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from drydock.policy.matching.matcher import Match
from drydock.policy.vulnerabilities.report import MatchKey, match_key


@dataclass(frozen=True, slots=True)
class CvssScores:
    base: float = -1.0
    exploitability: float = -1.0
    impact: float = -1.0


@dataclass(frozen=True, slots=True)
class VulnMatch:
    """One vulnerability of one package, with what the ``package`` trigger compares."""

    vulnerability_id: str
    severity: str
    package_name: str
    package_version: str
    package_type: str
    is_os: bool
    package_path: str | None = None
    fix_versions: tuple[str, ...] = ()
    will_not_fix: bool = False
    link: str | None = None
    nvd_cvss_v3: tuple[CvssScores, ...] = ()
    vendor_cvss_v3: tuple[CvssScores, ...] = ()
    detected_at: datetime | None = None
    fix_observed_at: datetime | None = None


class VulnerabilityView(Protocol):
    @property
    def matches(self) -> list[VulnMatch]: ...

    @property
    def data_available(self) -> bool:
        """False when the feeds hold nothing for the image's distro (OS packages unmatched)."""
        ...

    @property
    def last_sync(self) -> datetime | None:
        """When the image's vulnerability data was last synced (oldest relevant group)."""
        ...


@dataclass(slots=True)
class Vulnerabilities:
    matches: list[VulnMatch] = field(default_factory=list)
    data_available: bool = True
    last_sync: datetime | None = None


_OS_TYPES = frozenset({"deb", "apk", "rpm", "dpkg", "APKG"})


def _score(value: Any) -> float:
    """A score as a float; absent or unreadable scores are -1.0, as the reference prints them."""
    try:
        return float(value) if value is not None else -1.0
    except (TypeError, ValueError):
        return -1.0


def _scores(entries: Iterable[Mapping[str, Any]], nvd: bool) -> tuple[CvssScores, ...]:
    out = []
    for c in entries:
        if not str(c.get("version", "")).startswith("3"):
            continue
        source = str(c.get("source") or "").lower()
        if ("nvd" in source) != nvd:
            continue
        out.append(
            CvssScores(
                _score(c.get("base_score")),
                _score(c.get("exploitability_score")),
                _score(c.get("impact_score")),
            )
        )
    return tuple(out)


@dataclass(frozen=True, slots=True)
class Detections:
    """When each match was first detected in the image (``first``, by report match key);
    a match without a recorded time is detected ``now`` (``drydock scan`` keeps no history)."""

    now: datetime | None
    first: Mapping[MatchKey, datetime] = field(default_factory=dict)

    def of(self, match: Match) -> datetime | None:
        return self.first.get(match_key(match), self.now)


def view_from_matches(
    matches: Iterable[Match], *, data_available: bool, last_sync: datetime | None, detected: Detections
) -> Vulnerabilities:
    """Adapter from :class:`drydock.policy.matching.matcher.Match`.

    The fix date is the matcher's (the upstream's date of the fix above the package's
    version, else when a sync first saw it); the detection time is the image's history
    (``detected``), which the matcher does not know.
    """
    out = []
    for m in matches:
        pkg = m.package
        out.append(
            VulnMatch(
                vulnerability_id=m.vulnerability_id,
                severity=(m.severity or "Unknown"),
                package_name=pkg.name,
                package_version=pkg.version,
                package_type=pkg.type,
                is_os=pkg.type in _OS_TYPES,
                package_path=pkg.locations[0] if pkg.locations else None,
                fix_versions=tuple(m.fix_versions),
                will_not_fix=bool(m.will_not_fix),
                link=m.link,
                nvd_cvss_v3=_scores(m.cvss, nvd=True),
                vendor_cvss_v3=_scores(m.cvss, nvd=False),
                detected_at=detected.of(m),
                fix_observed_at=m.fix_observed_at,
            )
        )
    return Vulnerabilities(out, data_available, last_sync)
