"""The format registry, reproducibility, and rendering cost at image scale."""

from __future__ import annotations

import dataclasses
import json
import random
import time
import uuid

import pytest
from tests.analyzer.sbom.sbom_corpus import fixed_options, realistic_analysis

from drydock.analyzer.sbom import FORMATS, UnknownFormat, canonical_format, render

JSON_FORMATS = ("json", "cyclonedx-json", "spdx-json")


@pytest.mark.parametrize(
    ("given", "canonical"),
    [
        ("table", "table"),
        ("JSON", "json"),
        ("syft-json", "json"),
        ("cyclonedx", "cyclonedx-json"),
        ("spdx", "spdx-json"),
        (" spdx-json ", "spdx-json"),
    ],
)
def test_format_names(given: str, canonical: str) -> None:
    assert canonical_format(given) == canonical


def test_unknown_format_names_the_choices() -> None:
    with pytest.raises(UnknownFormat, match="cyclonedx-json"):
        render(realistic_analysis(), "cyclonedx-xml")


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_same_input_same_output_whatever_the_package_order(fmt: str) -> None:
    analysis = realistic_analysis()
    first = render(analysis, fmt, fixed_options())
    shuffled = list(analysis.packages)
    random.Random(7).shuffle(shuffled)
    assert render(dataclasses.replace(analysis, packages=shuffled), fmt, fixed_options()) == first


@pytest.mark.parametrize("fmt", JSON_FORMATS)
def test_only_time_and_document_id_vary_between_runs(fmt: str) -> None:
    analysis = realistic_analysis()
    first = render(analysis, fmt, fixed_options())
    other = dataclasses.replace(fixed_options(), document_id=uuid.UUID(int=2))
    second = render(analysis, fmt, other)
    if fmt == "json":
        assert second == first
        return
    differing = [a for a, b in zip(first.splitlines(), second.splitlines(), strict=True) if a != b]
    assert len(differing) == 1
    assert "00000000-0000-0000-0000-000000000001" in differing[0]


@pytest.mark.slow
def test_five_thousand_packages_render_in_seconds_not_minutes() -> None:
    """A smoke bound only (CycloneDX takes ~4 s here, bound by the library's model objects);
    the quadratic trap is guarded exactly by the test below."""
    analysis = realistic_analysis(extra=5000 - len(realistic_analysis().packages))
    assert len(analysis.packages) == 5000
    for fmt in sorted(FORMATS):
        start = time.perf_counter()
        text = render(analysis, fmt, fixed_options())
        elapsed = time.perf_counter() - start
        assert elapsed < 30, f"{fmt} took {elapsed:.1f}s"
        if fmt != "table":
            json.loads(text)


def test_cyclonedx_serialization_skips_the_quadratic_dependency_scan(monkeypatch: pytest.MonkeyPatch) -> None:
    """cyclonedx-python-lib#1006: ``Bom.validate`` calls ``register_dependency`` per component,
    each a linear scan. Our serializer must answer those calls without reaching the library."""
    from cyclonedx.model.bom import Bom

    from drydock.analyzer.sbom.cyclonedx import build_bom, serialize

    calls: list[object] = []
    original = Bom.register_dependency

    def counting(self: Bom, target: object, depends_on: object = None) -> None:
        calls.append(target)
        original(self, target, depends_on)  # type: ignore[arg-type]

    bom = build_bom(realistic_analysis(), fixed_options())
    monkeypatch.setattr(Bom, "register_dependency", counting)
    json.loads(serialize(bom))
    assert calls == []
