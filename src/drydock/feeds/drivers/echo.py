"""Echo (hardened Debian-based images): ``{package: {CVE: {"fixed_version": ...}}}``.

An empty object means the CVE affects the package and no fix is published yet.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from drydock.feeds.drivers.base import Driver, register
from drydock.feeds.drivers.io import load_json
from drydock.feeds.records import AffectedPackage, FixState, Record, VersionFormat, Vulnerability

NAMESPACE = "echo:rolling"


@register
class EchoDriver(Driver):
    name = "echo"
    namespaces = (NAMESPACE,)
    default_urls = ("https://advisory.echohq.com/data.json",)

    def parse_file(self, path: Path) -> Iterator[Record]:
        data = load_json(path)
        if not isinstance(data, dict):
            raise TypeError("Echo data is a JSON object keyed by package")
        records: dict[str, Vulnerability] = {}
        for package, cves in data.items():
            if not isinstance(cves, dict):
                self.stats.skip("bad-record", f"{path}: package {package!r} is not a mapping")
                continue
            for cve, info in cves.items():
                fixed = (info or {}).get("fixed_version") if isinstance(info, dict) else None
                vuln = records.get(cve) or records.setdefault(cve, _vulnerability(cve))
                vuln.affected.append(
                    AffectedPackage(
                        name=package,
                        version_format=VersionFormat.DPKG,
                        fixed_versions=[str(fixed)] if fixed else [],
                        fix_state=FixState.FIXED if fixed else FixState.NOT_FIXED,
                    )
                )
        yield from records.values()


def _vulnerability(cve: str) -> Vulnerability:
    return Vulnerability(id=cve, namespace=NAMESPACE, link=f"https://www.cve.org/CVERecord?id={cve}")
