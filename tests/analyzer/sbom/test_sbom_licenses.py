"""Licence classification shared by the CycloneDX and SPDX writers."""

from __future__ import annotations

import pytest

from drydock.analyzer.model import License
from drydock.analyzer.sbom.licenses import (
    LicenseTerm,
    TermKind,
    classify,
    classify_all,
    classify_text,
    conjoin,
)


@pytest.mark.parametrize(
    ("text", "kind", "value"),
    [
        ("MIT", TermKind.ID, "MIT"),
        ("mit", TermKind.ID, "MIT"),
        ("GPL-2.0+", TermKind.ID, "GPL-2.0-or-later"),
        ("LGPL-2.1", TermKind.ID, "LGPL-2.1-only"),
        ("MIT OR Apache-2.0", TermKind.EXPRESSION, "MIT OR Apache-2.0"),
        ("GPL-2.0+ and LGPL-2.1+", TermKind.EXPRESSION, "GPL-2.0-or-later AND LGPL-2.1-or-later"),
        ("Apache-2.0 WITH LLVM-exception", TermKind.EXPRESSION, "Apache-2.0 WITH LLVM-exception"),
        ("Apache 2.0", TermKind.OTHER, "Apache 2.0"),
        ("Some  EULA\n text", TermKind.OTHER, "Some EULA text"),
        ("MIT AND", TermKind.OTHER, "MIT AND"),  # the library raises AttributeError on this one
        ("(((", TermKind.OTHER, "((("),
        (
            "https://www.apache.org/licenses/LICENSE-2.0.txt",
            TermKind.OTHER,
            "https://www.apache.org/licenses/LICENSE-2.0.txt",
        ),
    ],
)
def test_classify_text(text: str, kind: TermKind, value: str) -> None:
    assert classify_text(text) == LicenseTerm(kind, value)


def test_blank_is_no_licence() -> None:
    assert classify_text("  \n") is None
    assert classify_all([License(" "), License("MIT"), License("MIT")]) == [LicenseTerm(TermKind.ID, "MIT")]


def test_valid_spdx_expression_field_wins_over_raw_value() -> None:
    assert classify(License("GPLv2+", spdx_expression="GPL-2.0-or-later")) == LicenseTerm(
        TermKind.ID, "GPL-2.0-or-later"
    )
    assert classify(License("BSD", spdx_expression="not spdx at all")).kind is TermKind.OTHER


def test_conjoin_parenthesizes_compound_parts_only_when_joining() -> None:
    assert conjoin(["MIT OR Apache-2.0"]) == "MIT OR Apache-2.0"
    assert conjoin(["MIT OR Apache-2.0", "Zlib"]) == "(MIT OR Apache-2.0) AND Zlib"
