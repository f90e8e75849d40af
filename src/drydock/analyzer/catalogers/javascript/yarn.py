"""yarn.lock: the classic v1 format and berry (v2+, YAML)."""

from __future__ import annotations

import re
from typing import Any

from drydock.analyzer.catalogers.javascript.common import (
    LOCK_CATALOGER,
    PackageCollector,
    new_npm_package,
    split_name_version,
    string_map,
)
from drydock.analyzer.catalogers.lockfile_util import as_dict, as_str, loads_yaml_documents, primary
from drydock.analyzer.model import CatalogResult

_REGISTRY_TARBALL = re.compile(r"^https?://[^/]+/((?:@[^/]+/)?[^/@]+)/-/")


def _unquote(text: str) -> str:
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] == '"':
        return text[1:-1]
    return text


def _key_value(line: str) -> tuple[str, str]:
    """``key value`` where the key may be quoted (scoped names contain spaces-free ``@/``)."""
    if line.startswith('"'):
        end = line.find('"', 1)
        if end > 0:
            return line[1:end], _unquote(line[end + 1 :])
    key, _, value = line.partition(" ")
    return key, _unquote(value)


def parse_v1_blocks(text: str) -> list[tuple[list[str], dict[str, Any]]]:
    """(header specs, fields) per entry of a v1 lock; sections (dependencies:) become dicts."""
    blocks: list[tuple[list[str], dict[str, Any]]] = []
    fields: dict[str, Any] = {}
    section: dict[str, str] | None = None
    for raw in text.splitlines():
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        indent = len(raw) - len(raw.lstrip(" "))
        line = raw.strip()
        if indent == 0:
            specs = [_unquote(s) for s in line.rstrip(":").split(",") if s.strip()]
            fields, section = {}, None
            blocks.append((specs, fields))
        elif indent <= 2 and blocks:
            if line.endswith(":"):
                section = fields.setdefault(line[:-1], {})
            else:
                key, value = _key_value(line)
                fields[key] = value
                section = None
        elif section is not None:
            key, value = _key_value(line)
            section[key] = value
    return blocks


def _requires(dependencies: dict[str, str]) -> list[str]:
    """A dependency matches a lock header spec, with or without berry's ``npm:`` protocol."""
    out = []
    for name, rng in dependencies.items():
        out.append(f"{name}@{rng}")
        if ":" not in rng:
            out.append(f"{name}@npm:{rng}")
    return out


def _v1_name(specs: list[str], resolved: str) -> str:
    """The registry tarball URL names the real package (headers may use an alias)."""
    m = _REGISTRY_TARBALL.match(resolved)
    if m:
        return m.group(1)
    return split_name_version(specs[0])[0] if specs else ""


def parse_yarn_v1(text: str, path: str) -> CatalogResult:
    out = PackageCollector()
    for specs, fields in parse_v1_blocks(text):
        name = _v1_name(specs, as_str(fields.get("resolved")))
        version = as_str(fields.get("version"))
        if not name or not version:
            continue
        deps = {**string_map(fields.get("dependencies")), **string_map(fields.get("optionalDependencies"))}
        metadata = {
            "Resolved": as_str(fields.get("resolved")),
            "Integrity": as_str(fields.get("integrity")),
            "Dependencies": deps,
        }
        pkg = new_npm_package(name, version, LOCK_CATALOGER, primary(path), "YarnLockEntry", metadata)
        out.add(pkg, [name, f"{name}@{version}", *specs], _requires(deps))
    return out.result()


def parse_yarn_berry(text: str, path: str) -> CatalogResult:
    out = PackageCollector()
    for doc in loads_yaml_documents(text, path):
        for header, raw in as_dict(doc).items():
            entry = as_dict(raw)
            if header == "__metadata" or not entry:
                continue
            specs = [s.strip() for s in str(header).split(",") if s.strip()]
            name = split_name_version(specs[0])[0] if specs else ""
            version = str(entry.get("version", ""))
            if not name or not version:
                continue
            deps = {**string_map(entry.get("dependencies")), **string_map(entry.get("optionalDependencies"))}
            checksum = as_str(entry.get("checksum"))  # berry v8+ prefixes the cache key ("10c0/...")
            metadata = {
                "Resolved": as_str(entry.get("resolution")),
                "Integrity": checksum,
                "Dependencies": deps,
            }
            pkg = new_npm_package(name, version, LOCK_CATALOGER, primary(path), "YarnLockEntry", metadata)
            out.add(pkg, [name, f"{name}@{version}", *specs], _requires(deps))
    return out.result()


def parse_yarn_lock(text: str, path: str) -> CatalogResult:
    berry = "__metadata:" in text
    return parse_yarn_berry(text, path) if berry else parse_yarn_v1(text, path)
