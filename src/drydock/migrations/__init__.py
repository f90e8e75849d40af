"""Alembic migration histories: ``engine`` (default schema) and ``enterprise`` (own schema)."""

from __future__ import annotations

import importlib

# Every module that declares tables; migrations and `create_all` in tests need them all.
MODEL_MODULES = (
    "drydock.accounts.models",
    "drydock.runtime.models",
    "drydock.rbac.models",
    "drydock.feeds.models",
    "drydock.queue.models",
    "drydock.catalog.models",
    "drydock.policy.models",
    "drydock.policy.vulnerabilities.models",
)


def import_all_models() -> None:
    for name in MODEL_MODULES:
        importlib.import_module(name)
