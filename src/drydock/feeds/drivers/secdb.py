"""Alpine-style "secdb" feeds: Alpine (YAML and JSON) and the apk distros reusing the format.

The format is a list of packages, each mapping a fixed version to the ids it fixes. Vulnerability
records are keyed by id, so entries for one id are gathered across packages *and* files (Alpine
splits a release into ``main`` and ``community``). Version ``0`` means "never affected" and is
kept verbatim, as the matcher treats it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

from drydock.feeds.drivers.base import Driver, register
from drydock.feeds.drivers.io import load_json, load_yaml
from drydock.feeds.records import AffectedPackage, FixState, Record, VersionFormat, Vulnerability

_ID = re.compile(r"^[A-Za-z][A-Za-z0-9]*-[A-Za-z0-9][\w.:-]*$")
_RELEASE = re.compile(r"^v?(\d+\.\d+|edge)$")


class SecdbDriver(Driver):
    """Shared parser; subclasses choose the namespace and advisory link."""

    file_patterns = ("*.yaml", "*.json", "*.json.gz")
    link_template: ClassVar[str]
    #: Some distros link GHSA ids to GitHub's advisory page instead of their own tracker.
    ghsa_links_to_github: ClassVar[bool] = False

    def namespace_for(self, doc: dict[str, Any]) -> str:
        return f"{self.name}:rolling"

    def link_for(self, vuln_id: str) -> str:
        if self.ghsa_links_to_github and vuln_id.startswith("GHSA-"):
            return f"https://github.com/advisories/{vuln_id}"
        return self.link_template.format(id=vuln_id)

    def parse_files(self, files: list[Path]) -> Iterator[Record]:
        by_namespace: dict[str, dict[str, Vulnerability]] = {}
        for path in files:
            for namespace, vuln_id, affected in self.guard_file(path, self._entries):
                records = by_namespace.setdefault(namespace, {})
                vuln = records.get(vuln_id)
                if vuln is None:
                    vuln = records[vuln_id] = Vulnerability(
                        id=vuln_id, namespace=namespace, link=self.link_for(vuln_id)
                    )
                vuln.affected.append(affected)
        for records in by_namespace.values():
            yield from records.values()

    def _entries(self, path: Path) -> Iterator[tuple[str, str, AffectedPackage]]:
        doc = load_yaml(path) if path.suffix in (".yaml", ".yml") else load_json(path)
        # "packages" may be empty (a repo with no fixes yet) but must be there.
        if not isinstance(doc, dict) or "packages" not in doc or not isinstance(doc["packages"] or [], list):
            raise TypeError("not a secdb document (no 'packages' list)")
        namespace = self.namespace_for(doc)
        for index, entry in enumerate(doc.get("packages") or []):
            pkg = entry.get("pkg") if isinstance(entry, dict) else None
            if (
                not isinstance(pkg, dict)
                or not pkg.get("name")
                or not isinstance(pkg.get("secfixes") or {}, dict)
            ):
                self.stats.skip("bad-record", f"{path}: packages[{index}] is not a pkg/secfixes mapping")
                continue
            for version, ids in (pkg.get("secfixes") or {}).items():
                yield from self._fixes(path, namespace, str(pkg["name"]), str(version), ids)

    def _fixes(
        self, path: Path, namespace: str, name: str, version: str, ids: Any
    ) -> Iterator[tuple[str, str, AffectedPackage]]:
        for raw in ids if isinstance(ids, list) else []:
            # Entries look like "CVE-2017-8904 XSA-214" or "CVE-????-????? XSA-295": the first
            # well-formed token is the record id.
            vuln_id = next((t for t in str(raw).split() if _ID.match(t)), None)
            if vuln_id is None:
                self.stats.skip("bad-id", f"{path}: {name} {version}: {raw!r}")
                continue
            affected = AffectedPackage(
                name=name,
                version_format=VersionFormat.APK,
                fixed_versions=[version],
                fix_state=FixState.FIXED,
            )
            yield namespace, vuln_id, affected


@register
class AlpineDriver(SecdbDriver):
    name = "alpine"
    namespaces = ("alpine:*",)
    default_urls = tuple(
        f"https://secdb.alpinelinux.org/v3.{minor}/{repo}.json"
        for minor in range(15, 23)
        for repo in ("main", "community")
    )
    link_template = "https://security.alpinelinux.org/vuln/{id}"

    def namespace_for(self, doc: dict[str, Any]) -> str:
        match = _RELEASE.match(str(doc.get("distroversion", "")))
        if not match:
            raise ValueError(f"unrecognised distroversion {doc.get('distroversion')!r}")
        return f"alpine:{match.group(1)}"


@register
class WolfiDriver(SecdbDriver):
    name = "wolfi"
    namespaces = ("wolfi:rolling",)
    default_urls = ("https://packages.wolfi.dev/os/security.json",)
    link_template = "https://images.chainguard.dev/security/{id}"


@register
class ChainguardDriver(SecdbDriver):
    name = "chainguard"
    namespaces = ("chainguard:rolling",)
    default_urls = ("https://packages.cgr.dev/chainguard/security.json",)
    link_template = "https://images.chainguard.dev/security/{id}"


@register
class MinimosDriver(SecdbDriver):
    name = "minimos"
    namespaces = ("minimos:rolling",)
    default_urls = ("https://packages.mini.dev/advisories/secdb/security.json",)
    link_template = "https://www.cve.org/CVERecord?id={id}"
    ghsa_links_to_github = True


@register
class SecureosDriver(SecdbDriver):
    name = "secureos"
    namespaces = ("secureos:rolling",)
    default_urls = ("https://security.secureos.io/v1/secdb.json.gz",)
    link_template = "https://security.secureos.io/{id}"
    ghsa_links_to_github = True
