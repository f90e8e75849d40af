"""Red Hat Enterprise Linux: Security Data API (Hydra) CVE JSON and CSAF 2.0 advisories/VEX.

Hydra CVE documents list fixed builds (``affected_release``) and per-package states
(``package_state``: affected, will not fix, not affected, ...) for every product; only RHEL
itself (``rhel:N``) and its Extended Update Support streams (``rhel:N.M+eus``) are kept.
CSAF documents express the same facts as product ids joined through ``relationships``; the
package coordinates come from their purls.
"""

from __future__ import annotations

import csv
import dataclasses
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import httpx
from packageurl import PackageURL

from drydock.feeds.cvss_scores import score_vector
from drydock.feeds.drivers.base import DEFAULT_TIMEOUT, Driver, download, log, register
from drydock.feeds.drivers.io import decode_recovering, is_archive, iter_archive_members, load_json
from drydock.feeds.records import (
    Advisory,
    AffectedPackage,
    FixAvailability,
    FixState,
    Record,
    Severity,
    VersionFormat,
    Vulnerability,
)

_RELEASE = re.compile(r"^Red Hat Enterprise Linux (\d+)$")
_EUS = re.compile(r"^Red Hat Enterprise Linux (\d+\.\d+) Extended Update Support$")
_CPE = re.compile(r"^cpe:/[ao]:redhat:(enterprise_linux|rhel_eus):(\d+(?:\.\d+)?)")
ERRATA = "https://access.redhat.com/errata/"

#: Hydra package_state -> fix state; absent states ("New", "Under investigation") give no entry.
PACKAGE_STATES = {
    "Affected": FixState.NOT_FIXED,
    "Fix deferred": FixState.NOT_FIXED,
    "Will not fix": FixState.WONT_FIX,
    "Out of support scope": FixState.WONT_FIX,
    "Not affected": FixState.FIXED,  # recorded as "fixed since version 0"
}


def product_namespace(product_name: str | None) -> str | None:
    if not product_name:
        return None
    if release := _RELEASE.match(product_name):
        return f"rhel:{release.group(1)}"
    if eus := _EUS.match(product_name):
        return f"rhel:{eus.group(1)}+eus"
    return None


def split_package(package: str) -> tuple[str, str | None]:
    """Hydra package strings -> (name, epoch:version-release).

    Seen forms: ``name-1:2.3-4.el8`` (epoch in the middle), ``1:name-2.3-4`` (epoch first),
    ``name-2.3-4`` (no epoch) and module streams ``nodejs:12-...`` (no usable version).
    """
    head, sep, tail = package.partition(":")
    if sep and head.isdigit():
        parts = tail.rsplit("-", 2)
        return (parts[0], f"{head}:{parts[1]}-{parts[2]}") if len(parts) == 3 else (tail, None)
    if sep:
        name, _, epoch = head.rpartition("-")
        return (name, f"{epoch}:{tail}") if name and epoch.isdigit() else (head, None)
    parts = package.rsplit("-", 2)
    return (parts[0], f"{parts[1]}-{parts[2]}") if len(parts) == 3 else (package, None)


def _split_module(package_name: str) -> tuple[str, str | None]:
    """``python38:3.8/python-lxml`` -> (``python-lxml``, ``python38:3.8``)."""
    module, sep, name = package_name.partition("/")
    return (name, module) if sep else (package_name, None)


class HydraParser:
    def __init__(self, driver: Driver) -> None:
        self.stats = driver.stats

    def records(self, doc: dict[str, Any]) -> Iterator[Vulnerability]:
        cve = str(doc["name"])
        by_namespace: dict[str, Vulnerability] = {}

        def record(namespace: str) -> Vulnerability:
            if namespace not in by_namespace:
                by_namespace[namespace] = self._vulnerability(doc, cve, namespace)
            return by_namespace[namespace]

        for item in doc.get("affected_release") or []:
            namespace = product_namespace(item.get("product_name"))
            if namespace is None:
                continue
            name, version = split_package(str(item.get("package") or ""))
            if not version:
                self.stats.skip("no-fix-version", f"{cve}: {namespace} package {item.get('package')!r}")
                continue
            advisory = item.get("advisory")
            vuln = record(namespace)
            existing = next((a for a in vuln.affected if a.name == name and a.module is None), None)
            if existing is not None:  # several builds fix one package (e.g. async errata): keep all
                existing.fixed_versions.append(version)
                continue
            vuln.affected.append(
                AffectedPackage(
                    name=name,
                    version_format=VersionFormat.RPM,
                    fixed_versions=[version],
                    fix_state=FixState.FIXED,
                    advisories=[Advisory(advisory, ERRATA + advisory)] if advisory else [],
                    fix_available=_date(item.get("release_date")),
                )
            )
        for item in doc.get("package_state") or []:
            namespace = product_namespace(item.get("product_name"))
            state = PACKAGE_STATES.get(str(item.get("fix_state")))
            if namespace is None or state is None or not item.get("package_name"):
                continue
            name, module = _split_module(str(item["package_name"]))
            if module and module.endswith(":flatpak"):
                continue
            record(namespace).affected.append(
                AffectedPackage(
                    name=name,
                    version_format=VersionFormat.RPM,
                    fixed_versions=["0"] if state is FixState.FIXED else [],
                    fix_state=state,
                    no_advisory=state is FixState.WONT_FIX,  # Red Hat will publish no erratum
                    module=module,
                )
            )
        yield from by_namespace.values()

    @staticmethod
    def _vulnerability(doc: dict[str, Any], cve: str, namespace: str) -> Vulnerability:
        details = doc.get("details") or []
        cvss3 = doc.get("cvss3") or {}
        scored = (
            score_vector(cvss3["cvss3_scoring_vector"], "redhat")
            if cvss3.get("cvss3_scoring_vector")
            else None
        )
        if scored is not None and cvss3.get("status"):
            scored = dataclasses.replace(scored, status=str(cvss3["status"]))
        return Vulnerability(
            id=cve,
            namespace=namespace,
            severity=Severity.parse(doc.get("threat_severity")),
            description=str(details[-1]) if details else "",
            link=f"https://access.redhat.com/security/cve/{cve}",
            cvss=[scored] if scored else [],
            references=[str(r) for r in doc.get("references") or []],
            published=doc.get("public_date"),
            metadata={"cwe": doc["cwe"]} if doc.get("cwe") else {},
        )


def _date(value: Any) -> FixAvailability | None:
    return FixAvailability(str(value)[:10], "advisory") if value else None


def cpe_namespace(cpe: str | None) -> str | None:
    match = _CPE.match(cpe or "")
    if match is None:
        return None
    kind, release = match.groups()
    if kind == "rhel_eus":
        return f"rhel:{release}+eus"
    return f"rhel:{release.split('.')[0]}"


class CsafParser:
    """CSAF 2.0 (RHSA advisories and VEX): product ids -> (platform CPE, package purl)."""

    def __init__(self, driver: Driver) -> None:
        self.stats = driver.stats

    def records(self, doc: dict[str, Any]) -> Iterator[Vulnerability]:
        tracking = doc["document"]["tracking"]
        advisory_id = str(tracking["id"])
        advisory = Advisory(advisory_id, ERRATA + advisory_id) if advisory_id.startswith("RH") else None
        products = _product_helpers(doc.get("product_tree") or {})
        joins = {
            r["full_product_name"]["product_id"]: (r["product_reference"], r["relates_to_product_reference"])
            for r in (doc.get("product_tree") or {}).get("relationships") or []
        }
        for vuln in doc.get("vulnerabilities") or []:
            if not vuln.get("cve"):
                continue
            by_namespace: dict[str, Vulnerability] = {}
            for status, state in (("fixed", FixState.FIXED), ("known_affected", FixState.NOT_FIXED)):
                for pid in (vuln.get("product_status") or {}).get(status) or []:
                    component, platform = joins.get(pid, (None, None))
                    namespace = cpe_namespace(products.get(platform or "", {}).get("cpe"))
                    purl = products.get(component or "", {}).get("purl")
                    if namespace is None or not purl:
                        continue
                    affected = _purl_affected(purl, state, advisory, tracking.get("initial_release_date"))
                    if affected is None:
                        continue
                    record = by_namespace.get(namespace) or by_namespace.setdefault(
                        namespace, _csaf_vulnerability(vuln, namespace)
                    )
                    if not any(
                        (a.name, a.module) == (affected.name, affected.module) for a in record.affected
                    ):
                        record.affected.append(affected)
            yield from by_namespace.values()


def _product_helpers(tree: dict[str, Any]) -> dict[str, dict[str, str]]:
    """product_id -> product_identification_helper (cpe / purl), from the nested branches."""
    found: dict[str, dict[str, str]] = {}
    stack = list(tree.get("branches") or [])
    while stack:
        branch = stack.pop()
        stack.extend(branch.get("branches") or [])
        product = branch.get("product")
        if product and product.get("product_id"):
            found[product["product_id"]] = product.get("product_identification_helper") or {}
    return found


def _purl_affected(
    purl: str, state: FixState, advisory: Advisory | None, date: str | None
) -> AffectedPackage | None:
    parsed = PackageURL.from_string(purl)
    if parsed.type != "rpm":
        return None
    qualifiers = parsed.qualifiers if isinstance(parsed.qualifiers, dict) else {}
    version = unquote(parsed.version) if parsed.version else None
    if version and qualifiers.get("epoch"):
        version = f"{qualifiers['epoch']}:{version}"
    elif version:
        version = f"0:{version}"
    module = qualifiers.get("rpmmod")
    if state is FixState.FIXED and version is None:
        return None  # "fixed" without a version cannot be matched
    fixed = state is FixState.FIXED
    return AffectedPackage(
        name=parsed.name,
        version_format=VersionFormat.RPM,
        fixed_versions=[version] if fixed and version else [],
        fix_state=state,
        advisories=[advisory] if advisory and fixed else [],
        fix_available=_date(date) if fixed else None,
        module=":".join(module.split(":")[:2]) if module else None,
        purl=purl,
    )


def _csaf_vulnerability(vuln: dict[str, Any], namespace: str) -> Vulnerability:
    cve = str(vuln["cve"])
    impact = next(
        (t.get("details") for t in vuln.get("threats") or [] if t.get("category") == "impact"), None
    )
    vectors = [
        s["cvss_v3"]["vectorString"]
        for s in vuln.get("scores") or []
        if (s.get("cvss_v3") or {}).get("vectorString")
    ]
    notes = [n.get("text", "") for n in vuln.get("notes") or [] if n.get("category") == "description"]
    return Vulnerability(
        id=cve,
        namespace=namespace,
        severity=Severity.parse(impact),
        description=notes[0] if notes else "",
        link=f"https://access.redhat.com/security/cve/{cve}",
        cvss=[c for v in dict.fromkeys(vectors) if (c := score_vector(v, "redhat"))],
        published=vuln.get("release_date"),
    )


def _doc_key(name: str) -> str:
    """``.../2024/rhsa-2024_0010.json`` -> ``2024/rhsa-2024_0010.json`` (how changes/deletions name them)."""
    return "/".join(name.replace("\\", "/").split("/")[-2:])


def _listed_paths(path: Path) -> set[str]:
    """First column of Red Hat's ``changes.csv`` / ``deletions.csv`` (``"2024/x.json","<date>"``)."""
    with path.open(newline="", encoding="utf-8") as fh:
        return {row[0] for row in csv.reader(fh) if row}


def merge_into(records: dict[tuple[str, str], Vulnerability], vuln: Vulnerability) -> None:
    """One record per (namespace, CVE): several advisories (firefox, thunderbird, ...) fix one CVE."""
    existing = records.get((vuln.namespace, vuln.id))
    if existing is None:
        records[(vuln.namespace, vuln.id)] = vuln
        return
    existing.affected += [a for a in vuln.affected if a not in existing.affected]
    existing.severity = Severity.highest(existing.severity, vuln.severity)
    existing.cvss += [c for c in vuln.cvss if c not in existing.cvss]


@register
class RhelDriver(Driver):
    """Hydra CVE files and CSAF advisories, loose or as Red Hat's dated ``.tar.zst`` archive.

    A CSAF mirror is ``archive_latest.txt`` -> ``csaf_advisories_<date>.tar.zst`` plus the
    advisories changed since (``changes.csv``) and removed (``deletions.csv``): loose files
    override archive members of the same name, deleted advisories are dropped.
    """

    name = "rhel"
    namespaces = ("rhel:*", "rhel:*+eus")
    default_urls = ("https://security.access.redhat.com/data/csaf/v2/advisories/archive_latest.txt",)
    file_patterns = ("*.json", "CVE-*", "*.tar.zst", "deletions.csv")

    def fetch(self, workspace: Path, client: httpx.Client) -> list[Path]:
        """Latest CSAF archive + every advisory changed on or after its date + the deletions list.

        (Hydra is one request per CVE, ~300k of them; CSAF is the bulk source.)
        """
        target = workspace / "input"
        target.mkdir(parents=True, exist_ok=True)
        base = self.urls[0].rsplit("/", 1)[0]
        response = client.get(self.urls[0], timeout=DEFAULT_TIMEOUT)
        response.raise_for_status()
        latest = response.text.strip()
        if not re.fullmatch(r"csaf_advisories_(\d{4}-\d{2}-\d{2})\.tar\.zst", latest):
            raise ValueError(f"unexpected archive name {latest!r}")
        fetched = [download(client, f"{base}/{latest}", target / latest)]
        archive_date = latest.removeprefix("csaf_advisories_")[:10]
        changes = download(client, f"{base}/changes.csv", target / "changes.csv")
        fetched.append(download(client, f"{base}/deletions.csv", target / "deletions.csv"))
        with changes.open(newline="", encoding="utf-8") as fh:
            for row in csv.reader(fh):
                if (
                    len(row) == 2
                    and row[1][:10] >= archive_date
                    and re.fullmatch(r"\d{4}/[\w.-]+\.json", row[0])
                ):
                    try:
                        fetched.append(download(client, f"{base}/{row[0]}", target / "changes" / row[0]))
                    except httpx.HTTPStatusError as exc:  # listed but gone (e.g. deleted meanwhile)
                        log.warning("skipping changed advisory %s: %s", row[0], exc)
        return fetched

    def parse_files(self, files: list[Path]) -> Iterator[Record]:
        deleted = set().union(*(_listed_paths(p) for p in files if p.name == "deletions.csv"))
        archives = [p for p in files if is_archive(p)]
        loose = [p for p in files if p not in archives and p.name != "deletions.csv"]
        overridden = {_doc_key(str(p)) for p in loose}
        records: dict[tuple[str, str], Vulnerability] = {}
        for archive in archives:
            for vuln in self.guard_file(archive, lambda a: self._archive(a, deleted | overridden)):
                merge_into(records, vuln)
        for path in loose:
            if _doc_key(str(path)) in deleted:
                continue
            for vuln in self.guard_file(path, lambda p: self.records_for(load_json(p), str(p))):
                merge_into(records, vuln)
        yield from records.values()

    def _archive(self, path: Path, skip: set[str]) -> Iterator[Vulnerability]:
        for name, data in iter_archive_members(path, (".json",)):
            where = f"{path}!{name}"
            if _doc_key(name) in skip:
                continue
            if data is None:
                self.stats.skip("oversized-member", where)
                continue
            try:
                doc = json.loads(decode_recovering(data)[0])
            except ValueError as exc:
                self.stats.skip("bad-file", f"{where}: {exc}")
                continue
            yield from self.records_for(doc, where)

    def records_for(self, doc: Any, where: str) -> Iterator[Vulnerability]:
        if isinstance(doc, dict) and "document" in doc and "product_tree" in doc:
            parser: HydraParser | CsafParser = CsafParser(self)
        elif isinstance(doc, dict) and str(doc.get("name", "")).startswith("CVE-"):
            parser = HydraParser(self)
        elif isinstance(doc, list):
            self.stats.skip("index-file", f"{where}: Hydra CVE listing (per-CVE documents hold the data)")
            return
        else:
            raise ValueError("neither a Hydra CVE document nor a CSAF document")
        yield from self.convert_each([doc], parser.records, where)  # type: ignore[misc]
