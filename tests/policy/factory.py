"""Crafted images and one-rule bundles for the pure policy tests."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from drydock.analyzer.model import ImageAnalysis
from drydock.policy.bundle import Bundle
from drydock.policy.context import ImageContext
from drydock.policy.evaluate import evaluate
from drydock.policy.validation import compile_bundle
from drydock.policy.vulndata import VulnerabilityView
from tests.support.paths import SHARED

DEBIAN_FEED = SHARED / "feeds" / "vunnel" / "fixtures" / "debian" / "input"
NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
TAG = "docker.io/library/app:1.0"


def bundle_doc(
    rules: list[dict[str, Any]],
    *,
    items: list[dict[str, Any]] | None = None,
    mappings: list[dict[str, Any]] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    return {
        "id": "b1",
        "name": "test",
        "version": "1_0",
        "policies": [{"id": "p1", "name": "P1", "version": "1_0", "rules": rules}],
        "whitelists": [{"id": "w1", "name": "W1", "version": "1_0", "items": items or []}],
        "mappings": mappings
        if mappings is not None
        else [
            {
                "id": "m1",
                "name": "all",
                "registry": "*",
                "repository": "*",
                "image": {"type": "tag", "value": "*"},
                "policy_id": "p1",
                "whitelist_ids": ["w1"],
            }
        ],
        **extra,
    }


def rule(gate: str, trigger: str, action: str = "STOP", rid: str = "r1", **params: str) -> dict[str, Any]:
    return {
        "id": rid,
        "gate": gate,
        "trigger": trigger,
        "action": action,
        "params": [{"name": k, "value": v} for k, v in params.items()],
    }


def context(
    analysis: ImageAnalysis | None = None, vulns: VulnerabilityView | None = None, tag: str = TAG, **kw: Any
) -> ImageContext:
    return ImageContext(
        analysis=analysis or ImageAnalysis(source={}),
        image_id="img1",
        image_digest="sha256:d1",
        tag=tag,
        now=NOW,
        vulnerabilities=vulns,
        **kw,
    )


def rows(result: dict[str, Any]) -> list[list[Any]]:
    return result["result"]["img1"]["result"]["rows"]


def fire(gate: str, trigger: str, ctx: ImageContext, **params: str) -> list[str]:
    """Messages the one rule ``gate/trigger(params)`` fires on ``ctx``."""
    bundle: Bundle = compile_bundle(bundle_doc([rule(gate, trigger, **params)]))
    return [r[5] for r in rows(evaluate(bundle, ctx))]
