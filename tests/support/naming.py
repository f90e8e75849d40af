"""Unique names, so tests sharing one database never collide."""

import uuid


def unique(prefix: str) -> str:
    return f"{prefix}{uuid.uuid4().hex[:8]}"
