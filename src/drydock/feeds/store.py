"""The normalized feed store: groups of records replaced atomically, feed/group metadata,
and the store generation.

Every function takes the caller's session: a request handler passes the request's session,
the CLI and the periodic task their own. :func:`replace_group` commits nothing itself; the
caller commits once per group, which is what makes a group swap atomic for readers.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, fields, replace
from datetime import datetime
from enum import Enum
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from drydock.core.db import utcnow
from drydock.feeds.models import (
    AffectedPackageRow,
    EpssRow,
    FeedGroupRow,
    FeedRow,
    FeedSourceRow,
    FeedStoreState,
    FixObservationRow,
    KevRow,
    PackageVersionsRow,
    VulnerabilityRow,
)
from drydock.feeds.records import (
    AffectedPackage,
    EpssScore,
    FixState,
    KevEntry,
    PackageVersions,
    Record,
    VersionFormat,
    Vulnerability,
    fix_availability,
)

VULNERABILITIES_FEED = "vulnerabilities"
NVD_FEED, NVD_GROUP = "nvdv2", "nvdv2:cves"
KEV_FEED, KEV_GROUP = "kev", "kev:catalog"
EPSS_FEED, EPSS_GROUP = "epss", "epss:scores"
#: Anchore's package-metadata feed; its groups are named after the registry.
PACKAGES_FEED = "packages"
PACKAGE_GROUPS = frozenset({"npm", "gem"})
ENRICHMENT_GROUPS = frozenset({KEV_GROUP, EPSS_GROUP})
_BATCH = 5000


class UnknownFeed(LookupError):
    """No such feed or group in the store."""


def placement(record: Record) -> tuple[str, str]:
    """The (feed, group) a record belongs to, as Anchore names them."""
    if isinstance(record, KevEntry):
        return KEV_FEED, KEV_GROUP
    if isinstance(record, EpssScore):
        return EPSS_FEED, EPSS_GROUP
    if isinstance(record, PackageVersions):
        if record.ecosystem not in PACKAGE_GROUPS:
            raise ValueError(f"no packages feed group for ecosystem {record.ecosystem!r}")
        return PACKAGES_FEED, record.ecosystem
    if record.namespace == "nvd":
        return NVD_FEED, NVD_GROUP
    return VULNERABILITIES_FEED, record.namespace


_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def plain(obj: Any) -> Any:
    """JSON-ready form of a record (what :func:`records.to_dict` gives, several times faster:
    ``dataclasses.asdict`` deep-copies every leaf, which dominated import time)."""
    kind = type(obj)
    if kind in _LEAVES:
        return obj
    if kind is list or kind is tuple:
        return [plain(x) for x in obj] if obj else []
    if kind is dict:
        return {str(k): plain(v) for k, v in obj.items()}
    if isinstance(obj, Enum):
        return obj.value
    if isinstance(obj, str | int | float):
        return obj
    names = _FIELD_NAMES.get(kind)
    if names is None:
        names = _FIELD_NAMES[kind] = tuple(f.name for f in fields(obj))
    return {name: plain(getattr(obj, name)) for name in names}


_LEAVES = frozenset({str, int, float, bool, type(None)})
ObservationKey = tuple[str, str, str, str]  # namespace, vulnerability, package, fixed version


@dataclass(slots=True)
class GroupData:
    """All records of one group from one import, ready to replace the stored group."""

    feed: str
    group: str
    driver: str
    records: list[Record] = field(default_factory=list)
    #: First-observed fix dates another install recorded (a bundle's): the earlier date wins.
    observed: dict[ObservationKey, datetime] = field(default_factory=dict)
    _plain: list[dict[str, Any]] | None = None

    def plain_records(self) -> list[dict[str, Any]]:
        if self._plain is None:
            self._plain = [plain(r) for r in self.records]
        return self._plain

    def digest(self) -> str:
        """Order-independent content digest, so an unchanged upstream costs no rewrite."""
        lines = sorted(json.dumps(r, sort_keys=True, default=str) for r in self.plain_records())
        h = hashlib.sha256()
        for line in lines:
            h.update(line.encode())
            h.update(b"\n")
        return h.hexdigest()


def partition(records: Iterable[Record], driver: str) -> dict[str, GroupData]:
    """Split a driver's output into groups (a driver may feed many namespaces), one record
    per id: repeats of an id (one per advisory or module stream) are merged."""
    by_key: dict[tuple[str, str], Record] = {}
    feeds: dict[str, str] = {}
    for record in records:
        feed, group = placement(record)
        feeds[group] = feed
        key = (group, record_key(record))
        by_key[key] = merge(by_key.get(key), record)
    groups: dict[str, GroupData] = {}
    for (group, _), record in by_key.items():
        data = groups.get(group)
        if data is None:
            data = groups[group] = GroupData(feeds[group], group, driver)
        data.records.append(record)
    return groups


def _package_key(affected: AffectedPackage) -> tuple[Any, ...]:
    return (affected.name, affected.module, affected.arch, affected.is_source, affected.version_format)


def merge(old: Record | None, new: Record) -> Record:
    """One record per id: the newer's fields, the union of the affected packages of both.

    Entries for the same package (name, module stream, arch, source flag), within a record or
    across two, are joined: fix versions pooled (each names a stream that is fixed), ranges
    OR-ed. Drivers that read several advisories per CVE (Red Hat) list a package once per
    advisory; matched one by one, the mainline fix would flag a package already carrying the
    EUS-stream fix.
    """
    if not isinstance(new, Vulnerability) or (old is not None and not isinstance(old, Vulnerability)):
        return new
    if old is None and len({_package_key(a) for a in new.affected}) == len(new.affected):
        return new  # the common case: nothing to join
    joined: dict[tuple[Any, ...], AffectedPackage] = {}
    for affected in [*(old.affected if old else []), *new.affected]:
        key = _package_key(affected)
        have = joined.get(key)
        if have is None:
            joined[key] = replace(
                affected,
                fixed_versions=list(dict.fromkeys(affected.fixed_versions)),
                vulnerable_ranges=list(affected.vulnerable_ranges),
                advisories=list(affected.advisories),
                fix_dates=dict(affected.fix_dates),
            )
            continue
        _join_fix_dates(have, affected)
        have.fixed_versions = list(dict.fromkeys([*have.fixed_versions, *affected.fixed_versions]))
        have.vulnerable_ranges += [r for r in affected.vulnerable_ranges if r not in have.vulnerable_ranges]
        have.advisories += [a for a in affected.advisories if a not in have.advisories]
        if affected.fix_state is FixState.FIXED:
            have.fix_state = FixState.FIXED
    aliases = list(dict.fromkeys([*(old.aliases if old else []), *new.aliases]))
    return replace(new, affected=list(joined.values()), aliases=aliases)


def _join_fix_dates(have: AffectedPackage, other: AffectedPackage) -> None:
    """Keep each joined fix version's own date (Red Hat: one advisory, one date per stream)."""
    for version in other.fixed_versions:
        if version in have.fixed_versions:
            continue
        date = fix_availability(other, version)
        if date != have.fix_available:
            have.fix_dates[version] = date


def constraint_text(affected: AffectedPackage) -> str | None:
    """One OR-of-AND range text for the matcher; None means every version is affected.

    Published ranges win. A bare "fixed in X" list means ``< X``; several fixes without ranges
    are the same fix on several release streams (RHEL EUS and mainline), so a version that
    reached any of them is fixed: ``< X, < Y`` (below all). An explicit version list (OSV
    ``versions`` without usable ranges) becomes equalities.
    """
    if affected.vulnerable_ranges:
        if any(not clause for clause in affected.vulnerable_ranges):
            return None
        return " || ".join(
            ", ".join(f"{c.op} {c.version}" for c in clause) for clause in affected.vulnerable_ranges
        )
    fixes = list(dict.fromkeys(v for v in affected.fixed_versions if v and v != "None"))
    if (
        len(fixes) > 1
        and affected.version_format == VersionFormat.APK
        and (branches := _apk_branch_ranges(fixes))
    ):
        return branches
    if fixes:
        return ", ".join(f"< {v}" for v in fixes)
    if affected.affected_versions:
        return " || ".join(f"= {v}" for v in affected.affected_versions)
    return None


def _apk_branch_ranges(fixes: list[str]) -> str | None:
    """Alpine secdb lists one fix per release branch (``1.29.3-r10`` backported, ``1.30.1-r2``
    upstream): below the lowest fix is vulnerable, and within each other fix's major.minor
    branch so is everything below that fix. Pooling them as "fixed once any fix is reached"
    missed ``1.30.1-r1``; "below any" would flag the fixed ``1.29.3-r12``.

    None when the fixes are not all apk versions (SecureOS publishes ``2.39-209``): they cannot
    be ordered into branches, so the caller keeps the plain "below each fix" form, and the
    matcher counts what it cannot parse instead of the whole group failing to store."""
    from drydock.versions import InvalidVersion, get_scheme

    try:
        ordered = sorted(fixes, key=get_scheme("apk").parse)
    except InvalidVersion:
        return None
    clauses = [f"< {ordered[0]}"]
    for fix in ordered[1:]:
        branch = ".".join(fix.split("-", 1)[0].split(".")[:2])
        clauses.append(f">= {branch}, < {fix}" if branch and branch[0].isdigit() else f"< {fix}")
    return " || ".join(clauses)


def vulnerability_row(group: str, vuln: Vulnerability, data: dict[str, Any]) -> dict[str, Any]:
    return {
        "group_name": group,
        "id": vuln.id,
        "namespace": vuln.namespace,
        "severity": str(vuln.severity),
        "link": vuln.link,
        "cvss": data["cvss"],
        "aliases": list(vuln.aliases),
        "published": vuln.published,
        "modified": vuln.modified,
        "withdrawn": vuln.withdrawn,
        "data": data,
    }


FIRST_OBSERVED = "first-observed"


def real_fixes(affected: AffectedPackage) -> list[str]:
    """The fixed versions that name a version ("None" is how upstreams spell "no fix")."""
    return [v for v in dict.fromkeys(affected.fixed_versions) if v and v != "None"]


def undated_fixes(vuln: Vulnerability) -> Iterator[ObservationKey]:
    """Fixes the upstream gives no date for: the platform has to observe those itself."""
    for affected in vuln.affected:
        for version in real_fixes(affected):
            if fix_availability(affected, version) is None:
                yield vuln.namespace, vuln.id, affected.name, version


def fix_dates(
    vuln: Vulnerability, affected: AffectedPackage, observed: Mapping[ObservationKey, datetime]
) -> dict[str, dict[str, str]]:
    """Fixed version -> ``{"date", "kind"}``: the upstream's date, else the first sync that saw
    the fix; a version with neither is left out (its date is unknown)."""
    out: dict[str, dict[str, str]] = {}
    for version in real_fixes(affected):
        upstream = fix_availability(affected, version)
        if upstream is not None:
            out[version] = {"date": upstream.date, "kind": upstream.kind}
        elif (seen := observed.get((vuln.namespace, vuln.id, affected.name, version))) is not None:
            out[version] = {"date": seen.isoformat(), "kind": FIRST_OBSERVED}
    return out


def affected_rows(
    group: str, vuln: Vulnerability, observed: Mapping[ObservationKey, datetime] | None = None
) -> Iterator[dict[str, Any]]:
    """Rows of the vulnerability's affected packages; ``observed`` dates the fixes the
    upstream does not (none without a store, as in :func:`index_from_records`)."""
    for affected in vuln.affected:
        yield {
            "group_name": group,
            "vuln_id": vuln.id,
            "namespace": vuln.namespace,
            "name": affected.name,
            "is_source": affected.is_source,
            "version_format": str(affected.version_format),
            "constraint": constraint_text(affected),
            "fixed_versions": list(affected.fixed_versions),
            "fix_state": str(affected.fix_state),
            "no_advisory": affected.no_advisory,
            "module": affected.module,
            "arch": affected.arch,
            "cpe_criteria": [plain(c) for c in affected.cpe_criteria],
            "fix_dates": fix_dates(vuln, affected, observed or {}),
        }


def _kev_row(entry: KevEntry, data: dict[str, Any]) -> dict[str, Any]:
    return {
        "cve_id": entry.cve_id,
        "date_added": entry.date_added,
        "due_date": entry.due_date,
        "ransomware": entry.known_ransomware_campaign_use,
        "data": data,
    }


def _epss_row(score: EpssScore, data: dict[str, Any]) -> dict[str, Any]:
    return {
        "cve": score.cve,
        "epss": score.epss,
        "percentile": score.percentile,
        "date": score.date,
        "data": data,
    }


def _package_versions_row(group: str, record: PackageVersions) -> dict[str, Any]:
    return {
        "group_name": group,
        "name": record.name,
        "latest": record.latest,
        "versions": list(record.versions),
    }


def _insert_batches(session: Session, table: Any, rows: Iterable[dict[str, Any]]) -> None:
    """Core executemany in batches (the ORM bulk path adds per-row bookkeeping)."""
    statement = table.__table__.insert()
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= _BATCH:
            session.execute(statement, batch)
            batch = []
    if batch:
        session.execute(statement, batch)


def record_key(record: Record) -> str:
    if isinstance(record, KevEntry):
        return record.cve_id
    if isinstance(record, EpssScore):
        return record.cve
    if isinstance(record, PackageVersions):
        return record.name
    return record.id


def _dedupe_by_key(pairs: list[tuple[Any, dict[str, Any]]]) -> list[tuple[Any, dict[str, Any]]]:
    """Last record wins per primary key (an upstream listing one id twice must not abort)."""
    return list({record_key(r): (r, d) for r, d in pairs}.values())


# --- generation --------------------------------------------------------------------------


def generation(session: Session) -> int:
    value = session.scalar(select(FeedStoreState.generation).where(FeedStoreState.id == 1))
    return int(value or 0)


def lock_store(session: Session) -> None:
    """Serialize feed writers: hold the state row's lock until the caller's transaction ends.

    Two syncs of one group (the periodic task and a POST, or two replicas) would otherwise both
    delete the old rows and both insert, leaving the group doubled. On SQLite, BEGIN IMMEDIATE
    already serializes writers and FOR UPDATE is a no-op.
    """
    locked = select(FeedStoreState.id).where(FeedStoreState.id == 1).with_for_update()
    if session.execute(locked).first() is None:
        try:
            with session.begin_nested():
                session.add(FeedStoreState(id=1, generation=0))
        except IntegrityError:
            pass  # created by a concurrent writer meanwhile
        session.execute(locked)


def bump_generation(session: Session) -> int:
    """Increment the generation inside the caller's transaction (visible when it commits)."""
    lock_store(session)
    session.execute(
        update(FeedStoreState).where(FeedStoreState.id == 1).values(generation=FeedStoreState.generation + 1)
    )
    return generation(session)


# --- feeds and groups ----------------------------------------------------------------------


def ensure_group(session: Session, feed: str, group: str, now: datetime | None = None) -> FeedGroupRow:
    """The group row (and its feed), created enabled if new, as Anchore does on first sight."""
    now = now or utcnow()
    if session.get(FeedRow, feed) is None:
        session.add(FeedRow(name=feed, enabled=True, created_at=now, updated_at=now))
        session.flush()
    row = session.get(FeedGroupRow, group)
    if row is None:
        row = FeedGroupRow(
            name=group, feed_name=feed, enabled=True, created_at=now, updated_at=now, record_count=0
        )
        session.add(row)
        session.flush()
    return row


@dataclass(frozen=True, slots=True)
class GroupWrite:
    group: str
    records: int
    written: bool


def replace_group(
    session: Session, data: GroupData, *, force: bool = False, now: datetime | None = None
) -> GroupWrite:
    """Swap a group's records for ``data`` in the caller's transaction.

    Unchanged content (same digest) only refreshes ``last_sync``; ``force`` rewrites anyway,
    and so does an imported fix observation older than the local one (the rows carry its date).
    """
    now = now or utcnow()
    lock_store(session)
    row = ensure_group(session, data.feed, data.group, now)
    adopted = adopt_observations(session, data.observed)
    digest = data.digest()
    if row.digest == digest and not force and not adopted:
        row.last_sync = now
        return GroupWrite(data.group, row.record_count, written=False)
    _delete_group_records(session, data.group)
    count = _insert_group_records(session, data, now)
    row.record_count, row.digest, row.driver = count, digest, data.driver
    row.last_sync = row.updated_at = now
    bump_generation(session)
    return GroupWrite(data.group, count, written=True)


def _insert_group_records(session: Session, data: GroupData, now: datetime) -> int:
    pairs = _dedupe_by_key(list(zip(data.records, data.plain_records(), strict=True)))
    if data.group == KEV_GROUP:
        _insert_batches(session, KevRow, (_kev_row(r, d) for r, d in pairs))
    elif data.group == EPSS_GROUP:
        _insert_batches(session, EpssRow, (_epss_row(r, d) for r, d in pairs))
    elif data.group in PACKAGE_GROUPS:
        _insert_batches(
            session,
            PackageVersionsRow,
            (_package_versions_row(data.group, r) for r, _ in pairs),  # type: ignore[arg-type]
        )
    else:
        _insert_batches(session, VulnerabilityRow, (vulnerability_row(data.group, r, d) for r, d in pairs))
        observed = observe_fixes(session, [r for r, _ in pairs], now)
        _insert_batches(
            session,
            AffectedPackageRow,
            (row for r, _ in pairs for row in affected_rows(data.group, r, observed)),
        )
    return len(pairs)


def observe_fixes(
    session: Session, vulns: list[Vulnerability], now: datetime
) -> dict[ObservationKey, datetime]:
    """First-observed dates of every undated fix in ``vulns``: kept from earlier syncs, ``now``
    for fixes seen for the first time (recorded in the caller's transaction, so a group that
    fails to write observes nothing). Writers hold the store lock: no concurrent insert."""
    wanted = {key for vuln in vulns for key in undated_fixes(vuln)}
    if not wanted:
        return {}
    known = {k: at for k, at in _observations(session, wanted).items() if k in wanted}
    new = sorted(wanted - known.keys())
    _insert_batches(session, FixObservationRow, (_observation_row(k, now) for k in new))
    known.update(dict.fromkeys(new, now))
    return known


def adopt_observations(session: Session, observed: Mapping[ObservationKey, datetime]) -> int:
    """Merge another install's first-observed dates (a bundle's) into the local ones, keeping
    the earlier of the two; returns how many local dates were added or moved back."""
    if not observed:
        return 0
    known = _observations(session, observed)
    new = sorted(observed.keys() - known.keys())
    older = sorted(k for k in observed.keys() & known.keys() if observed[k] < known[k])
    _insert_batches(session, FixObservationRow, (_observation_row(k, observed[k]) for k in new))
    if older:  # ORM bulk UPDATE by primary key
        session.execute(update(FixObservationRow), [_observation_row(k, observed[k]) for k in older])
    return len(new) + len(older)


def _observations(session: Session, keys: Iterable[ObservationKey]) -> dict[ObservationKey, datetime]:
    """The stored first-observed dates of the namespaces ``keys`` name (all of each)."""
    stmt = select(*_OBSERVATION_COLUMNS).where(
        FixObservationRow.namespace.in_(sorted({key[0] for key in keys}))
    )
    return {(ns, vid, pkg, ver): at for ns, vid, pkg, ver, at in session.execute(stmt)}


_OBSERVATION_COLUMNS = (
    FixObservationRow.namespace,
    FixObservationRow.vuln_id,
    FixObservationRow.package,
    FixObservationRow.version,
    FixObservationRow.first_observed_at,
)


def _observation_row(key: ObservationKey, at: datetime) -> dict[str, Any]:
    return {
        "namespace": key[0],
        "vuln_id": key[1],
        "package": key[2],
        "version": key[3],
        "first_observed_at": at,
    }


def group_observations(session: Session, group: str) -> Iterator[dict[str, str]]:
    """The first-observed fix dates of the namespaces a vulnerability group holds, as a bundle
    carries them (ISO 8601 dates)."""
    o = FixObservationRow
    namespaces = select(VulnerabilityRow.namespace).where(VulnerabilityRow.group_name == group).distinct()
    stmt = (
        select(*_OBSERVATION_COLUMNS)
        .where(o.namespace.in_(namespaces))
        .order_by(o.namespace, o.vuln_id, o.package, o.version)
    )
    for ns, vid, pkg, ver, at in session.execute(stmt.execution_options(yield_per=2000)):
        yield {**_observation_row((ns, vid, pkg, ver), at), "first_observed_at": at.isoformat()}


def observation_from_dict(data: Mapping[str, Any]) -> tuple[ObservationKey, datetime]:
    """A bundle's observation line; ValueError/KeyError/TypeError when it is not one."""
    at = datetime.fromisoformat(data["first_observed_at"])
    if at.tzinfo is None:
        raise ValueError(f"first_observed_at without a time zone: {data['first_observed_at']!r}")
    key = (data["namespace"], data["vuln_id"], data["package"], data["version"])
    if not all(isinstance(part, str) for part in key):
        raise TypeError(f"observation key parts must be strings: {key!r}")
    return key, at


@dataclass(frozen=True, slots=True)
class _GroupTable:
    """Where a group's records are: ``table``'s rows matching ``where``, exported in ``order``."""

    table: Any
    where: tuple[Any, ...]
    order: Any


def _group_table(group: str) -> _GroupTable:
    """KEV and EPSS have a table each; the packages groups share theirs, and so do the
    vulnerability groups (whose affected packages hang off their rows), by ``group_name``."""
    if group == KEV_GROUP:
        return _GroupTable(KevRow, (), KevRow.cve_id)
    if group == EPSS_GROUP:
        return _GroupTable(EpssRow, (), EpssRow.cve)
    if group in PACKAGE_GROUPS:
        return _GroupTable(
            PackageVersionsRow, (PackageVersionsRow.group_name == group,), PackageVersionsRow.name
        )
    return _GroupTable(VulnerabilityRow, (VulnerabilityRow.group_name == group,), VulnerabilityRow.id)


def _delete_group_records(session: Session, group: str) -> None:
    stored = _group_table(group)
    if stored.table is VulnerabilityRow:
        session.execute(delete(AffectedPackageRow).where(AffectedPackageRow.group_name == group))
    session.execute(delete(stored.table).where(*stored.where))


def mark_full_sync(session: Session, feeds: Iterable[str], now: datetime | None = None) -> None:
    now = now or utcnow()
    session.execute(
        update(FeedRow).where(FeedRow.name.in_(list(feeds))).values(last_full_sync=now, updated_at=now)
    )


@dataclass(frozen=True, slots=True)
class FeedView:
    feed: FeedRow
    groups: list[FeedGroupRow]


def list_feeds(session: Session) -> list[FeedView]:
    feeds = session.scalars(select(FeedRow).order_by(FeedRow.name)).all()
    groups = session.scalars(select(FeedGroupRow).order_by(FeedGroupRow.name)).all()
    by_feed: dict[str, list[FeedGroupRow]] = {}
    for g in groups:
        by_feed.setdefault(g.feed_name, []).append(g)
    return [FeedView(f, by_feed.get(f.name, [])) for f in feeds]


def get_feed(session: Session, feed: str) -> FeedRow:
    row = session.get(FeedRow, feed)
    if row is None:
        raise UnknownFeed(f"feed {feed} not found")
    return row


def get_group(session: Session, feed: str, group: str) -> FeedGroupRow:
    row = session.get(FeedGroupRow, group)
    if row is None or row.feed_name != feed:
        raise UnknownFeed(f"group {group} of feed {feed} not found")
    return row


def set_feed_enabled(session: Session, feed: str, enabled: bool) -> FeedRow:
    """Enable/disable a feed; its groups follow (Anchore toggles them together)."""
    row = get_feed(session, feed)
    now = utcnow()
    row.enabled, row.updated_at = enabled, now
    session.execute(
        update(FeedGroupRow).where(FeedGroupRow.feed_name == feed).values(enabled=enabled, updated_at=now)
    )
    bump_generation(session)
    return row


def set_group_enabled(session: Session, feed: str, group: str, enabled: bool) -> FeedGroupRow:
    row = get_group(session, feed, group)
    row.enabled, row.updated_at = enabled, utcnow()
    bump_generation(session)
    return row


def delete_group(session: Session, feed: str, group: str) -> None:
    row = get_group(session, feed, group)
    _delete_group_records(session, group)
    session.delete(row)
    bump_generation(session)


def delete_feed(session: Session, feed: str) -> None:
    row = get_feed(session, feed)
    for group in session.scalars(select(FeedGroupRow.name).where(FeedGroupRow.feed_name == feed)).all():
        _delete_group_records(session, group)
    session.execute(delete(FeedGroupRow).where(FeedGroupRow.feed_name == feed))
    session.delete(row)
    bump_generation(session)


# --- reads ---------------------------------------------------------------------------------


def group_records(session: Session, group: str) -> Iterator[dict[str, Any]]:
    """The stored normalized records of a group, as :func:`records.to_dict` made them."""
    stored = _group_table(group)
    if stored.table is PackageVersionsRow:  # kept as columns, not as the record's JSON
        rows = select(PackageVersionsRow).where(*stored.where).order_by(stored.order)
        for row in session.scalars(rows.execution_options(yield_per=2000)):
            yield plain(PackageVersions(group, row.name, tuple(row.versions), row.latest))
        return
    stmt = select(stored.table.data).where(*stored.where).order_by(stored.order)
    yield from session.execute(stmt.execution_options(yield_per=2000)).scalars()


def count_records(session: Session, group: str) -> int:
    stored = _group_table(group)
    return int(session.scalar(select(func.count()).select_from(stored.table).where(*stored.where)) or 0)


def package_versions(
    session: Session, ecosystem: str, names: Iterable[str]
) -> dict[str, PackageVersions] | None:
    """What the ``packages`` feed knows of ``names`` in ``ecosystem`` (absent names are unknown
    to the registry); None when that group was never synced or is disabled, which the gates
    report as "feed data unavailable" rather than as "every package unknown"."""
    group = session.get(FeedGroupRow, ecosystem)
    if group is None or group.feed_name != PACKAGES_FEED or not group.enabled or group.last_sync is None:
        return None
    wanted = sorted(set(names))
    found: dict[str, PackageVersions] = {}
    for start in range(0, len(wanted), 500):  # bounded IN lists
        stmt = select(PackageVersionsRow).where(
            PackageVersionsRow.group_name == ecosystem,
            PackageVersionsRow.name.in_(wanted[start : start + 500]),
        )
        for row in session.scalars(stmt):
            found[row.name] = PackageVersions(ecosystem, row.name, tuple(row.versions), row.latest)
    return found


# --- incremental import bookkeeping --------------------------------------------------------


def source_digest(session: Session, key: str) -> str | None:
    row = session.get(FeedSourceRow, key)
    return row.digest if row else None


def record_source(session: Session, key: str, digest: str) -> None:
    row = session.get(FeedSourceRow, key)
    if row is None:
        session.add(FeedSourceRow(key=key, digest=digest, imported_at=utcnow()))
    else:
        row.digest, row.imported_at = digest, utcnow()
