"""requirements*.txt and setup.py: declared requirements, parsed as text (never executed).

Only pinned requirements name a version, so by default only ``==``/``===`` pins become
packages, as in syft; ``guess_unpinned`` derives a version from other constraints instead.
"""

from __future__ import annotations

import re
from typing import Any

from drydock.analyzer.catalogers.lockfile_util import primary
from drydock.analyzer.catalogers.python.common import new_package
from drydock.analyzer.model import Package

CATALOGER = "python-package-cataloger"

_COMMENT = re.compile(r"(^|\s)#.*$")
_HASHES = re.compile(r"\s--hash[=\s]\S+")
_OPERATOR = re.compile(r"[=<>!~]")
_PIN = re.compile(r"^\s*===?\s*([^,\s*]+)\s*$")
_CLAUSE = re.compile(r"^\s*(===|==|~=|<=|>=|!=|<|>)\s*(\S+)\s*$")
_BARE_PRE = re.compile(r"(?i)(a|b|c|rc|alpha|beta|pre|preview)$")


def parse_requirement_line(raw: str) -> dict[str, Any] | None:
    """One logical requirements.txt line as a PythonRequirementsEntry (None if not a requirement).

    The name keeps any ``[extras]``; the cataloger splits them off.
    """
    line = _COMMENT.sub("", raw).strip()
    if not line or line.startswith("-"):
        return None
    markers = ""
    if ";" in line:
        line, markers = (part.strip() for part in line.split(";", 1))
    hashes = " ".join(m.group(0).strip() for m in _HASHES.finditer(line))
    line = _HASHES.sub("", line).strip()
    url = ""
    if " @ " in line:
        line, url = (part.strip() for part in line.split(" @ ", 1))
    m = _OPERATOR.search(line)
    name, constraint = (line[: m.start()].strip(), line[m.start() :].strip()) if m else (line.strip(), "")
    if not name or not re.match(r"[A-Za-z0-9]", name):
        return None
    entry: dict[str, Any] = {"Name": name, "VersionConstraint": constraint}
    if markers:
        entry["Markers"] = markers
    if url:
        entry["URL"] = url
    if hashes:
        entry["Hashes"] = hashes
    return entry


def _normal_version(version: str) -> str:
    """'1.3a' → '1.3a0': PEP 440's implicit pre-release number."""
    return version + "0" if _BARE_PRE.search(version) else version


def parse_version(constraint: str, guess: bool = False) -> str:
    """The version a constraint pins; with ``guess``, the version its bounds suggest."""
    pin = _PIN.match(constraint)
    if pin and "*" not in constraint:
        return pin.group(1)
    if not guess:
        return ""
    by_op: dict[str, list[str]] = {}
    for clause in constraint.split(","):
        cm = _CLAUSE.match(clause)
        if cm:
            by_op.setdefault(cm.group(1), []).append(cm.group(2).replace("*", "0"))
    for op in ("<=", "==", "===", ">=", "~="):
        if by_op.get(op):
            return _normal_version(by_op[op][0])
    return ""


def _logical_lines(text: str) -> list[str]:
    """Physical lines joined across trailing backslashes (continuations lose their indent)."""
    out: list[str] = []
    pending: list[str] = []
    for line in text.splitlines():
        part = line.lstrip() if pending else line
        if part.rstrip().endswith("\\"):
            pending.append(part.rstrip()[:-1].rstrip() + " ")
            continue
        out.append("".join(pending) + part)
        pending = []
    if pending:
        out.append("".join(pending))
    return out


def parse_requirements(text: str, path: str, guess_unpinned: bool = False) -> list[Package]:
    packages = []
    for line in _logical_lines(text):
        entry = parse_requirement_line(line)
        if entry is None:
            continue
        version = parse_version(entry["VersionConstraint"], guess_unpinned)
        if not version:
            continue
        entry.pop("Hashes", None)  # the package record keeps no hashes, as syft's
        name = entry["Name"]
        if "[" in name:
            base, _, extras = name.partition("[")
            entry["Name"] = base.strip()
            entry["Extras"] = [e.strip() for e in extras.rstrip("]").split(",") if e.strip()]
        packages.append(
            new_package(entry["Name"], version, CATALOGER, [primary(path)], "PythonRequirementsEntry", entry)
        )
    return packages


_QUOTED_PIN = re.compile(r"""['"]\W?([A-Za-z0-9][\w.-]*)\s*==\s*([\w.!+]*)""")
_BARE_PIN = re.compile(r"""^\s*([A-Za-z0-9][\w.-]*)\s*==\s*([\w.!+]*)\s*$""")


def parse_setup_py(text: str, path: str) -> list[Package]:
    """``name==version`` strings in a setup.py (quoted, or bare lines of a triple-quoted block)."""
    seen: set[tuple[str, str]] = set()
    packages = []
    for line in text.splitlines():
        matches = [(m.group(1), m.group(2)) for m in _QUOTED_PIN.finditer(line)]
        bare = _BARE_PIN.match(line)
        if bare:
            matches.append((bare.group(1), bare.group(2)))
        for name, version in matches:
            version = version.strip(".")
            if not version or (name.lower(), version) in seen:
                continue
            seen.add((name.lower(), version))
            packages.append(new_package(name, version, CATALOGER, [primary(path)]))
    return packages
