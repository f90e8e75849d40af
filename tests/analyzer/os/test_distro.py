"""Distro detection against every linux-release fixture case (syft's IdentifyRelease)."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import Any

import pytest
from tests.analyzer.os.ospkg_fixtures import case_dirs, load_case

from drydock.analyzer.distro import (
    DISTRO_PATTERNS,
    Release,
    detect_distro,
    identify_release,
    parse_os_release,
    parse_redhat_release,
    parse_system_release_cpe,
)
from drydock.analyzer.filetree import DirectoryResolver, glob_match

PARSERS = {
    "parseOsRelease": parse_os_release,
    "parseRedhatRelease": parse_redhat_release,
    "parseSystemReleaseCPE": parse_system_release_cpe,
}


def _as_expected(release: Release | None) -> dict[str, Any] | None:
    if release is None:
        return None
    out = {k: v for k, v in asdict(release).items() if v}
    if "IDLike" in out:
        out["IDLike"] = list(out["IDLike"])
    return out


def _clean(expected: dict[str, Any] | None) -> dict[str, Any] | None:
    if expected is None:
        return None
    return {k: v for k, v in expected.items() if v}


@pytest.mark.parametrize("case_dir", case_dirs("linux-release"), ids=lambda p: p.name)
def test_linux_release_case(case_dir: Path) -> None:
    case = load_case(case_dir)
    function = case["function"]
    if function in PARSERS:
        (only,) = case["source"]["files"]
        got = PARSERS[function]((case_dir / only["to"]).read_text())
    else:
        got = identify_release(DirectoryResolver(case_dir / case["scan_root"]))
    assert _as_expected(got) == _clean(case["release"])


def test_detect_distro_maps_release_fields() -> None:
    distro = detect_distro(DirectoryResolver(case_dirs("linux-release")[0]))
    assert distro is not None
    assert (distro.id, distro.version_id, distro.id_like) == ("almalinux", "8.4", ("rhel", "centos", "fedora"))


def test_distro_patterns_cover_every_file_read() -> None:
    for path in ("/etc/os-release", "/usr/lib/os-release", "/etc/debian_version", "/bin/busybox",
                 "/etc/redhat-release", "/etc/system-release-cpe"):
        assert any(glob_match(p, path) for p in DISTRO_PATTERNS), path


def test_os_release_without_fields_is_no_release() -> None:
    assert parse_os_release("# only a comment\n\nnot a pair\n") is None
