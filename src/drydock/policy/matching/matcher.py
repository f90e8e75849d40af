"""Match an image's packages against the vulnerability index.

Sources, most specific first: the distro's own records (by binary name, then by source package
name), the package's ecosystem advisories (GHSA/OSV by PURL type), and NVD CPE records (only
for packages no ecosystem covers, unless configured otherwise). One vulnerability found for one
package by several sources is reported once, from the most specific source, with the others
listed as related. A version the record's scheme cannot parse is skipped and counted: an
unreadable version must never read as vulnerable (or as safe) by accident.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from drydock.analyzer.model import Distro, Package, PackageType
from drydock.policy.matching.index import LANGUAGES, Candidate, VulnerabilityIndex, language_key
from drydock.policy.matching.namespaces import NamespaceResolver
from drydock.versions import InvalidConstraint, InvalidVersion, get_scheme, same_module_stream

DISTRO_BINARY, DISTRO_SOURCE, ECOSYSTEM, CPE = "distro-binary", "distro-source", "ecosystem", "cpe"
_RANK = {DISTRO_BINARY: 4, DISTRO_SOURCE: 3, ECOSYSTEM: 2, CPE: 1}

#: Package type → language namespace suffix.
TYPE_ECOSYSTEM = {
    PackageType.PYTHON: "python",
    PackageType.NPM: "npm",
    PackageType.GEM: "gem",
    PackageType.JAVA_ARCHIVE: "java",
    PackageType.JENKINS_PLUGIN: "java",
    PackageType.GO_MODULE: "go",
    PackageType.RUST_CRATE: "rust",
    PackageType.DOTNET: "nuget",
    PackageType.PHP_COMPOSER: "composer",
}
#: PURL type → language namespace suffix (for packages whose type says less than their PURL).
PURL_ECOSYSTEM = {
    "pypi": "python",
    "npm": "npm",
    "gem": "gem",
    "maven": "java",
    "golang": "go",
    "cargo": "rust",
    "nuget": "nuget",
    "composer": "composer",
}
_SRPM = re.compile(r"^(?P<name>.+)-[^-]+-[^-]+\.(?:no)?src\.rpm$")
_CPE_FIELDS = 13


@dataclass(frozen=True, slots=True)
class MatcherConfig:
    """``cpe``: "off", "no-ecosystem" (default: only packages with no distro or ecosystem
    source) or "all"."""

    cpe: str = "no-ecosystem"
    resolver: NamespaceResolver = field(default_factory=NamespaceResolver)


@dataclass(frozen=True, slots=True)
class MatchedPackage:
    name: str
    version: str
    type: str
    locations: tuple[str, ...]
    purl: str | None


@dataclass(frozen=True, slots=True)
class Related:
    vulnerability_id: str
    namespace: str
    matched_by: str


@dataclass(frozen=True, slots=True)
class FixDate:
    """When fix ``version`` became available: ``date`` as the upstream published it (a day or
    an ISO 8601 time), ``kind`` "advisory" or "first-observed" (grype's ``fix.available``)."""

    version: str
    date: str
    kind: str


@dataclass(slots=True)
class Match:
    vulnerability_id: str
    namespace: str
    feed: str
    group: str
    package: MatchedPackage
    matched_by: str
    searched_name: str
    constraint: str | None
    fix_versions: list[str]
    fix_state: str
    will_not_fix: bool
    severity: str
    cvss: list[dict[str, Any]]
    link: str | None
    aliases: list[str]
    kev: dict[str, Any] | None = None
    epss: dict[str, Any] | None = None
    related: list[Related] = field(default_factory=list)
    #: Dates of the fixes that are known, in ``fix_versions`` order.
    fix_available: list[FixDate] = field(default_factory=list)
    #: When the fix for this package's version became available: the earliest date of the
    #: fixes above its version (the upgrades that would fix it); None when unknown.
    fix_observed_at: datetime | None = None

    @property
    def cve(self) -> str:
        """The CVE this match is about (its id, else its first CVE alias, else its id)."""
        return canonical_id(self.vulnerability_id, self.aliases)


@dataclass(slots=True)
class MatchResult:
    matches: list[Match] = field(default_factory=list)
    namespaces: list[str] = field(default_factory=list)
    unparseable_versions: int = 0
    invalid_constraints: int = 0
    problems: list[str] = field(default_factory=list)


def parse_date(text: str) -> datetime | None:
    """An upstream's date (``2024-03-01``, ISO 8601 with or without offset) as UTC; None when
    unreadable, which the gates treat as unknown."""
    try:
        when = datetime.fromisoformat(text.strip())
    except (AttributeError, ValueError):
        return None
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)


def canonical_id(vuln_id: str, aliases: Iterable[str]) -> str:
    if vuln_id.upper().startswith("CVE-"):
        return vuln_id.upper()
    return next((a.upper() for a in aliases if a.upper().startswith("CVE-")), vuln_id)


def meta(package: Package, *names: str) -> str:
    """First non-empty metadata value under any spelling (``SourceRpm`` / ``sourceRpm``)."""
    lowered = {k.lower(): v for k, v in package.metadata.items()}
    for name in names:
        value = lowered.get(name.lower())
        if isinstance(value, str | int) and str(value).strip():
            return str(value).strip()
    return ""


def source_name(package: Package) -> str | None:
    """The source package a binary was built from: dpkg Source, rpm sourcerpm, apk origin."""
    if package.type is PackageType.DEB:
        value = meta(package, "Source").split(" ", 1)[0]
    elif package.type is PackageType.RPM:
        m = _SRPM.match(meta(package, "SourceRpm"))
        value = m.group("name") if m else ""
    elif package.type is PackageType.APK:
        value = meta(package, "OriginPackage")
    else:
        value = ""
    return value if value and value != package.name else None


def ecosystem_of(package: Package) -> str | None:
    eco = TYPE_ECOSYSTEM.get(package.type)
    if eco is None and package.purl and package.purl.startswith("pkg:"):
        eco = PURL_ECOSYSTEM.get(package.purl[4:].split("/", 1)[0].lower())
    return eco


def ecosystem_name(package: Package, ecosystem: str) -> str:
    """The name advisories use: ``group:artifact`` for Maven (pom metadata, else PURL)."""
    if ecosystem != "java":
        return package.name
    props = next((v for k, v in package.metadata.items() if k.lower() == "pomproperties"), None)
    if isinstance(props, dict):
        lowered = {k.lower(): v for k, v in props.items()}
        group, artifact = lowered.get("groupid"), lowered.get("artifactid")
        if group and artifact:
            return f"{group}:{artifact}"
    if package.purl and package.purl.startswith("pkg:maven/"):
        path = package.purl[len("pkg:maven/") :].split("@", 1)[0].split("?", 1)[0]
        if "/" in path:
            group, artifact = path.rsplit("/", 1)
            return f"{group}:{artifact}"
    return package.name


class _Run:
    """State of one match call: version parse cache and counters."""

    def __init__(self, index: VulnerabilityIndex, config: MatcherConfig) -> None:
        self.index = index
        self.config = config
        self.result = MatchResult()
        self._versions: dict[str, dict[str, Any]] = {}
        self._facts_for: Package | None = None
        self._facts: tuple[str, str, MatchedPackage] | None = None

    def parse(self, version_format: str, version: str) -> Any:
        """The parsed version, or the exception parsing raised (both cached per run)."""
        parsed_by_text = self._versions.setdefault(version_format, {})
        parsed = parsed_by_text.get(version)
        if parsed is None:
            try:
                parsed = get_scheme(version_format).parse(version)
            except (InvalidVersion, KeyError) as exc:
                parsed = exc
            parsed_by_text[version] = parsed
        return parsed

    def vulnerable(self, candidate: Candidate, version: str) -> bool:
        try:
            constraint = candidate.constraint()
        except (InvalidConstraint, InvalidVersion):
            self.result.invalid_constraints += 1
            return False
        parsed = self.parse(candidate.version_format, _with_epoch(candidate, version))
        if isinstance(parsed, Exception):
            self.result.unparseable_versions += 1
            return False
        if constraint is None:
            return True
        try:
            return constraint.satisfied_by(parsed)
        except InvalidVersion:
            self.result.unparseable_versions += 1
            return False

    def match(self, candidate: Candidate, package: Package, version: str, matched_by: str, searched: str) -> Match | None:
        label, arch, matched = self._package_facts(package)
        if candidate.module and label and not _same_stream(label, candidate.module):
            return None
        if candidate.arch and arch and candidate.arch not in (arch, "noarch", "src"):
            return None
        if not self.vulnerable(candidate, version):
            return None
        match = _make_match(candidate, matched, matched_by, searched, self.index)
        dates = candidate.fix_dates()
        if dates:
            match.fix_available = [FixDate(v, dates[v]["date"], dates[v]["kind"]) for v in match.fix_versions if v in dates]
            match.fix_observed_at = self.fix_date(candidate, version, match.fix_available)
        return match

    def fix_date(self, candidate: Candidate, version: str, fixes: list[FixDate]) -> datetime | None:
        """Earliest date of the fixes above ``version``: an older fix on another branch
        (Alpine backports) or stream says nothing about this version. A fix that cannot be
        compared counts as above: better a date than none."""
        current = self.parse(candidate.version_format, _with_epoch(candidate, version))
        dates = []
        for fix in fixes:
            parsed = self.parse(candidate.version_format, fix.version)
            try:
                above = isinstance(parsed, Exception) or isinstance(current, Exception) or parsed > current
            except (InvalidVersion, TypeError):
                above = True
            if above and (when := parse_date(fix.date)) is not None:
                dates.append(when)
        return min(dates, default=None)

    def _package_facts(self, package: Package) -> tuple[str, str, MatchedPackage]:
        """(modularity label, arch, match view) of a package, built once per package."""
        if self._facts_for is not package or self._facts is None:
            self._facts_for = package
            # a jar nested in a war is reported by its access path, as Anchore shows it
            locations = tuple(loc.access for loc in package.locations)
            view = MatchedPackage(package.name, package.version, str(package.type), locations, package.purl)
            self._facts = (meta(package, "ModularityLabel"), meta(package, "Arch", "Architecture"), view)
        return self._facts


def _with_epoch(candidate: Candidate, version: str) -> str:
    """An epoch-less rpm package version takes the record's epoch (rpm rule)."""
    if candidate.version_format == "rpm" and ":" not in version and (epoch := candidate.bound_epoch):
        return f"{epoch}:{version}"
    return version


def _same_stream(label: str, module: str) -> bool:
    try:
        return same_module_stream(label, module)
    except InvalidVersion:
        return True  # a label we cannot read says nothing; keep the version verdict


def _make_match(c: Candidate, package: MatchedPackage, matched_by: str, searched: str, index: VulnerabilityIndex) -> Match:
    v = c.vuln
    aliases = v.aliases()
    cve = canonical_id(v.id, aliases)
    return Match(
        vulnerability_id=v.id,
        namespace=c.namespace,
        feed=c.feed,
        group=c.group,
        package=package,
        matched_by=matched_by,
        searched_name=searched,
        constraint=c.constraint_text,
        fix_versions=[f for f in c.fixed_versions() if f and f != "None"],
        fix_state=c.fix_state,
        will_not_fix=c.fix_state == "wont-fix" or c.no_advisory,
        severity=v.severity,
        cvss=v.cvss(),
        link=v.link,
        aliases=aliases,
        kev=index.kev.get(cve),
        epss=index.epss.get(cve),
    )


def _distro_matches(run: _Run, namespace: str, package: Package) -> Iterable[Match]:
    source = source_name(package)
    searches = [(package.name, DISTRO_BINARY)] + ([(source, DISTRO_SOURCE)] if source else [])
    for name, how in searches:
        version = package.version
        if how == DISTRO_SOURCE and package.type is PackageType.DEB:
            version = meta(package, "SourceVersion") or version
        for candidate in run.index.lookup(namespace, name):
            match = run.match(candidate, package, version, how, name)
            if match is not None:
                yield match


def _ecosystem_matches(run: _Run, ecosystem: str, package: Package) -> Iterable[Match]:
    name = language_key(ecosystem, ecosystem_name(package, ecosystem))
    for namespace in run.index.by_language.get(ecosystem, ()):
        for candidate in run.index.lookup(namespace, name):
            match = run.match(candidate, package, package.version, ECOSYSTEM, name)
            if match is not None:
                yield match


def _cpe_parts(cpe: str) -> tuple[str, str, str] | None:
    parts = cpe.split(":")
    if len(parts) != _CPE_FIELDS or parts[0] != "cpe" or parts[1] != "2.3":
        return None
    return parts[3].lower(), parts[4].lower(), parts[5]


def _cpe_matches(run: _Run, package: Package) -> Iterable[Match]:
    seen: set[int] = set()
    for cpe in package.cpes:
        parts = _cpe_parts(cpe)
        if parts is None:
            continue
        vendor, product, cpe_version = parts
        version = cpe_version if cpe_version not in ("*", "-", "") else package.version
        by_vendor = run.index.by_product.get(product, {})
        vendors = list(by_vendor) if vendor in ("*", "") else [vendor, "*"]
        for name in vendors:
            for candidate in by_vendor.get(name, ()):
                if id(candidate) in seen:
                    continue
                match = run.match(candidate, package, version, CPE, f"{name}:{product}")
                if match is not None:
                    seen.add(id(candidate))
                    yield match


def _package_matches(run: _Run, namespace: str | None, package: Package) -> list[Match]:
    found: list[Match] = []
    ecosystem = ecosystem_of(package)
    if package.type.is_os and namespace:
        found.extend(_distro_matches(run, namespace, package))
    if ecosystem in LANGUAGES:
        found.extend(_ecosystem_matches(run, ecosystem, package))
    has_source = ecosystem is not None or (package.type.is_os and namespace is not None)
    if run.config.cpe == "all" or (run.config.cpe == "no-ecosystem" and not has_source):
        found.extend(_cpe_matches(run, package))
    return found


def dedupe(matches: list[Match]) -> list[Match]:
    """One match per (CVE, package); the most specific source wins, the rest become related."""
    best: dict[tuple[Any, ...], Match] = {}
    others: dict[tuple[Any, ...], list[Match]] = {}
    for m in matches:
        key = (m.cve, m.package.name, m.package.version, m.package.type, m.package.locations[:1])
        current = best.get(key)
        if current is None:
            best[key] = m
        elif _RANK[m.matched_by] > _RANK[current.matched_by]:
            others.setdefault(key, []).append(current)
            best[key] = m
        else:
            others.setdefault(key, []).append(m)
    for key, m in best.items():
        m.related = [
            Related(o.vulnerability_id, o.namespace, o.matched_by)
            for o in others.get(key, [])
            if (o.vulnerability_id, o.namespace) != (m.vulnerability_id, m.namespace)
        ]
    return list(best.values())


def find_namespace(index: VulnerabilityIndex, distro: Distro | None, config: MatcherConfig) -> tuple[str | None, list[str]]:
    """The first candidate namespace with records, and all candidates tried."""
    candidates = config.resolver.candidates(distro)
    return next((ns for ns in candidates if ns in index.namespaces), None), candidates


def match_packages(
    index: VulnerabilityIndex,
    distro: Distro | None,
    packages: list[Package],
    config: MatcherConfig | None = None,
) -> MatchResult:
    """Every vulnerability of ``packages`` (of an image running ``distro``) the index knows."""
    config = config or MatcherConfig()
    run = _Run(index, config)
    namespace, tried = find_namespace(index, distro, config)
    run.result.namespaces = [namespace] if namespace else []
    if distro is not None and namespace is None and any(p.type.is_os for p in packages):
        run.result.problems.append(f"no vulnerability data for {distro.id} {distro.version_id or ''} (tried {', '.join(tried) or 'nothing'})")
    found: list[Match] = []
    for package in packages:
        found.extend(_package_matches(run, namespace, package))
    run.result.matches = sorted(dedupe(found), key=lambda m: (m.package.name, m.package.version, m.vulnerability_id))
    return run.result
