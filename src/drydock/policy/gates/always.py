"""``always``: fires on every image (to block everything a mapping selects, or to test)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from drydock.policy.context import ImageContext
from drydock.policy.gates.base import Fired, Gate, Trigger


class AlwaysTrigger(Trigger):
    name = "always"
    description = (
        "Fires if present in a policy being evaluated. Useful for things like testing and blocking images."
    )

    def evaluate(self, ctx: ImageContext, p: dict[str, Any]) -> Iterator[Fired]:
        yield Fired("always")


GATE = Gate(
    "always",
    "Triggers that fire unconditionally if present in policy, useful for things like testing and blacklisting.",
    (AlwaysTrigger,),
)
