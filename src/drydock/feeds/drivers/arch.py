"""Arch Linux security tracker (``https://security.archlinux.org/all.json``): AVG groups.

An AVG groups the CVEs fixed by one package update; it is the record id, like an ELSA/ALAS.
The per-advisory release dates live on separate ASA pages and are not part of this feed.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from drydock.feeds.drivers.base import Driver, register
from drydock.feeds.drivers.io import load_json
from drydock.feeds.records import AffectedPackage, FixState, Record, Severity, VersionFormat, Vulnerability

#: AVG status -> fix state; "Not affected" and "Unknown" groups make no claim.
STATES = {"Fixed": FixState.FIXED, "Vulnerable": FixState.NOT_FIXED, "Testing": FixState.NOT_FIXED}


def avg_records(group: dict[str, Any]) -> list[Vulnerability]:
    state = STATES.get(str(group.get("status")))
    if state is None:
        return []
    fixed = group.get("fixed") if state is FixState.FIXED else None
    if state is FixState.FIXED and not fixed:
        raise ValueError(f"{group.get('name')}: status Fixed without a fixed version")
    issues = [str(i) for i in group.get("issues") or []]
    return [
        Vulnerability(
            id=str(group["name"]),
            namespace="arch:rolling",
            severity=Severity.parse(group.get("severity")),
            description=str(group.get("type") or ""),
            link=f"https://security.archlinux.org/{group['name']}",
            aliases=issues,
            affected=[
                AffectedPackage(
                    name=str(package),
                    version_format=VersionFormat.PACMAN,
                    fixed_versions=[str(fixed)] if fixed else [],
                    affected_versions=[str(group["affected"])] if group.get("affected") else [],
                    fix_state=state,
                )
                for package in group["packages"]
            ],
            metadata={
                "advisories": [str(a) for a in group.get("advisories") or []],
                "cve_links": {c: f"https://nvd.nist.gov/vuln/detail/{c}" for c in issues},
            },
        )
    ]


@register
class ArchDriver(Driver):
    name = "arch"
    namespaces = ("arch:rolling",)
    default_urls = ("https://security.archlinux.org/all.json",)

    def parse_file(self, path: Path) -> Iterator[Record]:
        groups = load_json(path)
        if not isinstance(groups, list):
            raise TypeError("Arch tracker data is a JSON list of AVG groups")
        yield from self.convert_each(groups, avg_records, str(path))
