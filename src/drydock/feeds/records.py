"""Normalized vulnerability records produced by every feed driver.

Each upstream (distro trackers, OSV, NVD, GHSA, ...) describes "what is vulnerable" differently;
drivers translate them into these few dataclasses so that storage, matching and the API only ever
deal with one shape. Version strings are kept exactly as published: interpreting them belongs to
``drydock.versions``, and reformatting here would silently change match results.

Everything is JSON-serializable through :func:`to_dict` / :func:`vulnerability_from_dict` so
records can be cached on disk or shipped between services without a custom encoder.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any


class Severity(StrEnum):
    """Vendor-neutral severity scale (grype/vunnel spelling, ordered by ``rank``)."""

    UNKNOWN = "Unknown"
    NEGLIGIBLE = "Negligible"
    LOW = "Low"
    MEDIUM = "Medium"
    HIGH = "High"
    CRITICAL = "Critical"

    @property
    def rank(self) -> int:
        return _SEVERITY_ORDER.index(self)

    @classmethod
    def parse(cls, value: str | None) -> Severity:
        """Map the many vendor words (RHEL "Important", CVSS "NONE", OSV "MODERATE") onto the scale.

        Unrecognised words become UNKNOWN rather than an error: severity is advisory data and a
        new vendor term must not make a whole record unusable.
        """
        if not value:
            return cls.UNKNOWN
        return _SEVERITY_ALIASES.get(value.strip().lower().rstrip("*"), cls.UNKNOWN)

    @classmethod
    def highest(cls, *values: Severity) -> Severity:
        return max(values, key=lambda s: s.rank, default=cls.UNKNOWN)


_SEVERITY_ORDER = list(Severity)
_SEVERITY_ALIASES: dict[str, Severity] = {
    "unknown": Severity.UNKNOWN,
    "none": Severity.NEGLIGIBLE,
    "negligible": Severity.NEGLIGIBLE,
    "unimportant": Severity.NEGLIGIBLE,
    "low": Severity.LOW,
    "medium": Severity.MEDIUM,
    "moderate": Severity.MEDIUM,
    "high": Severity.HIGH,
    "important": Severity.HIGH,
    "critical": Severity.CRITICAL,
}


class VersionFormat(StrEnum):
    """How a version string must be compared; chosen by the driver from the ecosystem."""

    DPKG = "dpkg"
    RPM = "rpm"
    APK = "apk"
    SEMVER = "semver"
    PEP440 = "pep440"
    MAVEN = "maven"
    GEM = "gem"
    GO = "go"
    NUGET = "nuget"
    COMPOSER = "composer"
    NPM = "npm"
    CARGO = "cargo"
    PACMAN = "pacman"
    CPE = "cpe"


class FixState(StrEnum):
    FIXED = "fixed"
    NOT_FIXED = "not-fixed"
    WONT_FIX = "wont-fix"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class Cvss:
    """One CVSS assessment; ``source``/``primary`` say whose opinion it is (NVD vs a CNA)."""

    version: str
    vector: str
    base_score: float | None = None
    exploitability_score: float | None = None
    impact_score: float | None = None
    base_severity: str | None = None
    source: str | None = None
    primary: bool = True
    #: Vendor review status of the score (Red Hat: "verified", "draft"); None when not stated.
    status: str | None = None


@dataclass(frozen=True, slots=True)
class Constraint:
    """A single comparison such as ``(">=", "1.2")``; ``op`` is one of < <= > >= = !=."""

    op: str
    version: str


@dataclass(frozen=True, slots=True)
class Advisory:
    id: str
    link: str | None = None


@dataclass(frozen=True, slots=True)
class FixAvailability:
    """When a fix became available and how that date is known ("advisory", "first-observed")."""

    date: str
    kind: str


@dataclass(frozen=True, slots=True)
class CpeCriteria:
    """One NVD ``cpeMatch``: a CPE 2.3 pattern plus optional start/end bounds."""

    criteria: str
    vulnerable: bool = True
    version_start_including: str | None = None
    version_start_excluding: str | None = None
    version_end_including: str | None = None
    version_end_excluding: str | None = None
    match_criteria_id: str | None = None


@dataclass(slots=True)
class AffectedPackage:
    """One package of one namespace and the versions of it that are vulnerable.

    ``vulnerable_ranges`` is an OR of AND-ed constraints (``[[(">=","1"),("<","2")], [("=","3")]]``).
    When an upstream only says "fixed in X", ``fixed_versions`` carries X and ``vulnerable_ranges``
    stays empty: "< X" is implied, and spelling it out would duplicate the data. ``raw_range`` keeps
    the range text the upstream published so a human can audit the translation.
    """

    name: str
    version_format: VersionFormat
    fixed_versions: list[str] = field(default_factory=list)
    vulnerable_ranges: list[list[Constraint]] = field(default_factory=list)
    raw_range: str | None = None
    affected_versions: list[str] = field(default_factory=list)
    fix_state: FixState = FixState.UNKNOWN
    is_source: bool = False
    advisories: list[Advisory] = field(default_factory=list)
    no_advisory: bool = False
    fix_available: FixAvailability | None = None
    #: Per fixed version, when entries with different dates were joined (``store.merge``);
    #: a version not listed here has ``fix_available``, one mapped to None has no known date.
    fix_dates: dict[str, FixAvailability | None] = field(default_factory=dict)
    module: str | None = None
    arch: str | None = None
    ecosystem: str | None = None
    purl: str | None = None
    cpe_criteria: list[CpeCriteria] = field(default_factory=list)


def fix_availability(affected: AffectedPackage, version: str) -> FixAvailability | None:
    """When the upstream says fix ``version`` of ``affected`` became available (None: not said)."""
    if version in affected.fix_dates:
        return affected.fix_dates[version]
    return affected.fix_available


@dataclass(slots=True)
class Vulnerability:
    """A vulnerability as seen by one namespace (``debian:12``, ``github:python``, ``nvd``)."""

    id: str
    namespace: str
    severity: Severity = Severity.UNKNOWN
    description: str = ""
    link: str | None = None
    cvss: list[Cvss] = field(default_factory=list)
    aliases: list[str] = field(default_factory=list)
    references: list[str] = field(default_factory=list)
    published: str | None = None
    modified: str | None = None
    withdrawn: str | None = None
    affected: list[AffectedPackage] = field(default_factory=list)
    metadata: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class KevEntry:
    """CISA Known Exploited Vulnerabilities catalog entry (enrichment, not a match source)."""

    cve_id: str
    vendor_project: str
    product: str
    vulnerability_name: str
    date_added: str
    short_description: str
    required_action: str
    due_date: str
    known_ransomware_campaign_use: str | None = None
    notes: str | None = None
    cwes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class EpssScore:
    """FIRST EPSS probability for one CVE on ``date`` (model version kept for auditing)."""

    cve: str
    epss: float
    percentile: float
    date: str
    model_version: str | None = None


@dataclass(frozen=True, slots=True)
class PackageVersions:
    """The versions a language registry publishes for one package (Anchore's ``packages``
    feed, groups ``npm`` and ``gem``): what the ``npms`` / ``ruby_gems`` gates compare an
    image's packages against. ``latest`` is the registry's own pick (npm's ``latest`` dist-tag),
    not the highest version string."""

    ecosystem: str
    name: str
    versions: tuple[str, ...]
    latest: str | None = None


Record = Vulnerability | KevEntry | EpssScore | PackageVersions


def to_dict(record: Any) -> dict[str, Any]:
    """Plain-JSON form of any record dataclass here (enums are ``str`` subclasses, so they dump as text)."""
    return asdict(record)


def vulnerability_from_dict(data: dict[str, Any]) -> Vulnerability:
    """Inverse of :func:`to_dict` for :class:`Vulnerability`, used to reload cached records."""
    affected = [_affected_from_dict(a) for a in data.get("affected", [])]
    return Vulnerability(
        id=data["id"],
        namespace=data["namespace"],
        severity=Severity(data.get("severity", Severity.UNKNOWN)),
        description=data.get("description", ""),
        link=data.get("link"),
        cvss=[Cvss(**c) for c in data.get("cvss", [])],
        aliases=list(data.get("aliases", [])),
        references=list(data.get("references", [])),
        published=data.get("published"),
        modified=data.get("modified"),
        withdrawn=data.get("withdrawn"),
        affected=affected,
        metadata=dict(data.get("metadata", {})),
    )


def _affected_from_dict(data: dict[str, Any]) -> AffectedPackage:
    fix = data.get("fix_available")
    return AffectedPackage(
        name=data["name"],
        version_format=VersionFormat(data["version_format"]),
        fixed_versions=list(data.get("fixed_versions", [])),
        vulnerable_ranges=[[Constraint(**c) for c in group] for group in data.get("vulnerable_ranges", [])],
        raw_range=data.get("raw_range"),
        affected_versions=list(data.get("affected_versions", [])),
        fix_state=FixState(data.get("fix_state", FixState.UNKNOWN)),
        is_source=bool(data.get("is_source", False)),
        advisories=[Advisory(**a) for a in data.get("advisories", [])],
        no_advisory=bool(data.get("no_advisory", False)),
        fix_available=FixAvailability(**fix) if fix else None,
        fix_dates={v: FixAvailability(**d) if d else None for v, d in (data.get("fix_dates") or {}).items()},
        module=data.get("module"),
        arch=data.get("arch"),
        ecosystem=data.get("ecosystem"),
        purl=data.get("purl"),
        cpe_criteria=[CpeCriteria(**c) for c in data.get("cpe_criteria", [])],
    )
