"""Shared fixture plumbing for the OS-package tests: where the pkgdb corpus lives."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[3]
PKGDB = REPO.parent / "shared" / "fixtures" / "pkgdb"


def case_dirs(ecosystem: str) -> list[Path]:
    return sorted(p.parent for p in (PKGDB / ecosystem).glob("*/expected.json"))


def load_case(case_dir: Path) -> dict[str, Any]:
    return json.loads((case_dir / "expected.json").read_text())


def scan_root(case_dir: Path, case: dict[str, Any]) -> Path:
    return case_dir / (case.get("scan_root") or ".")
