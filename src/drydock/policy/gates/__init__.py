"""The gate registry: every active gate by name."""

from __future__ import annotations

from drydock.policy.gates import (
    always,
    dockerfile,
    feed_packages,
    files,
    licenses,
    malware,
    metadata,
    packages,
    passwd_file,
    retrieved_files,
    secrets,
    vulnerabilities,
)
from drydock.policy.gates.base import Gate, Trigger
from drydock.policy.gates.eol import EOL_GATES

GATES: dict[str, Gate] = {
    g.name: g
    for g in (
        always.GATE,
        dockerfile.GATE,
        files.GATE,
        feed_packages.GEMS,
        metadata.GATE,
        licenses.GATE,
        malware.GATE,
        feed_packages.NPMS,
        packages.GATE,
        passwd_file.GATE,
        retrieved_files.GATE,
        secrets.GATE,
        vulnerabilities.GATE,
    )
}


def find_trigger(gate: str, trigger: str) -> type[Trigger] | None:
    g = GATES.get(gate.lower())
    return g.by_name.get(trigger.lower()) if g else None


__all__ = ["EOL_GATES", "GATES", "Gate", "Trigger", "find_trigger"]
