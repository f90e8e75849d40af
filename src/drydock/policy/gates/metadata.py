"""``metadata``: image-level attributes (size, architecture, OS, distro, layer count)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from drydock.policy.context import ImageContext
from drydock.policy.gates.base import Fired, Gate, Param, Trigger, enum_param
from drydock.policy.gates.checks import VALUE_CHECKS, check_value, value_problems

ATTRIBUTES = ("size", "architecture", "os_type", "distro", "distro_version", "like_distro", "layer_count")


def attribute_value(ctx: ImageContext, attribute: str) -> str | None:
    meta, distro = ctx.analysis.image_metadata, ctx.analysis.distro
    values: dict[str, Any] = {
        "size": meta.get("imageSize"),
        "architecture": meta.get("architecture") or None,
        "os_type": meta.get("os") or None,
        "distro": distro.id if distro else None,
        "distro_version": distro.version_id if distro else None,
        "like_distro": ",".join(distro.id_like) if distro and distro.id_like else None,
        "layer_count": meta.get("layerCount"),
    }
    value = values[attribute]
    return None if value is None else str(value)


class AttributeTrigger(Trigger):
    name = "attribute"
    description = "Triggers if a named image metadata value matches the given condition."
    params = (
        enum_param("attribute", "Attribute name to be checked.", ATTRIBUTES, required=True, example="size"),
        enum_param(
            "check", "The operation to perform the evaluation.", VALUE_CHECKS, required=True, example=">"
        ),
        Param("value", "Value used in comparison.", "1073741824"),
    )

    def check(self, p: dict[str, Any]) -> list[str]:
        return value_problems(p.get("check"), p.get("value"))

    def evaluate(self, ctx: ImageContext, p: dict[str, Any]) -> Iterator[Fired]:
        actual = attribute_value(ctx, p["attribute"])
        if check_value(p["check"], actual, p.get("value")):
            yield Fired(
                f"Attribute check for attribute: '{p['attribute']}' check: '{p['check']}' "
                f"check_value: '{p.get('value') or ''}' matched image value: '{actual or ''}'"
            )


GATE = Gate(
    "metadata",
    "Checks against image metadata, such as size, OS, distro, architecture, etc.",
    (AttributeTrigger,),
)
