"""Sorting licence statements into SPDX ids, SPDX expressions and free text.

Catalogers report licences as found (``GPL-2+``, ``Apache 2.0``, ``MIT OR Apache-2.0``, a URL,
a paragraph). Both SBOM formats must tell an SPDX id from an expression from free text, and
must never emit an "expression" that a validator rejects. The decision is made here, once,
with the SPDX licence list that ships with spdx-tools (``license-expression``), so CycloneDX
and SPDX documents classify every licence the same way.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from license_expression import LicenseSymbol, LicenseWithExceptionSymbol
from spdx_tools.common.spdx_licensing import spdx_licensing

from drydock.analyzer.model import License


class TermKind(StrEnum):
    ID = "id"  # one SPDX licence id
    EXPRESSION = "expression"  # a compound SPDX expression (AND/OR/WITH)
    OTHER = "other"  # anything SPDX cannot express: kept as the raw text


@dataclass(frozen=True, slots=True)
class LicenseTerm:
    kind: TermKind
    value: str  # normalized SPDX id/expression (e.g. GPL-2.0+ → GPL-2.0-or-later), or raw text

    @property
    def is_spdx(self) -> bool:
        return self.kind is not TermKind.OTHER


@functools.lru_cache(maxsize=16384)
def classify_text(text: str) -> LicenseTerm | None:
    """Classify one licence string; ``None`` for blank input.

    ``license-expression`` raises assorted exceptions (even AttributeError) on malformed
    input such as a dangling ``MIT AND``, so any failure means "not SPDX", never a crash.
    """
    text = " ".join(text.split())
    if not text:
        return None
    try:
        info = spdx_licensing.validate(text)
        parsed = spdx_licensing.parse(text) if not (info.errors or info.invalid_symbols) else None
    except Exception:  # noqa: BLE001 - library raises arbitrary types on malformed input
        parsed = None
    if parsed is None:
        return LicenseTerm(TermKind.OTHER, text)
    normalized = str(parsed)
    plain_id = isinstance(parsed, LicenseSymbol) and not isinstance(parsed, LicenseWithExceptionSymbol)
    return LicenseTerm(TermKind.ID if plain_id else TermKind.EXPRESSION, normalized)


def classify(lic: License) -> LicenseTerm | None:
    """The SPDX reading of a licence: its ``spdx_expression`` if valid, else its value."""
    fallback: LicenseTerm | None = None
    for candidate in (lic.spdx_expression, lic.value):
        term = classify_text(candidate) if candidate else None
        if term is not None and term.is_spdx:
            return term
        fallback = fallback or term
    return fallback


def classify_all(licenses: Iterable[License]) -> list[LicenseTerm]:
    """Distinct terms of a package's licences, in first-seen order."""
    out: dict[LicenseTerm, None] = {}
    for lic in licenses:
        term = classify(lic)
        if term is not None:
            out.setdefault(term, None)
    return list(out)


def conjoin(expressions: Iterable[str]) -> str:
    """Join SPDX expressions with AND, parenthesizing compound ones (as syft does)."""
    parts = list(expressions)
    if len(parts) == 1:
        return parts[0]
    return " AND ".join(e if " " not in e else f"({e})" for e in parts)
