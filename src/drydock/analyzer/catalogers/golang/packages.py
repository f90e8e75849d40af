"""Go build information → go-module packages, with syft's rules for the main module version.

A binary built from a checkout reports its own module as ``(devel)``; syft recovers a real
version from ``-ldflags -X ...version=`` (the release process usually stamps one), optionally
from a semver string in the binary, and otherwise composes a Go pseudo-version from the VCS
stamp. The toolchain itself is reported as the ``stdlib`` package so Go CVEs match.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from packageurl import PackageURL

from drydock.analyzer.catalogers.golang.modinfo import BuildInfo, Module
from drydock.analyzer.model import License, Location, Package, PackageType, Relationship

CATALOGER_NAME = "go-module-binary-cataloger"
DEVEL = "(devel)"
_COMMAND_LINE = "command-line-arguments"

_LDFLAG_ASSIGNMENT = re.compile(r"-X[= ]['\"\\]*(?P<key>[^=\s'\"\\]+)=(?P<value>[^\s'\"\\]+)")
_VERSION_VARIABLE = re.compile(r"^(?:[gG]it|[bB]uild|[rR]elease|TiDBRelease)?[vV]ersion$|^[tT]ag$")
_SEMVER_VALUE = re.compile(r"^(?:[\w.-]+/)?(?P<version>v?\d+\.\d+\.\d+[-\w.+]*)$")
_CONTENTS_SEMVER = re.compile(rb"(?:\x00|[\x80-\xff])L?(?P<version>v?\d+\.\d+\.\d+[-\w.]*(?:\+[\w.-]+)?)\x00")


@dataclass(frozen=True, slots=True)
class MainVersionConfig:
    """Where a ``(devel)`` main module may take its version from (syft's defaults)."""

    from_ldflags: bool = True
    from_contents: bool = False
    from_build_settings: bool = True


def go_purl(name: str, version: str) -> str:
    """``pkg:golang/<module path>@<version>``: everything up to the last '/' is the namespace."""
    namespace, _, short = name.rpartition("/")
    return PackageURL(
        type="golang", namespace=namespace or None, name=short, version=version or None
    ).to_string()


def ldflags_version(ldflags: str, main_module: str) -> tuple[str, str]:
    """(major, full "v"-prefixed version) from ``-X pkg.version=...`` assignments, preferring
    variables under the main module's import path; ('', '') when none looks like semver."""
    candidates: list[tuple[bool, str]] = []
    for m in _LDFLAG_ASSIGNMENT.finditer(ldflags):
        key, value = m.group("key"), m.group("value")
        if not _VERSION_VARIABLE.match(key.rsplit(".", 1)[-1]):
            continue
        sv = _SEMVER_VALUE.match(value)
        if sv:
            candidates.append((bool(main_module) and key.startswith(main_module + "/"), sv.group("version")))
    if not candidates:
        return "", ""
    version = next((v for own, v in candidates if own), candidates[0][1])
    full = version if version.startswith("v") else "v" + version
    return full[1:].split(".")[0], full


def version_from_contents(data: bytes) -> str:
    m = _CONTENTS_SEMVER.search(data)
    return m.group("version").decode() if m else ""


def pseudo_version(revision: str, vcs_time: str) -> str:
    """v0.0.0-<UTC yyyymmddhhmmss>-<12 hex of the revision>, as ``go`` itself would write."""
    if len(revision) < 12 or not vcs_time:
        return ""
    try:
        stamp = datetime.fromisoformat(vcs_time)
    except ValueError:
        return ""
    return f"v0.0.0-{stamp.strftime('%Y%m%d%H%M%S')}-{revision[:12]}"


def split_go_version(go_version: str) -> tuple[str, list[str]]:
    """``go1.22.2 X:a,b`` → (go1.22.2, [a, b])."""
    version, _, rest = go_version.partition(" ")
    experiments = [e for e in rest.removeprefix("X:").split(",") if e] if rest.startswith("X:") else []
    return version, experiments


def _is_local(path: str) -> bool:
    return path.startswith(("./", "../", "/")) or path in (".", "..")


@dataclass(slots=True)
class BinaryContext:
    location: Location
    arch: str = ""
    crypto_settings: list[str] | None = None
    contents: bytes = b""
    config: MainVersionConfig = MainVersionConfig()


def _metadata(info: BuildInfo, ctx: BinaryContext, main_path: str, h1: str, main: bool) -> dict[str, Any]:
    version, experiments = split_go_version(info.go_version)
    meta: dict[str, Any] = {
        "GoCompiledVersion": version,
        "Architecture": ctx.arch,
        "H1Digest": h1,
        "MainModule": main_path,
    }
    if main:
        meta["BuildSettings"] = [{"Key": k, "Value": v} for k, v in info.settings]
    if ctx.crypto_settings:
        meta["GoCryptoSettings"] = list(ctx.crypto_settings)
    if experiments:
        meta["GoExperiments"] = experiments
    return {k: v for k, v in meta.items() if v not in ("", [], None)}


def _package(module: Module, info: BuildInfo, ctx: BinaryContext, main_path: str, main: bool) -> Package:
    name, version, h1 = module.path, module.version, module.sum
    if module.replace is not None:
        if not _is_local(module.replace.path):
            name = module.replace.path
        version, h1 = module.replace.version, module.replace.sum
    if version == DEVEL:
        version = ""
    return Package(
        name=name,
        version=version,
        type=PackageType.GO_MODULE,
        found_by=CATALOGER_NAME,
        locations=[ctx.location],
        language="go",
        purl=go_purl(name, version),
        metadata_type="GolangBinaryBuildinfoEntry",
        metadata=_metadata(info, ctx, main_path, h1, main),
    )


def _main_version(info: BuildInfo, main_path: str, ctx: BinaryContext) -> str:
    if ctx.config.from_ldflags:
        _, full = ldflags_version(info.setting("-ldflags"), main_path)
        if full:
            return full
    if ctx.config.from_contents and ctx.contents:
        found = version_from_contents(ctx.contents)
        if found:
            return found
    if ctx.config.from_build_settings:
        return pseudo_version(info.setting("vcs.revision"), info.setting("vcs.time"))
    return ""


def _effective_main(info: BuildInfo) -> tuple[Module, list[Module]]:
    """The main module, and the deps to report. ``go build file.go`` names the main module
    "command-line-arguments"; the real module then shows up as a (devel) dependency."""
    main = info.main
    deps = [d for d in info.deps if d.path]
    if not main.path and info.path:
        main = Module(path=info.path, version=DEVEL)
    if main.path == _COMMAND_LINE:
        real = next(
            (d for d in deps if d.version == DEVEL and d.path != _COMMAND_LINE and d.replace is None), None
        )
        if real is not None:
            main = Module(path=real.path, version=DEVEL, sum=real.sum)
    deps = [d for d in deps if d.path != main.path]
    return main, deps


def _modules(info: BuildInfo, ctx: BinaryContext) -> tuple[list[Package], Package | None]:
    main, deps = _effective_main(info)
    dep_pkgs = [_package(d, info, ctx, main.path, main=False) for d in deps]
    if not main.path:
        return dep_pkgs, None
    main_pkg = _package(main, info, ctx, main.path, main=True)
    if not main_pkg.version:
        main_pkg.version = _main_version(info, main.path, ctx)
        main_pkg.purl = go_purl(main_pkg.name, main_pkg.version)
    return dep_pkgs, main_pkg


def packages_from_buildinfo(info: BuildInfo, ctx: BinaryContext) -> list[Package]:
    """Dependencies first, then the main module (syft's order); no stdlib here."""
    deps, main = _modules(info, ctx)
    return deps + ([main] if main is not None else [])


def stdlib_package(info: BuildInfo, ctx: BinaryContext) -> Package | None:
    """The Go toolchain the binary was built with, as syft's ``stdlib`` package."""
    version, _ = split_go_version(info.go_version)
    if not version.startswith("go"):
        return None
    plain = version[2:]
    return Package(
        name="stdlib",
        version=version,
        type=PackageType.GO_MODULE,
        found_by=CATALOGER_NAME,
        locations=[ctx.location],
        language="go",
        purl=go_purl("stdlib", plain),
        cpes=[f"cpe:2.3:a:golang:go:{plain}:-:*:*:*:*:*:*"],
        licenses=[License(value="BSD-3-Clause", spdx_expression="BSD-3-Clause", locations=[ctx.location])],
        metadata_type="GolangBinaryBuildinfoEntry",
        metadata={k: v for k, v in (("GoCompiledVersion", version), ("Architecture", ctx.arch)) if v},
    )


def catalog_buildinfo(info: BuildInfo, ctx: BinaryContext) -> tuple[list[Package], list[Relationship]]:
    """Packages of one binary plus "stdlib dependency-of main module"."""
    deps, main = _modules(info, ctx)
    packages = deps + ([main] if main is not None else [])
    rels: list[Relationship] = []
    std = stdlib_package(info, ctx)
    if std is not None:
        packages.append(std)
        if main is not None:
            rels.append(Relationship(std.id, main.id, "dependency-of"))
    return packages, rels
