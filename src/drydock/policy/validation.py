"""Bundle validation: the JSON document → a compiled :class:`Bundle`, or every problem found.

All problems are collected (not just the first) so a user fixes a bundle in one round; each
names where it is (policy, rule, gate, trigger, parameter) as Anchore's ``validation_details``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from drydock.policy.bundle import (
    Action,
    AllowItem,
    Allowlist,
    Bundle,
    Mapping,
    Pattern,
    Policy,
    Rule,
    Selector,
    glob_regex,
)
from drydock.policy.gates import EOL_GATES, GATES
from drydock.policy.gates.base import ParamError, Trigger
from drydock.policy.regex import InvalidRegex, compile_user

VERSION = "1_0"
IMAGE_TYPES = ("tag", "digest", "id")


class BundleInvalid(Exception):
    def __init__(self, details: list[dict[str, Any]]) -> None:
        super().__init__("Bundle failed validation")
        self.details = details


class _Problems:
    def __init__(self) -> None:
        self.items: list[dict[str, Any]] = []

    def add(self, description: str, kind: str = "InvalidBundle", **where: Any) -> None:
        self.items.append(
            {
                "description": description,
                "error_type": kind,
                **{k: v for k, v in where.items() if v is not None},
            }
        )


def _str(obj: dict[str, Any], key: str, problems: _Problems, where: str, required: bool = True) -> str:
    value = obj.get(key)
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value):
        problems.add(f"{where}: '{key}' must be a non-empty string")
        return ""
    return value


def _list(obj: dict[str, Any], key: str, problems: _Problems, where: str) -> list[dict[str, Any]]:
    value = obj.get(key, [])
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(x, dict) for x in value):
        problems.add(f"{where}: '{key}' must be a list of objects")
        return []
    return value


def _rule(raw: dict[str, Any], policy_id: str, problems: _Problems) -> Rule | None:
    rid = str(raw.get("id") or "")
    gate, trig = str(raw.get("gate") or ""), str(raw.get("trigger") or "")
    where = {"policy_id": policy_id, "rule_id": rid or None, "gate": gate, "trigger": trig}
    if gate.lower() in EOL_GATES:
        successor = EOL_GATES[gate.lower()]
        hint = f"; use gate '{successor}'" if successor else ""
        problems.add(
            f"gate '{gate}' is end-of-life and no longer supported{hint}", "EndOfLifedError", **where
        )
        return None
    g = GATES.get(gate.lower())
    if g is None:
        problems.add(f"unknown gate '{gate}'", "GateNotFoundError", **where)
        return None
    cls = g.by_name.get(trig.lower())
    if cls is None:
        problems.add(f"unknown trigger '{trig}' for gate '{gate}'", "TriggerNotFoundError", **where)
        return None
    action_text = str(raw.get("action") or "")
    try:
        action = Action[action_text.upper()]
    except KeyError:
        problems.add(f"invalid action '{action_text}': one of STOP, WARN, GO", "InvalidActionError", **where)
        action = Action.STOP
    values = _params(raw.get("params"), cls, problems, where)
    if values is None:
        return None
    trigger = cls()
    for message in trigger.check(values):
        problems.add(message, "ParameterValueInvalidError", **where)
    return Rule(rid, g.name, cls.name, action, trigger, values)


def _params(
    raw: Any, cls: type[Trigger], problems: _Problems, where: dict[str, Any]
) -> dict[str, Any] | None:
    if raw is None:
        raw = []
    if not isinstance(raw, list):
        problems.add("'params' must be a list of {name, value}", "InvalidParameterError", **where)
        return None
    values: dict[str, Any] = {}
    ok = True
    for item in raw:
        name = item.get("name") if isinstance(item, dict) else None
        value = item.get("value") if isinstance(item, dict) else None
        param = cls.param(name) if isinstance(name, str) else None
        if param is None:
            problems.add(f"unknown parameter '{name}'", "InvalidParameterError", parameter=name, **where)
            ok = False
        elif not isinstance(value, str):
            problems.add(
                f"parameter '{name}' value must be a string",
                "ParameterValueInvalidError",
                parameter=name,
                **where,
            )
            ok = False
        else:
            try:
                values[param.name] = param.value(value)
            except ParamError as exc:
                problems.add(
                    f"parameter '{name}': {exc}", "ParameterValueInvalidError", parameter=name, **where
                )
                ok = False
    for param in cls.params:
        if (
            param.required
            and param.name not in values
            and not any(isinstance(i, dict) and i.get("name") == param.name for i in raw)
        ):
            problems.add(
                f"required parameter '{param.name}' missing",
                "RequiredParameterNotSetError",
                parameter=param.name,
                **where,
            )
            ok = False
    return values if ok else None


def _policies(doc: dict[str, Any], problems: _Problems) -> dict[str, Policy]:
    out: dict[str, Policy] = {}
    for raw in _list(doc, "policies", problems, "bundle"):
        pid = _str(raw, "id", problems, "policy")
        if str(raw.get("version", VERSION)) != VERSION:
            problems.add(
                f"policy '{pid}': unsupported version {raw.get('version')!r} (only {VERSION})", policy_id=pid
            )
        rules = [_rule(r, pid, problems) for r in _list(raw, "rules", problems, f"policy '{pid}'")]
        if pid in out:
            problems.add(f"duplicate policy id '{pid}'", policy_id=pid)
        out[pid] = Policy(pid, str(raw.get("name") or ""), tuple(r for r in rules if r is not None))
    return out


def _expiry(text: Any, problems: _Problems, where: str) -> datetime | None:
    if text is None:
        return None
    try:
        value = datetime.fromisoformat(str(text))
    except ValueError:
        problems.add(f"{where}: expires_on {text!r} is not an RFC 3339 timestamp")
        return None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _allowlists(doc: dict[str, Any], problems: _Problems) -> dict[str, Allowlist]:
    out: dict[str, Allowlist] = {}
    for raw in _list(doc, "whitelists", problems, "bundle"):
        wid = _str(raw, "id", problems, "whitelist")
        items = []
        for item in _list(raw, "items", problems, f"whitelist '{wid}'"):
            where = f"whitelist '{wid}' item '{item.get('id')}'"
            gate, tid = _str(item, "gate", problems, where), _str(item, "trigger_id", problems, where)
            items.append(
                AllowItem(
                    str(item.get("id") or ""),
                    gate.lower(),
                    tid,
                    _expiry(item.get("expires_on"), problems, where),
                )
            )
        out[wid] = Allowlist(wid, str(raw.get("name") or ""), tuple(items))
    return out


def _pattern(text: str, problems: _Problems, where: str) -> Pattern:
    if text.startswith("regexp:"):
        try:
            return Pattern(text, user=compile_user(text[len("regexp:") :]))
        except InvalidRegex as exc:
            problems.add(f"{where}: {exc}")
            return Pattern(text, glob=re.compile(re.escape(text)))
    return Pattern(text, glob=re.compile(glob_regex(text), re.DOTALL))


def _selector(raw: dict[str, Any], problems: _Problems, where: str) -> Selector:
    image: dict[str, Any] = raw["image"] if isinstance(raw.get("image"), dict) else {}
    if not image:
        problems.add(f"{where}: 'image' must be an object {{type, value}}")
    itype = str(image.get("type") or "tag").lower()
    if itype not in IMAGE_TYPES:
        problems.add(f"{where}: image type '{itype}' is not one of {', '.join(IMAGE_TYPES)}")
    registry = str(raw.get("registry") or "*")
    registry = "docker.io" if registry == "dockerhub" else registry
    return Selector(
        str(raw.get("id") or ""),
        str(raw.get("name") or ""),
        _pattern(registry, problems, where),
        _pattern(str(raw.get("repository") or "*"), problems, where),
        itype,
        _pattern(str(image.get("value") or "*"), problems, where),
        raw,
    )


def _ids(raw: Any, problems: _Problems, where: str) -> tuple[str, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list) or not all(isinstance(x, str) for x in raw):
        problems.add(f"{where}: must be a list of ids")
        return ()
    return tuple(raw)


def _mappings(
    doc: dict[str, Any], policies: Iterable[str], allowlists: Iterable[str], problems: _Problems
) -> tuple[Mapping, ...]:
    known_p, known_w = set(policies), set(allowlists)
    out = []
    for raw in _list(doc, "mappings", problems, "bundle"):
        where = f"mapping '{raw.get('id') or raw.get('name')}'"
        single, many = raw.get("policy_id"), raw.get("policy_ids")
        if single is not None and many is not None:
            problems.add(f"{where}: 'policy_id' and 'policy_ids' are mutually exclusive")
        pids = (single,) if isinstance(single, str) else _ids(many, problems, f"{where} policy_ids")
        if not pids:
            problems.add(f"{where}: names no policy ('policy_id' or 'policy_ids')")
        wids = _ids(raw.get("whitelist_ids"), problems, f"{where} whitelist_ids")
        for pid in pids:
            if pid not in known_p:
                problems.add(
                    f"{where}: references unknown policy '{pid}'",
                    "ReferencedObjectNotFoundError",
                    policy_id=pid,
                )
        for wid in wids:
            if wid not in known_w:
                problems.add(
                    f"{where}: references unknown whitelist '{wid}'",
                    "ReferencedObjectNotFoundError",
                    whitelist_id=wid,
                )
        out.append(Mapping(_selector(raw, problems, where), pids, wids))
    return tuple(out)


def compile_bundle(doc: Any) -> Bundle:
    """The compiled bundle; raises :class:`BundleInvalid` listing every problem."""
    problems = _Problems()
    if not isinstance(doc, dict):
        raise BundleInvalid(
            [{"description": "a bundle must be a JSON object", "error_type": "InvalidBundle"}]
        )
    bid = _str(doc, "id", problems, "bundle")
    if str(doc.get("version", "")) != VERSION:
        problems.add(f"bundle version must be '{VERSION}', got {doc.get('version')!r}")
    policies = _policies(doc, problems)
    allowlists = _allowlists(doc, problems)
    mappings = _mappings(doc, policies, allowlists, problems)
    allowed = tuple(
        _selector(r, problems, "whitelisted_images")
        for r in _list(doc, "whitelisted_images", problems, "bundle")
    )
    denied = tuple(
        _selector(r, problems, "blacklisted_images")
        for r in _list(doc, "blacklisted_images", problems, "bundle")
    )
    if problems.items:
        raise BundleInvalid(problems.items)
    return Bundle(bid, str(doc.get("name") or ""), policies, allowlists, mappings, allowed, denied, doc)
