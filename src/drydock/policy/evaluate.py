"""Evaluation (pure): a compiled bundle and an image context → Anchore's result document.

Order of decisions, as the reference: the first mapping matching the image's tag selects the
policies and allowlists; each rule's fired triggers become table rows; allowlisted rows do
not count; the policy decision is the worst remaining action (GO when none). A denied image is
then STOP whatever the policies said, an allowed image GO.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from drydock.policy.bundle import Action, Allowlist, Bundle, Mapping, Selector
from drydock.policy.context import ImageContext
from drydock.policy.gates.base import default_trigger_id
from drydock.policy.regex import RegexTimeout

HEADER = [
    "Image_Id",
    "Repo_Tag",
    "Trigger_Id",
    "Gate",
    "Trigger",
    "Check_Output",
    "Gate_Action",
    "Whitelisted",
    "Policy_Id",
]
DEFAULT_REGISTRY = "docker.io"


@dataclass(frozen=True, slots=True)
class TagParts:
    registry: str
    repository: str
    tag: str


def split_tag(fulltag: str) -> TagParts:
    """``registry/repo:tag`` → parts; a first segment without ``.``/``:`` (and not
    ``localhost``) is a Docker Hub namespace, as docker reads references."""
    text = fulltag.strip()
    if text.startswith("dockerhub/"):
        text = DEFAULT_REGISTRY + text[len("dockerhub") :]
    first, sep, rest = text.partition("/")
    if not sep or not ("." in first or ":" in first or first == "localhost"):
        first, rest = DEFAULT_REGISTRY, text
    name = rest.partition("@")[0]
    repo, colon, tag = name.rpartition(":")
    if not colon or "/" in tag:
        repo, tag = name, "latest"
    return TagParts(first, repo, tag)


def _first(selectors: tuple[Selector, ...] | tuple[Mapping, ...], parts: TagParts, ctx: ImageContext) -> Any:
    for s in selectors:
        sel = s.selector if isinstance(s, Mapping) else s
        if sel.matches(parts.registry, parts.repository, parts.tag, ctx.image_digest, ctx.image_id):
            return s
    return None


def _rows(bundle: Bundle, mapping: Mapping, ctx: ImageContext) -> tuple[list[list[Any]], Action]:
    allowlists = [bundle.allowlists[w] for w in mapping.allowlist_ids]
    matchers = [(w, w.matcher(ctx.now)) for w in allowlists]
    rows: list[list[Any]] = []
    final = Action.GO
    for pid in mapping.policy_ids:
        for rule in bundle.policies[pid].rules:
            try:
                fired = list(rule.trigger.evaluate(ctx, rule.values))
            except RegexTimeout as exc:
                ctx.problem(f"rule {rule.id} ({rule.gate}/{rule.trigger_name}): {exc}", "RegexTimeout")
                continue
            for f in fired:
                tid = f.instance_id or default_trigger_id(rule.gate, rule.trigger_name, f.message)
                allowed = _allowed(matchers, rule.gate, tid)
                if not allowed:
                    final = min(final, rule.action)
                rows.append(
                    [
                        ctx.image_id,
                        ctx.tag,
                        tid,
                        rule.gate,
                        rule.trigger_name,
                        f.message,
                        rule.action.label,
                        allowed,
                        pid,
                    ]
                )
    return rows, final


def _allowed(matchers: list[tuple[Allowlist, Any]], gate: str, trigger_id: str) -> dict[str, str] | bool:
    for allowlist, matcher in matchers:
        item = matcher.match(gate, trigger_id)
        if item is not None:
            return {
                "whitelist_name": allowlist.name,
                "whitelist_id": allowlist.id,
                "matched_rule_id": item.id,
            }
    return False


def evaluate(bundle: Bundle, ctx: ImageContext, user_id: str = "") -> dict[str, Any]:
    """The PolicyEvaluation document (``detail.result`` of the check response)."""
    parts = split_tag(ctx.tag)
    mapping: Mapping | None = _first(bundle.mappings, parts, ctx)
    denied: Selector | None = _first(bundle.denied_images, parts, ctx)
    allowed: Selector | None = _first(bundle.allowed_images, parts, ctx)
    rows, policy_action = _rows(bundle, mapping, ctx) if mapping else ([], Action.GO)
    if ctx.problems:
        policy_action = Action.STOP  # a check that could not run must not pass silently
    if denied is not None:
        final, reason = Action.STOP, "blacklisted"
    elif allowed is not None:
        final, reason = Action.GO, "whitelisted"
    else:
        final, reason = policy_action, "policy_evaluation"
    now = int(ctx.now.timestamp())
    policies = [bundle.policies[p] for p in mapping.policy_ids] if mapping else []
    allowlists = [bundle.allowlists[w] for w in mapping.allowlist_ids] if mapping else []
    doc = bundle.document
    return {
        "user_id": user_id,
        "image_id": ctx.image_id,
        "tag": ctx.tag,
        "bundle": doc,
        "matched_mapping_rule": mapping.selector.raw if mapping else False,
        "matched_whitelisted_images_rule": allowed.raw if allowed else False,
        "matched_blacklisted_images_rule": denied.raw if denied else False,
        "final_action": final.label,
        "final_action_reason": reason,
        "created_at": now,
        "last_modified": now,
        "evaluation_problems": list(ctx.problems),
        "result": {
            ctx.image_id: {
                "result": {
                    "header": HEADER,
                    "row_count": len(rows),
                    "rows": rows,
                    "final_action": policy_action.label,
                }
            },
            "policy_data": [],
            "whitelist_data": [],
            "policy_name": ",".join(p.name for p in policies),
            "whitelist_names": [w.name for w in allowlists],
        },
    }
