"""The image as the gates see it: the analysis plus derived views computed at most once per
evaluation (files by path, Dockerfile instructions, passwd entries)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import Any

from drydock.analyzer.dockerfile import dockerfile_from_history
from drydock.analyzer.model import FileEntry, ImageAnalysis
from drydock.feeds.records import PackageVersions
from drydock.policy.vulndata import VulnerabilityView

PASSWD = "/etc/passwd"


@dataclass(frozen=True, slots=True)
class Instruction:
    name: str  # upper-case keyword
    value: str


@dataclass(frozen=True, slots=True)
class PasswdEntry:
    line: str
    user: str
    uid: int | None
    gid: int | None
    shell: str


def parse_dockerfile(text: str) -> list[Instruction]:
    """Instructions with line continuations joined; comments and blanks dropped."""
    out: list[Instruction] = []
    pending = ""
    for raw in text.splitlines():
        line = raw.strip()
        if not pending and (not line or line.startswith("#")):
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        line = (pending + line).strip()
        pending = ""
        if line:
            keyword, _, rest = line.partition(" ")
            out.append(Instruction(keyword.upper(), rest.strip()))
    if pending.strip():
        keyword, _, rest = pending.strip().partition(" ")
        out.append(Instruction(keyword.upper(), rest.strip()))
    return out


def parse_passwd(text: str) -> list[PasswdEntry]:
    """Well-formed ``name:pw:uid:gid:gecos:home:shell`` lines; others are skipped."""
    out = []
    for line in text.splitlines():
        parts = line.strip().split(":")
        if len(parts) != 7 or line.lstrip().startswith("#"):
            continue
        out.append(PasswdEntry(line.strip(), parts[0], _int(parts[2]), _int(parts[3]), parts[6]))
    return out


def _int(value: str) -> int | None:
    try:
        return int(value)
    except ValueError:
        return None


@dataclass(frozen=True, slots=True)
class MalwareFinding:
    path: str
    signature: str
    scanner: str = "clamav"


@dataclass
class ImageContext:
    """``malware`` is None when no scanner ran at analysis time (``scan_not_run``);
    ``package_feeds`` holds, per package type (``npm``, ``gem``), what the ``packages`` feed
    knows of the image's packages of that type by name; a type without an entry has no synced
    feed (the npms / ruby_gems feed triggers then report the data unavailable)."""

    analysis: ImageAnalysis
    image_id: str
    image_digest: str
    tag: str
    now: datetime
    vulnerabilities: VulnerabilityView | None = None
    malware: list[MalwareFinding] | None = None
    package_feeds: dict[str, dict[str, PackageVersions]] = field(default_factory=dict)
    problems: list[dict[str, Any]] = field(default_factory=list)

    @cached_property
    def files_by_path(self) -> dict[str, FileEntry]:
        return {f.path: f for f in self.analysis.files}

    @cached_property
    def dockerfile_actual(self) -> bool:
        return bool(self.analysis.dockerfile) and self.analysis.dockerfile_mode.lower() == "actual"

    @cached_property
    def instructions(self) -> list[Instruction]:
        text = self.analysis.dockerfile
        if not text:
            text = dockerfile_from_history(self.analysis.image_metadata.get("history") or [])
        return parse_dockerfile(text or "")

    @cached_property
    def passwd(self) -> list[PasswdEntry] | None:
        data = self.analysis.retrieved_files.get(PASSWD)
        return None if data is None else parse_passwd(data.decode("utf-8", "replace"))

    def problem(self, details: str, problem_type: str = "TriggerEvaluationError") -> None:
        self.problems.append({"severity": "error", "problem_type": problem_type, "details": details})
