"""The ``epoch:`` prefix shared by dpkg, rpm and pacman versions."""

from __future__ import annotations

import re

from drydock.versions.errors import InvalidVersion

_WHITESPACE = re.compile(r"\s")
# dpkg refuses epochs above INT_MAX; rpm and pacman store them in 32 bits too.
EPOCH_MAX = 2**31 - 1


def split_epoch(text: str, scheme: str) -> tuple[int, str]:
    """Trim, refuse empty or embedded-whitespace input, and split off a numeric epoch (default 0)."""
    stripped = text.strip()
    if not stripped or _WHITESPACE.search(stripped):
        raise InvalidVersion(scheme, text, "empty or contains whitespace")
    if ":" not in stripped:
        return 0, stripped
    epoch_text, rest = stripped.split(":", 1)
    if not epoch_text.isascii() or not epoch_text.isdigit():
        raise InvalidVersion(scheme, text, "epoch is not a number")
    epoch = int(epoch_text)
    if epoch > EPOCH_MAX:
        raise InvalidVersion(scheme, text, "epoch too large")
    if not rest:
        raise InvalidVersion(scheme, text, "nothing after the epoch")
    return epoch, rest
