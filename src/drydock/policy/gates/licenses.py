"""``licenses``: packages carrying licences the bundle forbids."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from drydock.analyzer.model import Package
from drydock.policy.context import ImageContext
from drydock.policy.gates.base import Fired, Gate, Trigger, csv_param

LICENSES = csv_param(
    "licenses", "List of license names to blacklist.", "GPLv2+,GPL-3+,BSD-2-clause", required=True
)


def _licenses(package: Package) -> list[str]:
    out: list[str] = []
    for lic in package.licenses:
        for name in (lic.value, lic.spdx_expression):
            if name and name not in out:
                out.append(name)
    return out


class ExactMatchTrigger(Trigger):
    name = "blacklist_exact_match"
    description = "Triggers if the evaluated image has a package installed with software distributed under the specified (exact match) license(s)."
    params = (LICENSES,)

    def evaluate(self, ctx: ImageContext, p: dict[str, Any]) -> Iterator[Fired]:
        banned = set(p["licenses"])
        for pkg in ctx.analysis.packages:
            for lic in _licenses(pkg):
                if lic in banned:
                    yield Fired(
                        f"LICBLACKLIST_EXACTMATCH Package ({pkg.name}) has blacklisted license: {lic}"
                    )


class PartialMatchTrigger(Trigger):
    name = "blacklist_partial_match"
    description = "triggers if the evaluated image has a package installed with software distributed under the specified (substring match) license(s)"
    params = (LICENSES,)

    def evaluate(self, ctx: ImageContext, p: dict[str, Any]) -> Iterator[Fired]:
        for pkg in ctx.analysis.packages:
            for lic in _licenses(pkg):
                hit = next((b for b in p["licenses"] if b in lic), None)
                if hit is not None:
                    yield Fired(
                        f"LICBLACKLIST_PARTIALMATCH Package ({pkg.name}) has blacklisted license: {hit} (matched {lic})"
                    )


GATE = Gate(
    "licenses",
    "License checks against found software licenses in the container image",
    (ExactMatchTrigger, PartialMatchTrigger),
)
