"""In-memory index of affected-package records by (namespace, name), built from the feed store
and cached by store generation.

Matching an image touches a few thousand keys; reading them from the database per image would
cost more than the comparisons. The index holds every enabled group's affected rows with their
vulnerability's severity/CVSS, parses each constraint once (lazily, then kept), and is rebuilt
only when the store generation moves.
"""

from __future__ import annotations

import gc
import json
import re
import threading
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from sys import intern
from typing import Any

from sqlalchemy import Text, cast, select
from sqlalchemy.orm import Session

from drydock.feeds import store
from drydock.feeds.models import AffectedPackageRow, EpssRow, FeedGroupRow, FeedRow, KevRow, VulnerabilityRow
from drydock.feeds.records import EpssScore, KevEntry, Record, Vulnerability
from drydock.versions import Constraint, InvalidConstraint, InvalidVersion, Predicate, get_scheme

_UNPARSED: Any = object()
_BOUND_EPOCH = re.compile(r"[<>=!]+\s*(\d+):")
_PEP503 = re.compile(r"[-_.]+")
_NO_DATES = frozenset({None, "{}", "null"})  # most rows: keep no text for them
_TERM = re.compile(r"^\s*(<=|>=|!=|==|=|<|>)\s*(\S+)\s*$")


def language_key(ecosystem: str, name: str) -> str:
    """Names as ecosystems compare them: PyPI per PEP 503, the others case-insensitively."""
    if ecosystem == "python":
        return _PEP503.sub("-", name).lower()
    return name.lower()


def parse_constraint(text: str, version_format: str) -> Constraint:
    """The store's normalized range text (``>= a, < b || = c``) as a Constraint.

    The store writes one neutral syntax for every ecosystem, so it is split here rather than
    handed to each scheme's own grammar (npm, for one, has no comma operator); each bound is
    still parsed and compared by the record's scheme.
    """
    scheme = get_scheme(version_format)
    clauses: list[tuple[Predicate, ...]] = []
    for alternative in text.split("||"):
        clause: list[Predicate] = []
        for term in alternative.split(","):
            m = _TERM.match(term)
            if m is None:
                raise InvalidConstraint(scheme.name, text, f"bad term {term.strip()!r}")
            clause.extend(scheme.term_predicates(m.group(1), m.group(2)))
        clauses.append(tuple(clause))
    return Constraint(scheme, clauses, text=text)


@dataclass(slots=True, eq=False)
class VulnInfo:
    """Display fields of one vulnerability record, shared by all its affected packages.

    CVSS and aliases stay JSON text until a match first needs them (then kept): decoding them
    for 300k records that an image mostly never matches was most of the index build time.
    """

    id: str
    severity: str
    link: str | None
    cvss_json: str
    aliases_json: str
    _cvss: list[dict[str, Any]] | None = field(default=None, repr=False)
    _aliases: list[str] | None = field(default=None, repr=False)

    def cvss(self) -> list[dict[str, Any]]:
        """The CVSS assessments (a new list; the dicts are shared, treat them as read-only)."""
        if self._cvss is None:
            self._cvss = list(json.loads(self.cvss_json or "[]"))
        return list(self._cvss)

    def aliases(self) -> list[str]:
        if self._aliases is None:
            self._aliases = list(json.loads(self.aliases_json or "[]"))
        return list(self._aliases)


@dataclass(slots=True, eq=False)
class Candidate:
    """One affected-package row, pointing at its vulnerability's shared display fields."""

    vuln: VulnInfo
    namespace: str
    feed: str
    group: str
    name: str
    is_source: bool
    version_format: str
    constraint_text: str | None
    fixed_json: str
    fix_state: str
    no_advisory: bool
    module: str | None
    arch: str | None
    fix_dates_json: str | None = None
    _constraint: Any = field(default=_UNPARSED, repr=False)
    _fixed: list[str] | None = field(default=None, repr=False)
    _fix_dates: dict[str, dict[str, str]] | None = field(default=None, repr=False)

    def constraint(self) -> Constraint | None:
        """The parsed constraint (None: every version); raises InvalidConstraint if the
        record's text does not parse, which the matcher counts and skips."""
        if self._constraint is _UNPARSED:
            try:
                self._constraint = (
                    None if self.constraint_text is None else parse_constraint(self.constraint_text, self.version_format)
                )
            except (InvalidConstraint, InvalidVersion, KeyError) as exc:
                self._constraint = exc
        if isinstance(self._constraint, Exception):
            raise self._constraint
        return self._constraint

    @property
    def vuln_id(self) -> str:
        return self.vuln.id

    def fixed_versions(self) -> list[str]:
        if self._fixed is None:
            self._fixed = list(json.loads(self.fixed_json or "[]"))
        return list(self._fixed)

    def fix_dates(self) -> dict[str, dict[str, str]]:
        """Fixed version -> ``{"date", "kind"}`` (see ``AffectedPackageRow.fix_dates``); a
        version missing has no known date. Shared: treat as read-only."""
        if self._fix_dates is None:
            self._fix_dates = dict(json.loads(self.fix_dates_json or "null") or {})
        return self._fix_dates

    @property
    def bound_epoch(self) -> str | None:
        """The epoch the record's bounds carry (rpm), for epoch-less package versions."""
        if not self.constraint_text:
            return None
        m = _BOUND_EPOCH.search(self.constraint_text)
        return m.group(1) if m else None


@dataclass(slots=True)
class VulnerabilityIndex:
    generation: int = 0
    by_key: dict[tuple[str, str], list[Candidate]] = field(default_factory=dict)
    namespaces: set[str] = field(default_factory=set)
    #: language suffix ("python") → namespaces publishing it ("github:python", "pypa:python").
    by_language: dict[str, list[str]] = field(default_factory=dict)
    #: CPE product → vendor → NVD candidates (their name is "vendor:product").
    by_product: dict[str, dict[str, list[Candidate]]] = field(default_factory=dict)
    kev: dict[str, dict[str, Any]] = field(default_factory=dict)
    epss: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def size(self) -> int:
        """Affected-package rows held (name lookups and CPE lookups)."""
        cpe = sum(len(c) for vendors in self.by_product.values() for c in vendors.values())
        return sum(len(v) for v in self.by_key.values()) + cpe

    def lookup(self, namespace: str, name: str) -> list[Candidate]:
        return self.by_key.get((namespace, name), [])

    def add(self, candidate: Candidate) -> None:
        self.namespaces.add(candidate.namespace)
        if candidate.namespace == "nvd":
            vendor, _, product = candidate.name.lower().rpartition(":")
            self.by_product.setdefault(product, {}).setdefault(vendor or "*", []).append(candidate)
            return
        language = candidate.namespace.rpartition(":")[2] if ":" in candidate.namespace else ""
        key_name = candidate.name
        if language in LANGUAGES:
            key_name = language_key(language, candidate.name)
        self.by_key.setdefault((candidate.namespace, key_name), []).append(candidate)

    def finish(self) -> None:
        languages: dict[str, list[str]] = defaultdict(list)
        for ns in sorted(self.namespaces):
            prefix, _, suffix = ns.rpartition(":")
            if prefix and suffix in LANGUAGES:
                languages[suffix].append(ns)
        self.by_language = dict(languages)


#: Namespace suffixes of language ecosystems (``github:python``, ``govulndb:go``).
LANGUAGES = frozenset({"python", "npm", "gem", "java", "go", "rust", "nuget", "composer"})


def _enabled(stmt: Any, group_column: Any) -> Any:
    return (
        stmt.join(FeedGroupRow, FeedGroupRow.name == group_column)
        .join(FeedRow, FeedRow.name == FeedGroupRow.feed_name)
        .where(FeedGroupRow.enabled.is_(True), FeedRow.enabled.is_(True))
    )


def build_index(session: Session) -> VulnerabilityIndex:
    """Load every enabled group's affected rows (and KEV/EPSS) into a fresh index.

    Strings repeated on every row (namespace, group, format, state) are interned and each
    vulnerability's display fields are shared by its rows: at 300k records that halves memory.
    """
    index = VulnerabilityIndex(generation=store.generation(session))
    v, a = VulnerabilityRow, AffectedPackageRow
    vulns: dict[tuple[str, str], VulnInfo] = {}
    connection = session.connection()  # Core rows: the ORM's per-row bookkeeping is not needed
    vuln_columns = (v.group_name, v.id, v.severity, v.link, cast(v.cvss, Text), cast(v.aliases, Text))
    for group, vid, severity, link, cvss, aliases in connection.execute(_enabled(select(*vuln_columns), v.group_name)):
        vulns[(intern(group), vid)] = VulnInfo(vid, intern(severity), link, cvss, aliases)
    columns = (
        a.group_name, a.vuln_id, a.namespace, FeedGroupRow.feed_name, a.name, a.is_source, a.version_format,
        a.constraint, cast(a.fixed_versions, Text), a.fix_state, a.no_advisory, a.module, a.arch,
        cast(a.fix_dates, Text),
    )  # fmt: skip
    for row in connection.execute(_enabled(select(*columns), a.group_name)):
        info = vulns.get((row[0], row[1]))
        if info is None:  # written between the two reads; the next generation will have it
            continue
        index.add(
            Candidate(
                info, intern(row[2]), intern(row[3]), intern(row[0]), row[4], bool(row[5]), intern(row[6]), row[7],
                row[8], intern(row[9]), bool(row[10]), row[11], row[12], None if row[13] in _NO_DATES else row[13],
            )
        )
    if _group_enabled(session, store.KEV_GROUP):
        index.kev = {cve.upper(): data for cve, data in session.execute(select(KevRow.cve_id, KevRow.data))}
    if _group_enabled(session, store.EPSS_GROUP):
        index.epss = {
            cve.upper(): {"epss": e, "percentile": p, "date": d}
            for cve, e, p, d in session.execute(select(EpssRow.cve, EpssRow.epss, EpssRow.percentile, EpssRow.date))
        }
    index.finish()
    return index


def index_from_records(records: Iterable[Record], generation: int = 0) -> VulnerabilityIndex:
    """An index straight from driver output, without a database (tests, offline tools)."""
    index = VulnerabilityIndex(generation=generation)
    merged = [r for group in store.partition(records, "").values() for r in group.records]
    for record in merged:
        if isinstance(record, KevEntry):
            index.kev[record.cve_id.upper()] = store.plain(record)
        elif isinstance(record, EpssScore):
            index.epss[record.cve.upper()] = {"epss": record.epss, "percentile": record.percentile, "date": record.date}
        elif isinstance(record, Vulnerability):  # package-metadata records match nothing
            feed, group = store.placement(record)
            cvss, aliases = json.dumps(store.plain(record.cvss)), json.dumps(record.aliases)
            info = VulnInfo(record.id, str(record.severity), record.link, cvss, aliases)
            for row in store.affected_rows(group, record):
                index.add(
                    Candidate(
                        info, record.namespace, feed, group, row["name"], row["is_source"], row["version_format"],
                        row["constraint"], json.dumps(row["fixed_versions"]), row["fix_state"], row["no_advisory"],
                        row["module"], row["arch"], json.dumps(row["fix_dates"]),
                    )
                )
    index.finish()
    return index


def _group_enabled(session: Session, group: str) -> bool:
    row = session.get(FeedGroupRow, group)
    if row is None or not row.enabled:
        return False
    feed = session.get(FeedRow, row.feed_name)
    return feed is not None and feed.enabled


class IndexCache:
    """The current index, rebuilt when the store generation differs from the cached one.

    One generation read per call; concurrent callers wait for a single rebuild.
    """

    def __init__(self) -> None:
        self._index: VulnerabilityIndex | None = None
        self._lock = threading.Lock()

    def get(self, session: Session) -> VulnerabilityIndex:
        current = store.generation(session)
        cached = self._index
        if cached is not None and cached.generation == current:
            return cached
        with self._lock:
            if self._index is None or self._index.generation != current:
                self._index = None
                gc.collect()  # the previous index's cycles, before its memory is needed again
                self._index = build_index(session)
                # Millions of long-lived index objects would otherwise be rescanned by every
                # full garbage collection (hundreds of ms each, mid-match); the index holds no
                # cycles that need collecting.
                gc.freeze()
            return self._index
