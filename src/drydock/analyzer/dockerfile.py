"""Reconstruct a Dockerfile from image history (``created_by`` of each history entry).

The result is a guess (Anchore calls it ``dockerfile_mode: Guessed``): COPY/ADD sources are
content hashes, and build stages other than the last are gone. The forms handled:

* classic builder metadata steps: ``/bin/sh -c #(nop)  CMD ["sh"]`` → ``CMD ["sh"]``;
  ``#(nop) ADD file:abc in / `` → ``ADD file:abc /``
* classic builder RUN: ``/bin/sh -c apt-get update`` → ``RUN apt-get update``; with build
  args ``|2 A=1 B=2 /bin/sh -c make`` → ``RUN make``
* BuildKit: ``RUN /bin/sh -c make # buildkit`` → ``RUN make``; ``COPY x /y # buildkit``;
  ``EXPOSE map[80/tcp:{}]`` → ``EXPOSE 80/tcp``; other instructions as written
* anything else (umoci, kaniko oddities) → ``RUN <text>``, as Anchore does
"""

from __future__ import annotations

import re
from typing import Any

INSTRUCTIONS = frozenset(
    [
        "ADD",
        "ARG",
        "CMD",
        "COPY",
        "ENTRYPOINT",
        "ENV",
        "EXPOSE",
        "HEALTHCHECK",
        "LABEL",
        "MAINTAINER",
        "ONBUILD",
        "RUN",
        "SHELL",
        "STOPSIGNAL",
        "USER",
        "VOLUME",
        "WORKDIR",
    ]
)
_NOP = re.compile(r"^/bin/sh -c #\(nop\)\s*")
_SHELL = re.compile(r"^(?:\|\d+ (?:\S+=\S* )*)?/bin/sh -c ")
_BUILDKIT = " # buildkit"
_EXPOSE_MAP = re.compile(r"^map\[(.*)\]$")


def instruction_from_created_by(created_by: str) -> str | None:
    """One Dockerfile line for one history entry; None for entries that say nothing."""
    text = created_by.strip()
    if not text:
        return None
    if text.endswith(_BUILDKIT):
        text = text[: -len(_BUILDKIT)].rstrip()
    nop = _NOP.match(text)
    if nop:
        return _normalize(text[nop.end() :].strip())
    shell = _SHELL.match(text)
    if shell:
        return "RUN " + text[shell.end() :]
    keyword = text.split(None, 1)[0]
    if keyword.upper() == keyword and keyword in INSTRUCTIONS:
        return _normalize(text)
    return "RUN " + text


def _normalize(line: str) -> str:
    keyword, _, rest = line.partition(" ")
    rest = rest.strip()
    if keyword == "RUN":
        shell = _SHELL.match(rest)
        if shell:
            rest = rest[shell.end() :]
    elif keyword in ("ADD", "COPY"):
        src, sep, dest = rest.partition(" in ")
        if sep:
            rest = f"{src.strip()} {dest.strip()}"
    elif keyword == "EXPOSE":
        m = _EXPOSE_MAP.match(rest)
        if m:
            rest = " ".join(p.split(":", 1)[0] for p in m.group(1).split())
    return f"{keyword} {rest}".rstrip()


def dockerfile_from_history(history: list[dict[str, Any]]) -> str:
    lines = ["FROM scratch"]
    for item in history:
        if not isinstance(item, dict):
            continue
        line = instruction_from_created_by(str(item.get("created_by") or ""))
        if line:
            lines.append(line)
    return "\n".join(lines) + "\n"
