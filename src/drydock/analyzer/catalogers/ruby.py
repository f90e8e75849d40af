"""Ruby: Gemfile.lock (declared gems) and installed ``specifications/*.gemspec`` files.

Gemspecs are Ruby code; they are read as text with a few patterns for the assignments rubygems
itself writes (``s.name = "x".freeze``), never evaluated. ``#{...}`` interpolation of the
gem's own name/version is resolved; any other expression drops the field rather than guess.
"""

from __future__ import annotations

import itertools
import re
from typing import Any, ClassVar

from drydock.analyzer.catalogers.base import CatalogContext, register_cataloger
from drydock.analyzer.catalogers.lang_package import language_package
from drydock.analyzer.catalogers.lockfile_util import catalog_text_files
from drydock.analyzer.catalogers.purl_util import package_url
from drydock.analyzer.filetree import FileResolver
from drydock.analyzer.model import CatalogResult, License, Location, Package, PackageType

LOCK_CATALOGER = "ruby-gemfile-cataloger"
SPEC_CATALOGER = "ruby-installed-gemspec-cataloger"
LOCK_PATTERNS = ("**/Gemfile*.lock",)
SPEC_PATTERNS = ("**/specifications/**/*.gemspec",)

MAX_ARRAY_LINES = 100_000
_SPEC_SECTIONS = {"GEM", "GIT", "PATH", "PLUGIN SOURCE"}
_LOCK_SPEC = re.compile(r"^ {4}(\S+) \(([^)]+)\)$")
_ASSIGN = re.compile(r"^\s*\w+\.(name|version|files|authors|homepage|licenses|license)\s*=\s*(.+?)\s*$")
_STRING = re.compile(r'"((?:[^"\\]|\\.)*)"|\'((?:[^\'\\]|\\.)*)\'')
_INTERPOLATION = re.compile(r"#\{\s*([^}]*?)\s*\}")
_SELF_REF = re.compile(r"^(?:(?:s|spec|gem|gemspec)\.)?(name|version)$")
_ESCAPE = re.compile(r"\\(u\{[0-9A-Fa-f]+\}|u[0-9A-Fa-f]{4}|.)")
_SIMPLE_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "0": "\0", "e": "\x1b", "s": " "}


def gem_purl(name: str, version: str) -> str:
    return package_url("gem", name, version)


def _gem(name: str, version: str, found_by: str, path: str, **extra: Any) -> Package:
    return language_package(
        name, version, PackageType.GEM, "ruby", found_by, path, gem_purl(name, version), **extra
    )


def parse_gemfile_lock(text: str, path: str) -> list[Package]:
    """Gems listed under the ``specs:`` of GEM / GIT / PATH sections (4-space indent)."""
    packages: list[Package] = []
    section = ""
    seen: set[tuple[str, str]] = set()
    for line in text.splitlines():
        if line and not line[0].isspace():
            section = line.strip()
            continue
        m = _LOCK_SPEC.match(line) if section in _SPEC_SECTIONS else None
        if m and (m.group(1), m.group(2)) not in seen:
            seen.add((m.group(1), m.group(2)))
            packages.append(_gem(m.group(1), m.group(2), LOCK_CATALOGER, path))
    return packages


def _unescape(body: str, double_quoted: bool) -> str:
    def repl(m: re.Match[str]) -> str:
        esc = m.group(1)
        if not double_quoted:
            return esc if esc in ("\\", "'") else m.group(0)
        if esc.startswith("u") and len(esc) > 1:
            return chr(int(esc[1:].strip("{}"), 16))
        return _SIMPLE_ESCAPES.get(esc, esc)

    return _ESCAPE.sub(repl, body)


def _literals(expr: str) -> list[tuple[str, bool]]:
    """(text, interpolates) of each string literal in an assignment's right-hand side."""
    out = []
    for m in _STRING.finditer(expr):
        if m.group(1) is not None:
            out.append((_unescape(m.group(1), True), True))
        else:
            out.append((_unescape(m.group(2), False), False))
    return out


def resolve_interpolations(fields: dict[str, Any]) -> dict[str, Any]:
    """Replace ``#{s.name}``-style references to the gem's own name/version; a field with any
    other (or an uncaptured) expression is dropped."""
    known: dict[str, str] = {k: fields[k] for k in ("name", "version") if isinstance(fields.get(k), str)}

    def resolve(text: str) -> str | None:
        failed = False

        def sub(m: re.Match[str]) -> str:
            nonlocal failed
            ref = _SELF_REF.match(m.group(1))
            if ref and ref.group(1) in known:
                return known[ref.group(1)]
            failed = True
            return ""

        result = _INTERPOLATION.sub(sub, text)
        return None if failed else result

    out: dict[str, Any] = {}
    for key, value in fields.items():
        if isinstance(value, list):
            items = [resolve(v) for v in value]
            if all(i is not None for i in items):
                out[key] = items
        else:
            resolved = resolve(value)
            if resolved is not None:
                out[key] = resolved
    return out


def parse_gemspec_fields(text: str) -> dict[str, Any]:
    """Raw name/version/homepage (strings) and files/authors/licenses (lists) of a gemspec."""
    fields: dict[str, Any] = {}
    lines = iter(text.splitlines())
    for line in lines:
        m = _ASSIGN.match(line)
        if not m:
            continue
        key, expr = m.group(1), m.group(2)
        if expr.lstrip().startswith("[") and "]" not in expr:  # array continued on later lines
            parts = [expr]
            for more in itertools.islice(lines, MAX_ARRAY_LINES):
                parts.append(more)
                if "]" in more:
                    break
            expr = " ".join(parts)
        literals = _literals(expr)
        if not literals:
            continue
        if key == "license":
            fields["licenses"] = [literals[0][0]]
        elif key in ("files", "authors", "licenses"):
            fields[key] = [t for t, _ in literals]
        else:
            fields[key] = literals[0][0]
    return fields


def parse_gemspec(text: str, path: str) -> list[Package]:
    fields = resolve_interpolations(parse_gemspec_fields(text))
    name, version = fields.get("name", ""), fields.get("version", "")
    if not name or not version:
        return []
    metadata = {
        "Name": name,
        "Version": version,
        "Files": fields.get("files", []),
        "Authors": fields.get("authors", []),
        "Homepage": fields.get("homepage", ""),
    }
    licences = [License(value=v, locations=[Location(path=path)]) for v in fields.get("licenses", []) if v]
    return [
        _gem(
            name,
            version,
            SPEC_CATALOGER,
            path,
            licenses=licences,
            metadata_type="RubyGemspec",
            metadata=metadata,
        )
    ]


@register_cataloger
class GemfileLockCataloger:
    name: ClassVar[str] = LOCK_CATALOGER
    patterns: ClassVar[tuple[str, ...]] = LOCK_PATTERNS

    def catalog(self, resolver: FileResolver, context: CatalogContext) -> CatalogResult:
        return catalog_text_files(
            resolver, self.patterns, lambda t, p: CatalogResult(packages=parse_gemfile_lock(t, p))
        )


@register_cataloger
class GemspecCataloger:
    name: ClassVar[str] = SPEC_CATALOGER
    patterns: ClassVar[tuple[str, ...]] = SPEC_PATTERNS

    def catalog(self, resolver: FileResolver, context: CatalogContext) -> CatalogResult:
        return catalog_text_files(
            resolver, self.patterns, lambda t, p: CatalogResult(packages=parse_gemspec(t, p))
        )
