"""Distro → feed namespace candidates, most specific first.

An image's os-release says ``rocky 9.3`` or ``alpine 3.18.4``; the feeds are published per
``rhel:9`` and ``alpine:3.18``. The matcher walks the candidates and uses the first one that
has records (Anchore's DistroMapping fallback), so a point release or a rebuild distro still
finds its parent's data.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from drydock.analyzer.model import Distro

#: os-release ID → namespace distro (Anchore's distro_mappings plus grype's rebuild aliases).
DEFAULT_DISTRO_MAP: Mapping[str, str] = {
    "debian": "debian",
    "ubuntu": "ubuntu",
    "rhel": "rhel",
    "redhat": "rhel",
    "centos": "rhel",
    "rocky": "rhel",
    "almalinux": "rhel",
    "alma": "rhel",
    "ol": "ol",
    "oracle": "ol",
    "amzn": "amzn",
    "sles": "sles",
    "sled": "sles",
    "sles_sap": "sles",
    "opensuse-leap": "opensuse-leap",
    "alpine": "alpine",
    "wolfi": "wolfi",
    "chainguard": "chainguard",
    "mariner": "mariner",
    "azurelinux": "azurelinux",
}

#: Distros whose own advisories (OSV) are preferred over the parent's when present.
OWN_NAMESPACE = {"almalinux": "almalinux", "alma": "almalinux", "rocky": "rocky"}
ROLLING = frozenset({"wolfi", "chainguard", "minimos", "secureos"})
_NUMBERS = re.compile(r"^(\d+)(?:\.(\d+))?")


@dataclass(frozen=True, slots=True)
class NamespaceResolver:
    """Configurable mapping; ``rhel_eus`` tries ``rhel:N.M+eus`` before ``rhel:N``."""

    distro_map: Mapping[str, str] = field(default_factory=lambda: dict(DEFAULT_DISTRO_MAP))
    rhel_eus: bool = False

    def target(self, distro: Distro) -> str | None:
        for candidate in (distro.id, *distro.id_like):
            mapped = self.distro_map.get(candidate.lower())
            if mapped:
                return mapped
        return None

    def candidates(self, distro: Distro | None) -> list[str]:
        """Namespaces to try in order; empty when the distro is unknown."""
        if distro is None:
            return []
        target = self.target(distro)
        if target is None:
            return []
        if target in ROLLING:
            return [f"{target}:rolling"]
        version = (distro.version_id or "").strip()
        out: list[str] = []
        own = OWN_NAMESPACE.get(distro.id.lower())
        major, minor = _split(version)
        if own and major:
            out.append(f"{own}:{major}")
        out.extend(_VERSIONED.get(target, _generic)(self, target, version, major, minor, distro))
        return list(dict.fromkeys(out))


def _split(version: str) -> tuple[str | None, str | None]:
    m = _NUMBERS.match(version)
    return (m.group(1), m.group(2)) if m else (None, None)


def _generic(resolver: NamespaceResolver, target: str, version: str, major: str | None, minor: str | None, distro: Distro) -> list[str]:
    out = [f"{target}:{version}"] if version else []
    if major and minor:
        out.append(f"{target}:{major}.{minor}")
    if major:
        out.append(f"{target}:{major}")
    return out


def _debian(resolver: NamespaceResolver, target: str, version: str, major: str | None, minor: str | None, distro: Distro) -> list[str]:
    # testing/sid images have no VERSION_ID; their data is published as debian:unstable.
    return [f"debian:{major}"] if major else ["debian:unstable"]


def _rhel(resolver: NamespaceResolver, target: str, version: str, major: str | None, minor: str | None, distro: Distro) -> list[str]:
    if not major:
        return []
    eus = [f"rhel:{major}.{minor}+eus"] if resolver.rhel_eus and minor else []
    return [*eus, f"rhel:{major}"]


def _major_only(resolver: NamespaceResolver, target: str, version: str, major: str | None, minor: str | None, distro: Distro) -> list[str]:
    return [f"{target}:{major}"] if major else []


def _alpine(resolver: NamespaceResolver, target: str, version: str, major: str | None, minor: str | None, distro: Distro) -> list[str]:
    if major and minor and "_" not in version:
        return [f"alpine:{major}.{minor}"]
    return ["alpine:edge"]


def _ubuntu(resolver: NamespaceResolver, target: str, version: str, major: str | None, minor: str | None, distro: Distro) -> list[str]:
    return [f"ubuntu:{major}.{minor}"] if major and minor else []


_VERSIONED = {
    "debian": _debian,
    "rhel": _rhel,
    "ol": _major_only,
    "amzn": _major_only,
    "alpine": _alpine,
    "ubuntu": _ubuntu,
}
