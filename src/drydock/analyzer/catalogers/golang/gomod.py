"""go-module-file-cataloger: ``go.mod`` (with ``go.sum`` digests) in source trees.

Every ``require`` becomes a go-module package after ``replace`` and ``exclude`` are applied;
the main module itself is not reported (it is the project being scanned). A replacement by a
local directory has no version. Licences can optionally be read from a module cache or a
vendor directory inside the scanned tree (``context.config["golang"]``).
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field
from typing import Any

from drydock.analyzer.catalogers.base import CatalogContext, CatalogError, register_cataloger
from drydock.analyzer.catalogers.golang.packages import go_purl
from drydock.analyzer.catalogers.license_text import classify as classify_license_text
from drydock.analyzer.catalogers.lockfile_util import catalog_each, primary, read_text
from drydock.analyzer.filetree import FileResolver, FileTooLarge
from drydock.analyzer.model import CatalogResult, FileType, License, Package, PackageType

CATALOGER_NAME = "go-module-file-cataloger"
_DIRECTIVES = {
    "module",
    "go",
    "toolchain",
    "godebug",
    "require",
    "exclude",
    "replace",
    "retract",
    "tool",
    "ignore",
}
_LICENSE_NAME = re.compile(r"^(?:un)?licen[cs]e(?:[.-].*)?$|^copying(?:[.-].*)?$", re.IGNORECASE)
_LICENSE_GLOB = "[Ll][Ii][Cc][Ee][Nn][SsCc][Ee]*"


@dataclass(slots=True)
class GoMod:
    module: str = ""
    requires: list[tuple[str, str]] = field(default_factory=list)
    replaces: dict[tuple[str, str], tuple[str, str]] = field(default_factory=dict)  # (old, old ver or '')
    excludes: set[tuple[str, str]] = field(default_factory=set)


def _tokens(line: str) -> list[str]:
    """Split a go.mod line into tokens, dropping ``//`` comments and quotes."""
    body = line.split("//", 1)[0]
    return [t.strip('"`') for t in body.split()]


def _apply(mod: GoMod, verb: str, args: list[str], path: str, lineno: int) -> None:
    if verb == "module" and args:
        mod.module = args[0]
    elif verb == "require":
        if len(args) < 2:
            raise CatalogError(f"{path}:{lineno}: malformed require")
        mod.requires.append((args[0], args[1]))
    elif verb == "exclude" and len(args) >= 2:
        mod.excludes.add((args[0], args[1]))
    elif verb == "replace":
        if "=>" not in args:
            raise CatalogError(f"{path}:{lineno}: malformed replace")
        arrow = args.index("=>")
        old, new = args[:arrow], args[arrow + 1 :]
        if not old or not new:
            raise CatalogError(f"{path}:{lineno}: malformed replace")
        mod.replaces[(old[0], old[1] if len(old) > 1 else "")] = (new[0], new[1] if len(new) > 1 else "")


def parse_go_mod(path: str, text: str) -> GoMod:
    """A strict reading of go.mod: unknown directives are an error (as golang.org/x/mod)."""
    mod = GoMod()
    block: str | None = None
    for lineno, raw in enumerate(text.splitlines(), 1):
        tokens = _tokens(raw)
        if not tokens:
            continue
        if block is not None:
            if tokens == [")"]:
                block = None
                continue
            _apply(mod, block, tokens, path, lineno)
            continue
        verb, args = tokens[0], tokens[1:]
        if verb not in _DIRECTIVES:
            raise CatalogError(f"{path}:{lineno}: unknown directive {verb!r}")
        if args == ["("]:
            block = verb
            continue
        _apply(mod, verb, args, path, lineno)
    if block is not None:
        raise CatalogError(f"{path}: unterminated {block} block")
    return mod


def parse_go_sum(text: str) -> dict[tuple[str, str], str]:
    """(module, version) → h1 digest of the module zip (the ``/go.mod`` lines are skipped)."""
    out: dict[tuple[str, str], str] = {}
    for line in text.splitlines():
        parts = line.split()
        if len(parts) == 3 and not parts[1].endswith("/go.mod") and parts[2].startswith("h1:"):
            out[(parts[0], parts[1])] = parts[2]
    return out


def _is_local(path: str) -> bool:
    return path.startswith(("./", "../", "/")) or path in (".", "..")


def resolved_requirements(mod: GoMod) -> list[tuple[str, str]]:
    """(module, version) after replace/exclude; local-directory replacements lose the version."""
    out: dict[str, str] = {}
    for req_path, req_version in mod.requires:
        if (req_path, req_version) in mod.excludes:
            continue
        new = mod.replaces.get((req_path, req_version)) or mod.replaces.get((req_path, ""))
        name, version = req_path, req_version
        if new is not None:
            if _is_local(new[0]):
                version = ""
            else:
                name, version = new
        out[name] = version
    return list(out.items())


def escape_module_path(path: str) -> str:
    """Go's module cache case-encoding: an upper-case letter becomes '!' + lower case."""
    return re.sub(r"[A-Z]", lambda m: "!" + m.group(0).lower(), path)


@dataclass(frozen=True, slots=True)
class LicenseSearch:
    """Where module licences may be found inside the scanned tree."""

    mod_cache_dir: str = ""
    vendor_dir: str = ""

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> LicenseSearch:
        go = config.get("golang") or {}
        return cls(
            mod_cache_dir=go.get("local_mod_cache_dir", "")
            if go.get("search_local_mod_cache_licenses")
            else "",
            vendor_dir=go.get("local_vendor_dir", "") if go.get("search_local_vendor_licenses") else "",
        )


def module_licenses(
    resolver: FileResolver, search: LicenseSearch, module: str, version: str
) -> list[License]:
    """Licence files at the top of the module's directory, recognised by their text."""
    escaped = escape_module_path(module)
    places = []
    if search.mod_cache_dir and version:
        places.append(
            (
                posixpath.join("/", search.mod_cache_dir, f"{escaped}@{version}"),
                f"file://$GOPATH/pkg/mod/{escaped}@{version}",
            )
        )
    if search.vendor_dir:
        places.append((posixpath.join("/", search.vendor_dir, escaped), f"file://$GO_VENDOR/{escaped}"))
    for directory, url_base in places:
        found = []
        for entry in resolver.glob(directory + "/*"):
            name = posixpath.basename(entry.path)
            if entry.type is not FileType.REGULAR or not _LICENSE_NAME.match(name):
                continue
            try:
                spdx = classify_license_text(resolver.read_text(entry.path))
            except (FileNotFoundError, FileTooLarge, OSError):
                continue
            if spdx:
                found.append(
                    License(value=spdx, spdx_expression=spdx, type="concluded", urls=[f"{url_base}/{name}"])
                )
        if found:
            return found
    return []


def _catalog_go_mod(resolver: FileResolver, path: str, search: LicenseSearch) -> CatalogResult:
    mod = parse_go_mod(path, read_text(resolver, path))
    sums: dict[tuple[str, str], str] = {}
    go_sum = posixpath.join(posixpath.dirname(path), "go.sum")
    if resolver.exists(go_sum):
        sums = parse_go_sum(read_text(resolver, go_sum))
    packages = []
    for name, version in resolved_requirements(mod):
        h1 = sums.get((name, version), "")
        packages.append(
            Package(
                name=name,
                version=version,
                type=PackageType.GO_MODULE,
                found_by=CATALOGER_NAME,
                locations=[primary(path)],
                language="go",
                purl=go_purl(name, version),
                licenses=module_licenses(resolver, search, name, version),
                metadata_type="GolangModuleEntry",
                metadata={"H1Digest": h1} if h1 else {},
            )
        )
    return CatalogResult(packages=packages)


@register_cataloger
class GoModCataloger:
    name = CATALOGER_NAME
    patterns = ("**/go.mod", "**/go.sum", f"**/pkg/mod/**/{_LICENSE_GLOB}", f"**/vendor/**/{_LICENSE_GLOB}")

    def catalog(self, resolver: FileResolver, context: CatalogContext) -> CatalogResult:
        search = LicenseSearch.from_config(context.config)
        paths = [e.path for e in resolver.glob("**/go.mod") if e.type is FileType.REGULAR]
        return catalog_each(resolver, paths, lambda r, p: _catalog_go_mod(r, p, search))
