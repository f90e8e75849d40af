"""``packages``: required and forbidden packages, and OS package file verification."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterator
from typing import Any

from drydock.analyzer.model import FileType, Package
from drydock.policy.context import ImageContext
from drydock.policy.gates.base import Fired, Gate, Param, Trigger, csv_param, enum_param
from drydock.policy.gates.checks import version_at_least

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


def _hex(algorithm: str, value: str) -> tuple[str, str]:
    """apk writes ``Q1`` + base64 SHA-1; everything else is already hex."""
    if value.startswith("Q1"):
        try:
            return "sha1", base64.b64decode(value[2:]).hex()
        except (binascii.Error, ValueError):
            return algorithm, value
    return algorithm.lower(), value.lower()


def _package_files(pkg: Package) -> list[dict[str, Any]]:
    files = pkg.metadata.get("Files") or pkg.metadata.get("files") or []
    return [f for f in files if isinstance(f, dict) and isinstance(f.get("Path") or f.get("path"), str)]


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
        for pkg in ctx.analysis.packages:
            if not pkg.type.is_os or (only_pkgs and pkg.name not in only_pkgs):
                continue
            for record in _package_files(pkg):
                path = str(record.get("Path") or record.get("path"))
                if dirs and not any(path == d or path.startswith(d.rstrip("/") + "/") for d in dirs):
                    continue
                status = self._status(ctx, record, path)
                if status and check in (None, status):
                    yield Fired(
                        f"VERIFY check against package db for package '{pkg.name}' failed on entry '{path}' with status: '{status}'"
                    )

    @staticmethod
    def _status(ctx: ImageContext, record: dict[str, Any], path: str) -> str | None:
        entry = ctx.files_by_path.get(path)
        if entry is None:
            return "missing"
        digest = record.get("Digest") or record.get("digest")
        # Config files are meant to be edited, so a changed digest there is no integrity finding.
        if entry.type is not FileType.REGULAR or not isinstance(digest, dict) or record.get("IsConfigFile"):
            return None
        algorithm, value = _hex(
            str(digest.get("Algorithm") or digest.get("algorithm") or ""),
            str(digest.get("Value") or digest.get("value") or ""),
        )
        actual = entry.digests.get(algorithm)
        if actual is None or not value:
            return None  # the analyzer did not compute this algorithm: nothing to compare
        return "changed" if actual.lower() != value else None


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
