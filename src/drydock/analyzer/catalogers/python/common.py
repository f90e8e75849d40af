"""Naming, PURLs and package construction shared by the Python parsers."""

from __future__ import annotations

import re
from typing import Any

from drydock.analyzer.catalogers.lang_package import language_package
from drydock.analyzer.catalogers.purl_util import package_url
from drydock.analyzer.model import License, Location, Package, PackageType

_NAME_RUNS = re.compile(r"[-_.]+")
_EXTRAS = re.compile(r"\[[^\]]*\]")


def normalize_name(name: str) -> str:
    """PEP 503 normalisation: how pip, PyPI and vulnerability feeds key a distribution."""
    return _NAME_RUNS.sub("-", name.strip()).lower()


def package_ref(name: str, extra: str = "") -> str:
    """The resource string a package provides/requires in dependency resolution."""
    base = normalize_name(name)
    return f"{base}[{normalize_name(extra)}]" if extra else base


def requirement_name(spec: str) -> str:
    """The distribution name at the start of a PEP 508 requirement string."""
    m = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)", spec)
    return normalize_name(m.group(1)) if m else ""


def pypi_purl(name: str, version: str, vcs_url: str = "") -> str:
    """``pkg:pypi/name@version`` with qualifier values percent-encoded as syft does."""
    return package_url("pypi", name, version, qualifiers={"vcs_url": vcs_url})


def vcs_url(direct_url: dict[str, Any]) -> str:
    """``<vcs>+<url>@<commit>`` from a PythonDirectURLOriginInfo (empty without VCS info)."""
    vcs, url, commit = direct_url.get("VCS"), direct_url.get("URL"), direct_url.get("CommitID")
    if not (vcs and url):
        return ""
    return f"{vcs}+{url}" + (f"@{commit}" if commit else "")


def new_package(
    name: str,
    version: str,
    found_by: str,
    locations: list[Location],
    metadata_type: str | None = None,
    metadata: dict[str, Any] | None = None,
    licenses: list[License] | None = None,
) -> Package:
    metadata = metadata or {}
    norm = normalize_name(name)
    purl = pypi_purl(norm, version, vcs_url(metadata.get("DirectURLOrigin") or {}))
    return language_package(
        norm,
        version,
        PackageType.PYTHON,
        "python",
        found_by,
        locations,
        purl,
        metadata_type,
        metadata,
        licenses,
    )


def strip_extras(name: str) -> str:
    return _EXTRAS.sub("", name).strip()
