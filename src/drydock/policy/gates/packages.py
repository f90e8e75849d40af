"""``packages``: required and forbidden packages, and OS package file verification."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from drydock.policy.context import ImageContext
from drydock.policy.gates.base import Fired, Gate, Param, Trigger, csv_param, enum_param
from drydock.policy.gates.checks import version_at_least
from drydock.policy.gates.pkgverify import MISSING, TreeLookup, file_status, owned_files

NAME = Param("name", "Name of package that must be found installed in image.", "libssl", required=True)


class RequiredPackageTrigger(Trigger):
    name = "required_package"
    description = (
        "Triggers if the specified package and optionally a specific version is not found in the image."
    )
    params = (
        NAME,
        Param("version", "Optional version of package for exact version match.", "1.10.3rc3"),
        enum_param(
            "version_match_type",
            "The type of comparison to use for version if a version is provided.",
            ("exact", "minimum"),
        ),
    )

    def evaluate(self, ctx: ImageContext, p: dict[str, Any]) -> Iterator[Fired]:
        name, version, how = p["name"], p.get("version"), p.get("version_match_type", "exact")
        candidates = [pkg for pkg in ctx.analysis.packages if pkg.name == name]
        if version is None:
            if not candidates:
                yield Fired(f"Required package {name} not present in image")
            return
        if how == "minimum":
            if not any(version_at_least(str(pkg.type), pkg.version, version) for pkg in candidates):
                yield Fired(f"Required min version of package {name} ({version}) not present in image")
        elif not any(pkg.version == version for pkg in candidates):
            yield Fired(f"Required package {name}-{version} not present in image")


class VerifyTrigger(Trigger):
    name = "verify"
    description = 'Check package integrity against package db in the image. Triggers for changes or removal or content in all or the selected "dirs" parameter if provided, and can filter type of check with the "check_only" parameter.'
    params = (
        csv_param("only_packages", "List of package names to limit verification.", "libssl,openssl"),
        csv_param(
            "only_directories",
            "List of directories to limit checks so as to avoid checks on all dir.",
            "/usr,/var/lib",
        ),
        enum_param("check", "Check to perform instead of all.", ("changed", "missing"), example="changed"),
    )

    def evaluate(self, ctx: ImageContext, p: dict[str, Any]) -> Iterator[Fired]:
        only_pkgs, dirs, check = p.get("only_packages"), p.get("only_directories"), p.get("check")
        tree, unavailable = TreeLookup(ctx.files_by_path), set[str]()
        for pkg in ctx.analysis.packages:
            if not pkg.type.is_os or (only_pkgs and pkg.name not in only_pkgs):
                continue
            for owned in owned_files(pkg):
                path = owned.path
                if dirs and not any(path == d or path.startswith(d.rstrip("/") + "/") for d in dirs):
                    continue
                status = file_status(owned, tree, unavailable)
                if status and check in (None, status):
                    yield Fired(
                        f"VERIFY check against package db for package '{pkg.name}' failed on entry '{path}' with status: '{status}'"
                    )
        if unavailable and check != MISSING:
            names = ", ".join(sorted(unavailable))
            ctx.problem(
                f"packages/verify: the image analysis has no {names} file digests, so changed package "
                "files cannot be detected (the analyzer's file_digest_algorithms setting)"
            )


class BlacklistTrigger(Trigger):
    name = "blacklist"
    description = "Triggers if the evaluated image has a package installed that matches the named package optionally with a specific version as well."
    params = (
        Param("name", "Package name to blacklist.", "openssh-server", required=True),
        Param("version", "Specific version of package to blacklist.", "1.0.1"),
    )

    def evaluate(self, ctx: ImageContext, p: dict[str, Any]) -> Iterator[Fired]:
        name, version = p["name"], p.get("version")
        for pkg in ctx.analysis.packages:
            if pkg.name == name and version in (None, pkg.version):
                label = f"{pkg.name}-{pkg.version}" if version else pkg.name
                yield Fired(f"Package is blacklisted: {label}")


GATE = Gate("packages", "Distro package checks", (RequiredPackageTrigger, VerifyTrigger, BlacklistTrigger))
