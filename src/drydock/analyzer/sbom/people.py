"""Who supplied or authored a package, from the cataloger's metadata.

SPDX distinguishes the supplier (the distribution that packaged it: dpkg/apk maintainer, rpm
vendor) from the originator (the upstream author of a language package); CycloneDX has
``publisher``/``author``. The metadata keys are syft's, so this works for every cataloger
that follows the model's conventions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from drydock.analyzer.model import Package

_NAME_EMAIL = re.compile(r"^\s*(?P<name>[^<>]*?)\s*<(?P<email>[^<>\s]+@[^<>\s]+)>")


@dataclass(frozen=True, slots=True)
class Party:
    name: str
    email: str | None = None
    organization: bool = False

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>" if self.email else self.name


def parse_party(value: Any, *, organization: bool = False) -> Party | None:
    """``"Jane Doe <jane@example.org>"`` or ``{"name": ..., "email": ...}`` (composer, npm) →
    Party; the first usable entry of a list; None if blank."""
    if isinstance(value, list):
        return next((p for p in (parse_party(v, organization=organization) for v in value) if p), None)
    if isinstance(value, dict):
        name, email = value.get("name"), value.get("email")
        if not isinstance(name, str) or not name.strip():
            return None
        return Party(
            " ".join(name.split()), email if isinstance(email, str) and "@" in email else None, organization
        )
    if not isinstance(value, str) or not value.strip():
        return None
    match = _NAME_EMAIL.match(value)
    if match and match["name"]:
        return Party(match["name"], match["email"], organization)
    if match:
        return Party(match["email"], match["email"], organization)
    return Party(" ".join(value.split()), None, organization)


def supplier(package: Package) -> Party | None:
    """The distributor of an OS package (maintainer, or the rpm vendor organization)."""
    if not package.type.is_os:
        return None
    meta = package.metadata or {}
    return parse_party(meta.get("maintainer")) or parse_party(meta.get("vendor"), organization=True)


def originator(package: Package) -> Party | None:
    """The upstream author of a language package."""
    if package.type.is_os:
        return None
    meta = package.metadata or {}
    party = parse_party(meta.get("author")) or parse_party(meta.get("authors"))
    email = meta.get("authorEmail")  # python metadata keeps the address apart
    if party and not party.email and isinstance(email, str) and "@" in email:
        party = Party(party.name, email.strip())
    return party
