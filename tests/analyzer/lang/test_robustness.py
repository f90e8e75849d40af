"""Hostile or broken manifests must give warnings, never exceptions or hangs."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from drydock.analyzer.catalogers.base import CatalogContext
from drydock.analyzer.catalogers.dotnet import DotnetDepsCataloger, DotnetPackagesLockCataloger
from drydock.analyzer.catalogers.javascript.lock import JavascriptLockCataloger
from drydock.analyzer.catalogers.javascript.package_json import JavascriptPackageCataloger
from drydock.analyzer.catalogers.lockfile_util import strip_jsonc
from drydock.analyzer.catalogers.php import ComposerInstalledCataloger, ComposerLockCataloger, PearCataloger
from drydock.analyzer.catalogers.python.installed import PythonInstalledCataloger
from drydock.analyzer.catalogers.python.project import PythonPackageCataloger
from drydock.analyzer.catalogers.ruby import GemfileLockCataloger, GemspecCataloger
from drydock.analyzer.catalogers.rust.cargo_lock import CargoLockCataloger
from drydock.analyzer.filetree import DirectoryResolver

CATALOGERS = [
    PythonInstalledCataloger(),
    PythonPackageCataloger(),
    JavascriptPackageCataloger(),
    JavascriptLockCataloger(),
    GemfileLockCataloger(),
    GemspecCataloger(),
    ComposerLockCataloger(),
    ComposerInstalledCataloger(),
    PearCataloger(),
    DotnetDepsCataloger(),
    DotnetPackagesLockCataloger(),
    CargoLockCataloger(),
]
FILES = [
    "app/package.json",
    "app/package-lock.json",
    "app/yarn.lock",
    "app/pnpm-lock.yaml",
    "app/bun.lock",
    "app/deno.lock",
    "app/requirements.txt",
    "app/setup.py",
    "app/poetry.lock",
    "app/Pipfile.lock",
    "app/pdm.lock",
    "app/uv.lock",
    "site/x.dist-info/METADATA",
    "site/x.dist-info/RECORD",
    "site/x.dist-info/direct_url.json",
    "site/y.egg-info",
    "app/Gemfile.lock",
    "gems/specifications/x.gemspec",
    "app/composer.lock",
    "vendor/composer/installed.json",
    "usr/share/php/.registry/.channel.pecl.php.net/x.reg",
    "app/x.deps.json",
    "app/packages.lock.json",
    "app/Cargo.lock",
]
PAYLOADS = {
    "binary": bytes(range(256)) * 8,
    "deep-json": b"[" * 100_000 + b"]" * 100_000,
    "deep-yaml": b"a:\n" + b"".join(b"  " * i + b"b:\n" for i in range(1, 600)),
    "wrong-shapes": b'{"packages": 5, "dependencies": [1, 2], "lockfileVersion": 2, "package": "x", "name": 7}',
    "empty": b"",
    "php-bomb": b"a:2147483647:{" + b"i:0;" * 10,
}


@pytest.mark.parametrize("payload", list(PAYLOADS))
def test_garbage_never_raises(tmp_path: Path, payload: str) -> None:
    for rel in FILES:
        target = tmp_path / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(PAYLOADS[payload])
    resolver = DirectoryResolver(tmp_path)
    started = time.monotonic()
    for cataloger in CATALOGERS:
        result = cataloger.catalog(resolver, CatalogContext())
        assert all(isinstance(w, str) for w in result.warnings)
    assert time.monotonic() - started < 10


def test_malformed_lock_is_a_warning_naming_the_file(tmp_path: Path) -> None:
    (tmp_path / "Cargo.lock").write_text("[[package]\nname = ")
    result = CargoLockCataloger().catalog(DirectoryResolver(tmp_path), CatalogContext())
    assert not result.packages and "/Cargo.lock" in result.warnings[0]


def test_strip_jsonc_keeps_strings_and_drops_comments_and_trailing_commas() -> None:
    text = '{"url": "https://x//y", /* c */ "a": [1, 2,], // tail\n "b": {"c": 1,},}'
    assert strip_jsonc(text) == '{"url": "https://x//y",  "a": [1, 2], \n "b": {"c": 1}}'


def test_thousands_of_node_modules_are_fast(tmp_path: Path) -> None:
    count = 3000
    for i in range(count):
        pkg = tmp_path / "app" / "node_modules" / f"@scope{i % 40}" / f"pkg{i}"
        pkg.mkdir(parents=True)
        (pkg / "package.json").write_text(
            f'{{"name": "@scope{i % 40}/pkg{i}", "version": "1.0.{i}", "license": "MIT"}}'
        )
    resolver = DirectoryResolver(tmp_path)
    list(resolver.entries())  # index the tree outside the timed part
    started = time.monotonic()
    result = JavascriptPackageCataloger().catalog(resolver, CatalogContext())
    elapsed = time.monotonic() - started
    assert len(result.packages) == count and not result.warnings
    assert elapsed < 5, f"{count} package.json files took {elapsed:.1f}s"
