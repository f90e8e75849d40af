"""A policy bundle (format ``1_0``) compiled for evaluation: rules bound to their trigger with
typed parameter values, allowlists with a fast matcher, mappings with compiled selectors.

:func:`drydock.policy.validation.compile_bundle` builds these from the JSON document; nothing
here parses user input.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from enum import IntEnum
from typing import Any

from drydock.policy.gates.base import Trigger
from drydock.policy.regex import UserRegex


class Action(IntEnum):
    """Ordered so the final action is the minimum (Anchore's ``GateAction``)."""

    STOP = -1
    WARN = 0
    GO = 1

    @property
    def label(self) -> str:
        return self.name.lower()


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    gate: str
    trigger_name: str
    action: Action
    trigger: Trigger
    values: dict[str, Any]


@dataclass(frozen=True, slots=True)
class Policy:
    id: str
    name: str
    rules: tuple[Rule, ...]


@dataclass(frozen=True, slots=True)
class AllowItem:
    id: str
    gate: str  # lower-case
    trigger_id: str
    expires_on: datetime | None


def glob_regex(pattern: str) -> str:
    """``*`` matches anything, everything else literally (Anchore's ``regexify``)."""
    return ".*".join(re.escape(part) for part in pattern.split("*"))


@dataclass(slots=True)
class Allowlist:
    id: str
    name: str
    items: tuple[AllowItem, ...]
    _matchers: dict[tuple[str, ...], _AllowMatcher] = field(default_factory=dict, repr=False)

    def matcher(self, now: datetime) -> _AllowMatcher:
        """Matcher over the items not expired at ``now`` (built once per set of live items)."""
        live = tuple(i for i in self.items if i.expires_on is None or i.expires_on > now)
        key = tuple(i.id for i in live)
        m = self._matchers.get(key)
        if m is None:
            if len(self._matchers) > 8:
                self._matchers.clear()
            m = self._matchers[key] = _AllowMatcher(live)
        return m


class _AllowMatcher:
    """Exact trigger ids by dict; wildcard ids indexed by their literal prefix (the text
    before the first ``*``), so a fired trigger is compared only with the few items whose
    prefix it starts with — 1,000 items cost a handful of dict lookups per trigger."""

    def __init__(self, items: tuple[AllowItem, ...]) -> None:
        self.exact: dict[tuple[str, str], AllowItem] = {}
        self.wild: dict[tuple[str, str], list[tuple[int, re.Pattern[str], AllowItem]]] = {}
        for order, item in enumerate(items):
            if "*" in item.trigger_id:
                prefix = item.trigger_id.split("*", 1)[0]
                pattern = re.compile(glob_regex(item.trigger_id), re.DOTALL)
                self.wild.setdefault((item.gate, prefix), []).append((order, pattern, item))
            else:
                self.exact.setdefault((item.gate, item.trigger_id), item)
        self.order = {id(item): n for n, item in enumerate(items)}
        self.prefix_lengths = sorted({len(prefix) for _, prefix in self.wild})

    def match(self, gate: str, trigger_id: str) -> AllowItem | None:
        gate = gate.lower()
        best = self.exact.get((gate, trigger_id))
        best_order = self.order[id(best)] if best is not None else len(self.order)
        for length in self.prefix_lengths:
            if length > len(trigger_id):
                break
            for order, pattern, item in self.wild.get((gate, trigger_id[:length]), ()):
                if order < best_order and pattern.fullmatch(trigger_id):
                    best, best_order = item, order
        return best


@dataclass(frozen=True, slots=True)
class Pattern:
    """A selector field: ``*`` glob, or ``regexp:<regex>`` (a user regex, time-limited)."""

    text: str
    glob: re.Pattern[str] | None = None
    user: UserRegex | None = None

    def matches(self, value: str) -> bool:
        if self.user is not None:
            return self.user.match(value)
        assert self.glob is not None
        return self.glob.fullmatch(value) is not None


@dataclass(frozen=True, slots=True)
class Selector:
    """registry / repository / image(type, value) of a mapping or an image allow/deny rule."""

    id: str
    name: str
    registry: Pattern
    repository: Pattern
    image_type: str  # tag | digest | id
    image_value: Pattern
    raw: dict[str, Any]

    def matches(self, registry: str, repository: str, tag: str, digest: str, image_id: str) -> bool:
        if not (self.registry.matches(registry) and self.repository.matches(repository)):
            return False
        value = self.image_value.text
        if self.image_type == "digest":
            return value == digest
        if self.image_type == "id":
            return value == image_id
        return self.image_value.matches(tag) or value in (digest, image_id)


@dataclass(frozen=True, slots=True)
class Mapping:
    selector: Selector
    policy_ids: tuple[str, ...]
    allowlist_ids: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Bundle:
    id: str
    name: str
    policies: dict[str, Policy]
    allowlists: dict[str, Allowlist]
    mappings: tuple[Mapping, ...]
    allowed_images: tuple[Selector, ...]
    denied_images: tuple[Selector, ...]
    document: dict[str, Any]
