"""``GET /system/policy_spec`` and the default bundle, both derived from the gate registry
and the packaged JSON (never a second hand-kept list)."""

from __future__ import annotations

import copy
import json
from functools import lru_cache
from importlib.resources import files
from typing import Any

from drydock.policy.gates import EOL_GATES, GATES


def policy_spec() -> list[dict[str, Any]]:
    active = [g.spec() for g in GATES.values()]
    eol: list[dict[str, Any]] = [
        {
            "name": name,
            "description": f"End-of-life gate{f'; use {new}' if new else ''}",
            "state": "eol",
            "superceded_by": new,
            "triggers": [],
        }
        for name, new in EOL_GATES.items()
    ]
    return active + eol


@lru_cache(maxsize=1)
def _default_text() -> str:
    return files("drydock.policy").joinpath("default_bundle.json").read_text()


def default_bundle() -> dict[str, Any]:
    return copy.deepcopy(json.loads(_default_text()))
