"""Build in-process runtimes and apps (the real app and database, no server process)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from drydock.core.config import Settings
from drydock.runtime.context import Runtime
from drydock.runtime.server import build_runtime

ADMIN = ("admin", "foobar")


def make_runtime(database_url: str, data_dir: Path, **overrides: Any) -> Runtime:
    settings = Settings(database_url=database_url, data_dir=data_dir, admin_password=ADMIN[1], **overrides)
    return build_runtime(settings)
