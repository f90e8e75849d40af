"""Parse published range strings (``">= 4.5.0, < 4.5.2 || = 5.0"``) into constraint groups.

Several feeds (GHSA, vunnel ``VulnerableRange``, Mariner OVAL) publish ranges as text. The
structure is decoded here once; versions stay byte-for-byte as published.
"""

from __future__ import annotations

import re

from drydock.feeds.records import Constraint

_CONSTRAINT = re.compile(r"^\s*(>=|<=|==|!=|>|<|=)?\s*(\S.*?)\s*$")


def parse_range(text: str) -> list[list[Constraint]]:
    """``||`` separates alternatives, ``,`` separates AND-ed constraints; a bare version means ``=``.

    Raises ValueError on an empty constraint so a garbled range is reported, not matched.
    """
    groups: list[list[Constraint]] = []
    for alternative in text.split("||"):
        group = []
        for part in alternative.split(","):
            match = _CONSTRAINT.match(part)
            if match is None or not match.group(2):
                raise ValueError(f"unparseable range {text!r}")
            op = match.group(1) or "="
            group.append(Constraint("=" if op == "==" else op, match.group(2)))
        groups.append(group)
    return groups
