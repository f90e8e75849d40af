"""Distros publishing OVAL: Oracle Linux (ELSA), SUSE Linux Enterprise, CBL-Mariner/Azure Linux.

They share the OVAL reader; they differ in how a criterion names the platform, what the record
id is (advisory for Oracle, CVE for the others) and which dates they publish.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar
from xml.etree.ElementTree import ParseError

from drydock.feeds.cvss_scores import score_vector
from drydock.feeds.drivers.base import DATA_ERRORS, Driver, register
from drydock.feeds.drivers.io import xml_bytes_recovering
from drydock.feeds.drivers.oval import CriteriaEvaluator, Criterion, Definition, PackageFix, read_oval
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

_CVE = re.compile(r"CVE-\d{4}-\d+")
#: Lower bounds before upper bounds, so ranges read "> a, < b" whatever the criteria order.
_BOUND_ORDER = {">": 0, ">=": 0, "<": 1, "<=": 1}


class OvalDistroDriver(Driver):
    file_patterns: ClassVar[tuple[str, ...]] = ("*.xml", "*.xml.gz", "*.xml.bz2", "mock_*")
    #: vunnel renders Mariner's constraints as VulnerableRange text; others publish none.
    render_ranges: ClassVar[bool] = False
    #: Comment of a "package is installed" criterion meaning "all versions vulnerable" (or None).
    unpatched: ClassVar[re.Pattern[str] | None] = None

    def platform_of(self, criterion: Criterion) -> str | None:
        return None

    def default_namespace(self, path: Path) -> str | None:
        return None

    def ids(self, definition: Definition) -> list[str]:
        raise NotImplementedError

    def link_for(self, definition: Definition, vuln_id: str) -> str | None:
        return next((url for _, ref_id, url in definition.references if ref_id == vuln_id), None)

    def describe(self, definition: Definition, vuln_id: str, namespace: str) -> Vulnerability:
        return Vulnerability(
            id=vuln_id,
            namespace=namespace,
            severity=Severity.parse(definition.severity),
            description=definition.description,
            link=self.link_for(definition, vuln_id),
            published=definition.issued,
            modified=definition.updated,
        )

    def fix_date(self, definition: Definition) -> str | None:
        return definition.issued

    def advisories(self, definition: Definition) -> list[Advisory]:
        return []

    def parse_file(self, path: Path) -> Iterator[Record]:
        try:
            doc = read_oval(path)  # streamed: vendor OVAL files reach hundreds of MB
        except ParseError:
            data, repaired = xml_bytes_recovering(path)
            if not repaired:
                raise
            self.stats.note_repaired(path)
            doc = read_oval(data)
        evaluator = CriteriaEvaluator(doc, self.platform_of, self.unpatched)
        default_ns = self.default_namespace(path)
        records: dict[tuple[str, str], Vulnerability] = {}
        for definition in doc.definitions:
            try:
                self._add(records, definition, evaluator, default_ns)
            except DATA_ERRORS as exc:
                self.stats.skip("bad-record", f"{path}: {definition.id}: {type(exc).__name__}: {exc}")
        yield from records.values()

    def _add(
        self,
        records: dict[tuple[str, str], Vulnerability],
        definition: Definition,
        evaluator: CriteriaEvaluator,
        default_ns: str | None,
    ) -> None:
        ids = self.ids(definition)
        if not ids:
            raise ValueError(f"{definition.id}: no advisory or CVE id")
        for fix in evaluator.fixes(definition):
            namespace = fix.namespace or default_ns
            if not namespace:
                continue
            for vuln_id in ids:
                vuln = records.get((namespace, vuln_id))
                if vuln is None:
                    vuln = records[(namespace, vuln_id)] = self.describe(definition, vuln_id, namespace)
                affected = self._affected(fix, definition)
                if affected not in vuln.affected:  # several channels (LTSS, BCL) of one release
                    vuln.affected.append(affected)

    def _affected(self, fix: PackageFix, definition: Definition) -> AffectedPackage:
        constraints = sorted(fix.constraints, key=lambda c: _BOUND_ORDER.get(c.op, 2))
        fixed = [c.version for c in constraints if c.op == "<"]
        date = self.fix_date(definition)
        return AffectedPackage(
            name=fix.name,
            version_format=VersionFormat.RPM,
            fixed_versions=fixed,
            vulnerable_ranges=[constraints] if self.render_ranges or not fixed else [],
            raw_range=", ".join(f"{c.op} {c.version}" for c in constraints) if self.render_ranges else None,
            fix_state=FixState.FIXED if fixed else FixState.NOT_FIXED,
            advisories=self.advisories(definition) if fixed else [],
            # "fixed in 0" means never affected: there is no fix to date.
            fix_available=FixAvailability(date[:10], "advisory")
            if fixed and fixed != ["0"] and date
            else None,
            arch=fix.arch,
        )


@register
class OracleDriver(OvalDistroDriver):
    name = "oracle"
    namespaces = ("ol:*",)
    default_urls = ("https://linux.oracle.com/security/oval/com.oracle.elsa-all.xml.bz2",)
    _PLATFORM = re.compile(r"^Oracle Linux (\d+) is installed$")

    def platform_of(self, criterion: Criterion) -> str | None:
        match = self._PLATFORM.match(criterion.comment)
        return f"ol:{match.group(1)}" if match else None

    def ids(self, definition: Definition) -> list[str]:
        elsa = next((ref_id for source, ref_id, _ in definition.references if source.lower() == "elsa"), None)
        return [elsa] if elsa else []

    def describe(self, definition: Definition, vuln_id: str, namespace: str) -> Vulnerability:
        vuln = super().describe(definition, vuln_id, namespace)
        cves = [(ref_id, url) for source, ref_id, url in definition.references if source == "CVE"]
        vuln.aliases = [c for c, _ in cves]
        vuln.metadata = {"ref_id": vuln_id, "cve_links": {c: url for c, url in cves if url}}
        return vuln


@register
class SlesDriver(OvalDistroDriver):
    name = "sles"
    namespaces = ("sles:*",)
    default_urls = tuple(
        f"https://ftp.suse.com/pub/projects/security/oval/suse.linux.enterprise.server.{v}.xml.gz"
        for v in (12, 15)
    )
    _PRODUCT = re.compile(r"^SUSE Linux Enterprise (.+?) is installed$")
    #: "Server 15", "Server 15-LTSS", "Server 15 SP1-BCL" (suffixes are support channels).
    _SERVER = re.compile(r"^Server (\d+)(?: SP(\d+))?(?:-[A-Z]+)?$")

    def platform_of(self, criterion: Criterion) -> str | None:
        product = self._PRODUCT.match(criterion.comment)
        if product is None:
            return None
        server = self._SERVER.match(product.group(1))
        if server is None:
            return ""  # another SUSE product (Desktop, HPC, modules): a platform, not ours
        return f"sles:{server.group(1)}" + (f".{server.group(2)}" if server.group(2) else "")

    def ids(self, definition: Definition) -> list[str]:
        return _CVE.findall(definition.title)[:1]

    def link_for(self, definition: Definition, vuln_id: str) -> str | None:
        return f"https://www.suse.com/security/cve/{vuln_id}"

    def describe(self, definition: Definition, vuln_id: str, namespace: str) -> Vulnerability:
        vuln = super().describe(definition, vuln_id, namespace)
        vuln.cvss = [c for v in dict.fromkeys(definition.cvss_vectors) if (c := score_vector(v, "suse"))]
        return vuln


@register
class MarinerDriver(OvalDistroDriver):
    name = "mariner"
    namespaces = ("mariner:*", "azurelinux:*")
    default_urls = (
        "https://raw.githubusercontent.com/microsoft/CBL-MarinerVulnerabilityData/main/cbl-mariner-2.0-oval.xml",
        "https://raw.githubusercontent.com/microsoft/AzureLinuxVulnerabilityData/main/azurelinux-3.0-oval.xml",
    )
    render_ranges = True
    _FILE = re.compile(r"(mariner|azure-?linux)\D*?(\d+\.\d+)", re.IGNORECASE)

    def default_namespace(self, path: Path) -> str | None:
        match = self._FILE.search(path.name)
        if match is None:
            raise ValueError(f"cannot tell the Mariner/Azure Linux release from file name {path.name!r}")
        distro = "mariner" if match.group(1).lower() == "mariner" else "azurelinux"
        return f"{distro}:{match.group(2)}"

    def ids(self, definition: Definition) -> list[str]:
        return [ref_id for source, ref_id, _ in definition.references if source == "CVE"][:1]

    def fix_date(self, definition: Definition) -> str | None:
        return definition.advisory_date


@register
class RhelOvalDriver(OvalDistroDriver):
    """Red Hat OVAL v2 per-product-stream files (``*-including-unpatched.oval.xml``).

    Red Hat retired OVAL for vulnerability data in favour of CSAF/VEX (the ``rhel`` driver); this
    reads archived or mirrored streams. Records are keyed by CVE like the ``rhel`` driver's, the
    RHSA of a patch definition becomes the fix's advisory.
    """

    name = "rhel-oval"
    namespaces = ("rhel:*",)
    default_urls = (
        "https://security.access.redhat.com/data/oval/v2/RHEL9/rhel-9-including-unpatched.oval.xml.bz2",
    )
    file_patterns = ("*.oval.xml", "*.oval.xml.bz2")
    unpatched = re.compile(r"^(\S+) is installed$")
    _PLATFORM = re.compile(r"^Red Hat Enterprise Linux (\d+) is installed$")

    def platform_of(self, criterion: Criterion) -> str | None:
        if criterion.comment == "Red Hat Enterprise Linux must be installed":
            return ""  # a platform check naming no release
        match = self._PLATFORM.match(criterion.comment)
        return f"rhel:{match.group(1)}" if match else None

    def ids(self, definition: Definition) -> list[str]:
        cves = [ref_id for source, ref_id, _ in definition.references if source == "CVE"]
        return cves or _CVE.findall(definition.title)[:1]

    def link_for(self, definition: Definition, vuln_id: str) -> str | None:
        return f"https://access.redhat.com/security/cve/{vuln_id}"

    def advisories(self, definition: Definition) -> list[Advisory]:
        return [Advisory(ref_id, url) for source, ref_id, url in definition.references if source == "RHSA"]
