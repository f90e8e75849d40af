"""Bucketed glob matching agrees with the plain regex semantics of filetree.glob_match."""

from __future__ import annotations

import pickle

import pytest

from drydock.analyzer.filetree import glob_match
from drydock.analyzer.model import FileEntry, FileType
from drydock.analyzer.pathmatch import GlobSet, NameIndex, expand_braces

GLOBS = [
    "**/package.json",
    "/var/lib/dpkg/status",
    "**/*.jar",
    "**/python*",
    "**/{go,go.exe}",
    "**/*.so*",
    "**/*{dist-info,DIST-INFO}/METADATA",
    "**/lib/apk/db/installed",
    "/etc/*-release",
    "**/Gemfile*.lock",
    "**/php/.registry/**/*.reg",
    "**/[Cc]argo.lock",
]
PATHS = [
    "/app/node_modules/a/package.json",
    "/var/lib/dpkg/status",
    "/var/lib/dpkg/status-old",
    "/opt/x/lib.jar",
    "/usr/bin/python3.11",
    "/usr/bin/go",
    "/usr/bin/go.exe",
    "/usr/bin/gofmt",
    "/usr/lib/libc.so.6",
    "/usr/lib/libz.so",
    "/x/six-1.0.dist-info/METADATA",
    "/x/six.egg-info/METADATA",
    "/lib/apk/db/installed",
    "/etc/os-release",
    "/etc/debian_version",
    "/app/Gemfile.lock",
    "/usr/share/php/.registry/a/b.reg",
    "/src/Cargo.lock",
    "/src/cargo.lock",
    "/src/xargo.lock",
    "/package.json",
    "/a.jar/inner",
]


def test_expand_braces() -> None:
    assert expand_braces("a{b,c}d{e,f}") == ["abde", "abdf", "acde", "acdf"]
    assert expand_braces("plain") == ["plain"]


@pytest.mark.parametrize("path", PATHS)
def test_globset_agrees_with_glob_match(path: str) -> None:
    gs = pickle.loads(pickle.dumps(GlobSet(GLOBS)))
    assert gs.match(path) == any(glob_match(g, path) for g in GLOBS)


@pytest.mark.parametrize("pattern", GLOBS)
def test_name_index_agrees_with_full_scan(pattern: str) -> None:
    entries = [FileEntry(p, FileType.REGULAR, 0o644) for p in PATHS]
    index = NameIndex(entries)
    assert [e.path for e in index.glob(pattern)] == sorted(p for p in PATHS if glob_match(pattern, p))


def test_literal_paths() -> None:
    assert sorted(GlobSet(["etc/passwd", "/var/lib/dpkg/status", "**/x"]).literal_paths()) == [
        "/etc/passwd",
        "/var/lib/dpkg/status",
    ]
