"""CPEs for packages: parsing/formatting (``attributes``), candidate generation from package
attributes (``generate``) and authoritative NVD dictionary lookups (``dictionary``).

``generate_cpes`` is what the orchestrator applies to every package without authoritative
CPEs: the dictionary answer when NVD knows the package, otherwise syft-style guesses.
"""

from __future__ import annotations

from drydock.analyzer.cpe.attributes import (
    Attributes,
    CPEError,
    format_cpe,
    normalize_cpe,
    parse_cpe,
    parse_formatted,
    parse_uri,
)
from drydock.analyzer.cpe.dictionary import lookup as cpes_from_dictionary
from drydock.analyzer.cpe.generate import cpes_from_attributes
from drydock.analyzer.model import Distro, Package

__all__ = [
    "Attributes",
    "CPEError",
    "cpes_from_attributes",
    "cpes_from_dictionary",
    "format_cpe",
    "generate_cpes",
    "normalize_cpe",
    "parse_cpe",
    "parse_formatted",
    "parse_uri",
]


def generate_cpes(package: Package, distro: Distro | None = None) -> list[str]:
    """CPE 2.3 strings for ``package``, most specific first.

    ``distro`` is part of the orchestrator's contract; like syft, generation does not
    currently vary by distro (OS packages are matched by distro feeds, not CPEs), so it is
    accepted and not consulted.
    """
    del distro
    return cpes_from_dictionary(package) or cpes_from_attributes(package)
