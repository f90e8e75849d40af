"""``vulnerabilities``: the image's matched vulnerabilities and the freshness of the data.

Trigger ids of ``package`` are ``<VULN_ID>+<package>`` so allowlist items stay valid across
evaluations whatever the message says.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

from drydock.policy.context import ImageContext
from drydock.policy.gates.base import (
    COMPARISONS,
    Fired,
    Gate,
    Param,
    Trigger,
    bool_param,
    csv_param,
    enum_param,
    float_param,
    int_param,
    regex_param,
)
from drydock.policy.vulndata import CvssScores, VulnMatch

SEVERITIES = ("unknown", "negligible", "low", "medium", "high", "critical")
_RANK = {s: i for i, s in enumerate(SEVERITIES)}
OPS = tuple(COMPARISONS)
SCORES = ("base", "exploitability", "impact")


def _score_params(prefix: str, whose: str) -> tuple[Param, ...]:
    out: list[Param] = []
    for kind in SCORES:
        name = f"{prefix}cvss_v3_{kind}_score"
        out.append(float_param(name, f"{whose} CVSS v3 {kind} score to compare against.", "5.0"))
        out.append(
            enum_param(
                f"{name}_comparison",
                f"The type of comparison to perform for {whose} CVSS v3 {kind} score evaluation.",
                OPS,
                example=">",
            )
        )
    return tuple(out)


def trigger_name(m: VulnMatch) -> str:
    """What follows ``+`` in the trigger id: the package name for OS packages; for Java and
    gems the file name of the location, for npm its parent directory (as the reference)."""
    if m.is_os or not m.package_path:
        return m.package_name
    path = m.package_path.rstrip("/")
    if m.package_type == "npm":
        return posixpath.basename(posixpath.dirname(path)) or m.package_name
    if m.package_type in ("java-archive", "jenkins-plugin", "gem"):
        return posixpath.basename(path) or m.package_name
    return f"{m.package_name}-{m.package_version}"


def _best(scores: tuple[CvssScores, ...], kind: str) -> float:
    return max((getattr(s, kind) for s in scores), default=-1.0)


class PackageTrigger(Trigger):
    name = "package"
    description = "Triggers if a found vulnerability in an image meets the comparison criteria."
    params = (
        enum_param(
            "package_type",
            "Only trigger for specific package type.",
            ("all", "os", "non-os"),
            required=True,
            example="all",
        ),
        enum_param(
            "severity_comparison",
            "The type of comparison to perform for severity evaluation.",
            OPS,
            example=">",
        ),
        enum_param("severity", "Severity to compare against.", SEVERITIES, example="high"),
        *_score_params("", "NVD"),
        bool_param(
            "fix_available",
            "If present, the fix availability for the vulnerability record must match the value of this parameter.",
        ),
        bool_param(
            "vendor_only",
            "If True, an available fix for this CVE must not be explicitly marked as wont be addressed by the vendor",
        ),
        int_param(
            "max_days_since_creation",
            "If provided, this CVE must be older than the days provided to trigger.",
            "7",
        ),
        int_param(
            "max_days_since_fix",
            "If provided (only evaluated when fix_available option is also set to true), the fix first observed time must be older than days provided, to trigger.",
            "30",
        ),
        *_score_params("vendor_", "Vendor"),
        regex_param(
            "package_path_exclude",
            "The regex to evaluate against the package path to exclude vulnerabilities",
            "test\\.jar",
        ),
    )

    def evaluate(self, ctx: ImageContext, p: dict[str, Any]) -> Iterator[Fired]:
        view = ctx.vulnerabilities
        if view is None:
            return
        accept = self._filter(ctx, p)
        for m in view.matches:
            if accept(m):
                yield Fired(self._message(m, p), f"{m.vulnerability_id}+{trigger_name(m)}")

    def _filter(self, ctx: ImageContext, p: dict[str, Any]) -> Any:
        """A predicate over matches with every parameter resolved once, not per match."""
        ptype, vendor_only, fix = p["package_type"], p.get("vendor_only", True), p.get("fix_available")
        sev = p.get("severity")
        sev_cmp = COMPARISONS[p.get("severity_comparison", ">")]
        sev_rank = _RANK[sev] if sev else None
        scores = [
            (
                prefix == "vendor_",
                kind,
                p[f"{prefix}cvss_v3_{kind}_score"],
                COMPARISONS[p.get(f"{prefix}cvss_v3_{kind}_score_comparison", ">=")],
            )
            for prefix in ("", "vendor_")
            for kind in SCORES
            if p.get(f"{prefix}cvss_v3_{kind}_score") is not None
        ]
        created = p.get("max_days_since_creation")
        created_cutoff = ctx.now - timedelta(days=created) if created is not None else None
        fix_days = p.get("max_days_since_fix")
        fix_cutoff = ctx.now - timedelta(days=fix_days) if fix_days is not None and fix else None
        exclude = p.get("package_path_exclude")

        def accept(m: VulnMatch) -> bool:
            if (ptype == "os" and not m.is_os) or (ptype == "non-os" and m.is_os):
                return False
            if vendor_only and m.will_not_fix:
                return False
            if sev_rank is not None and not sev_cmp(_RANK.get(m.severity.lower(), 0), sev_rank):
                return False
            for vendor, kind, threshold, cmp in scores:
                if not cmp(_best(m.vendor_cvss_v3 if vendor else m.nvd_cvss_v3, kind), threshold):
                    return False
            if exclude is not None and not m.is_os and m.package_path and exclude.search(m.package_path):
                return False
            if created_cutoff is not None and (m.detected_at is None or m.detected_at > created_cutoff):
                return False
            if fix is not None and fix != bool(m.fix_versions):
                return False
            return fix_cutoff is None or (m.fix_observed_at is not None and m.fix_observed_at <= fix_cutoff)

        return accept

    @staticmethod
    def _message(m: VulnMatch, p: dict[str, Any]) -> str:
        where = "os" if m.is_os else "non-os"
        what = m.package_name if m.is_os else (m.package_path or f"{m.package_name}-{m.package_version}")
        fixed = ",".join(m.fix_versions) or "None"
        scores = ""
        used = [
            (pre, kind)
            for pre in ("", "vendor_")
            for kind in SCORES
            if p.get(f"{pre}cvss_v3_{kind}_score") is not None
        ]
        if used:
            parts = [
                f"{'Vendor' if pre else 'NVD'} CVSSv3 {kind} score: {_best(m.vendor_cvss_v3 if pre else m.nvd_cvss_v3, kind)}"
                for pre, kind in used
            ]
            scores = "(" + ", ".join(parts) + ")"
        return (
            f"{m.severity.upper()} Vulnerability found in {where} package type ({m.package_type}) - {what} "
            f"(fixed in: {fixed}){scores}({m.vulnerability_id} - {m.link or 'None'})"
        )


class StaleFeedDataTrigger(Trigger):
    name = "stale_feed_data"
    description = "Triggers if the CVE data is older than the window specified by the parameter MAXAGE (unit is number of days)."
    params = (
        int_param(
            "max_days_since_sync",
            "Fire the trigger if the last sync was more than this number of days ago.",
            "10",
            required=True,
        ),
    )

    def evaluate(self, ctx: ImageContext, p: dict[str, Any]) -> Iterator[Fired]:
        view = ctx.vulnerabilities
        last = view.last_sync if view is not None else None
        if last is not None and ctx.now - last > timedelta(days=p["max_days_since_sync"]):
            yield Fired(
                f"The vulnerability feed for this image distro is older than MAXAGE ({p['max_days_since_sync']}) days"
            )


class DataUnavailableTrigger(Trigger):
    name = "vulnerability_data_unavailable"
    description = "Triggers if vulnerability data is unavailable for the image's distro packages such as rpms or dpkg. Non-OS packages like npms and java are not considered in this evaluation"

    def evaluate(self, ctx: ImageContext, p: dict[str, Any]) -> Iterator[Fired]:
        view = ctx.vulnerabilities
        if view is None or not view.data_available:
            distro = ctx.analysis.distro
            name = f"{distro.id}:{distro.version_id or ''}" if distro else "unknown"
            yield Fired(f"Feed data unavailable, cannot perform CVE scan for distro: {name}")


class BlacklistTrigger(Trigger):
    name = "blacklist"
    description = "Triggers if any of a list of specified vulnerabilities has been detected in the image."
    params = (
        csv_param(
            "vulnerability_ids",
            "List of vulnerability IDs, will cause the trigger to fire if any are detected.",
            "CVE-2019-1234",
            required=True,
        ),
        bool_param(
            "vendor_only",
            "If set to True, discard matches against this vulnerability if vendor has marked as will not fix in the vulnerability record.",
        ),
    )

    def evaluate(self, ctx: ImageContext, p: dict[str, Any]) -> Iterator[Fired]:
        view = ctx.vulnerabilities
        if view is None:
            return
        wanted, vendor_only = set(p["vulnerability_ids"]), p.get("vendor_only", True)
        found = sorted(
            {
                m.vulnerability_id
                for m in view.matches
                if m.vulnerability_id in wanted and not (vendor_only and m.will_not_fix)
            }
        )
        if found:
            yield Fired(f"Blacklisted vulnerabilities detected: {found}")


GATE = Gate(
    "vulnerabilities",
    "CVE/Vulnerability checks.",
    (PackageTrigger, StaleFeedDataTrigger, DataUnavailableTrigger, BlacklistTrigger),
)
