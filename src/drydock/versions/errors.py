"""Errors raised by version parsing and constraint parsing.

Both derive from ValueError so callers that already guard numeric parsing keep
working, but the matcher catches these specifically to skip-and-count a record
instead of ever treating an unreadable version as "vulnerable".
"""

from __future__ import annotations


class VersionError(ValueError):
    """Common base: which scheme refused what text, and why."""

    kind = "value"

    def __init__(self, scheme: str, text: object, reason: str = "") -> None:
        self.scheme = scheme
        self.text = text
        self.reason = reason
        detail = f": {reason}" if reason else ""
        super().__init__(f"invalid {scheme} {self.kind} {text!r}{detail}")


class InvalidVersion(VersionError):
    """A version string that the named scheme cannot order."""

    kind = "version"


class InvalidConstraint(VersionError):
    """A constraint expression (or OSV event list) that cannot be evaluated."""

    kind = "constraint"
