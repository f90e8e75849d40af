"""The module-info text inside Go binaries (what ``go version -m`` prints), parsed into the
shape of ``runtime/debug.BuildInfo``."""

from __future__ import annotations

import json
from dataclasses import dataclass, field


@dataclass(slots=True)
class Module:
    path: str = ""
    version: str = ""
    sum: str = ""
    replace: Module | None = None


@dataclass(slots=True)
class BuildInfo:
    go_version: str = ""
    path: str = ""
    main: Module = field(default_factory=Module)
    deps: list[Module] = field(default_factory=list)
    settings: list[tuple[str, str]] = field(default_factory=list)

    def setting(self, key: str) -> str:
        return next((v for k, v in self.settings if k == key), "")


def _module(fields: list[str]) -> Module:
    fields = fields + [""] * (3 - len(fields))
    return Module(path=fields[0], version=fields[1], sum=fields[2])


def parse_modinfo(go_version: str, text: str) -> BuildInfo:
    """Tab-separated lines: path, mod, dep, ``=>`` (replaces the line before), build k=v.
    Unknown or malformed lines are skipped: the blob is produced by the toolchain, but the
    binary is untrusted."""
    info = BuildInfo(go_version=go_version)
    last: Module | None = None
    for line in text.splitlines():
        kind, _, rest = line.partition("\t")
        fields = rest.split("\t") if rest else []
        if kind == "path" and fields:
            info.path = fields[0]
        elif kind == "mod" and fields:
            info.main = last = _module(fields)
        elif kind == "dep" and fields:
            last = _module(fields)
            info.deps.append(last)
        elif kind == "=>" and fields and last is not None:
            last.replace = _module(fields)
            last = None
        elif kind == "build" and rest:
            key, sep, value = rest.partition("=")
            if sep:
                info.settings.append((key, _unquote(value)))
    return info


def _unquote(value: str) -> str:
    """Build setting values that contain spaces or quotes are Go-quoted (strconv.Quote); JSON
    string syntax covers the escapes Go emits for printable text."""
    if len(value) >= 2 and value[0] == value[-1] == '"':
        try:
            decoded = json.loads(value)
        except ValueError:
            return value[1:-1]
        return decoded if isinstance(decoded, str) else value[1:-1]
    return value
