"""Crate PURLs and package construction shared by the Rust parsers."""

from __future__ import annotations

from typing import Any

from drydock.analyzer.catalogers.lang_package import language_package
from drydock.analyzer.catalogers.purl_util import package_url
from drydock.analyzer.model import Package, PackageType


def cargo_purl(name: str, version: str) -> str:
    return package_url("cargo", name, version)


def new_crate(
    name: str, version: str, found_by: str, path: str, metadata_type: str, metadata: dict[str, Any], purl: str
) -> Package:
    return language_package(
        name, version, PackageType.RUST_CRATE, "rust", found_by, path, purl, metadata_type, metadata
    )
