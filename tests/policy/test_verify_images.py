"""``packages:verify`` on real images: package databases written by real dpkg (or taken from a
real SUSE rpmdb, or in apk's installed-db format), analyzed with the platform's digest
selection, with one owned file modified in a later layer and one deleted by a whiteout."""

from __future__ import annotations

from pathlib import Path

from drydock.analyzer.analyze import analyze
from drydock.analyzer.catalogers.apk import ApkDBCataloger
from drydock.analyzer.catalogers.dpkg import DpkgDBCataloger
from drydock.analyzer.catalogers.rpm import RpmDBCataloger
from drydock.analyzer.config import AnalyzerConfig
from drydock.analyzer.rpmdb import read_packages
from drydock.core.config import AnalyzerServiceSettings
from drydock.policy.context import ImageContext
from drydock.policy.evaluate import evaluate
from drydock.policy.validation import compile_bundle
from tests.policy.factory import bundle_doc, context, fire, rule
from tests.policy.pkgimages import SLE_DB, TABSET_ONLY, apk_layer, dpkg_root, messages, rpm_layer
from tests.support.images import LayerSpec, build_image, write_docker_archive


def analyzed(tmp_path: Path, layers: list[LayerSpec]) -> ImageContext:
    """Analyze the image with the digests the platform computes (not the SBOM defaults)."""
    tmp_path.mkdir()
    archive = tmp_path / "image.tar"
    write_docker_archive(archive, [(["verify:1"], build_image(layers))])
    config = AnalyzerConfig(
        workers=1,
        scratch_dir=str(tmp_path),
        digest_algorithms=tuple(AnalyzerServiceSettings().file_digest_algorithms),
        catalogers=[DpkgDBCataloger(), ApkDBCataloger(), RpmDBCataloger()],
        scanners=[],
    )
    return context(analyze(f"docker-archive:{archive}", config))


def test_dpkg_changed_and_missing(tmp_path: Path) -> None:
    root = dpkg_root(tmp_path)
    assert "bin/demo-legacy" in (root / "var/lib/dpkg/info/demo-tool.md5sums").read_text()
    base = analyzed(tmp_path / "a", [root])
    assert not fire("packages", "verify", base)
    assert not base.problems
    later: LayerSpec = {
        "usr/bin/demo-tool": b"#!/bin/sh\necho pwned\n",
        "usr/bin/.wh.demo-helper": b"",
        "etc/demo.conf": b"setting=2\n",  # a conffile: edited on purpose, never "changed"
    }
    ctx = analyzed(tmp_path / "b", [root, later])
    out = fire("packages", "verify", ctx)
    assert sorted(out) == messages(
        "demo-tool", ("/usr/bin/demo-helper", "missing"), ("/usr/bin/demo-tool", "changed")
    )
    assert fire("packages", "verify", ctx, check="changed") == messages(
        "demo-tool", ("/usr/bin/demo-tool", "changed")
    )
    assert fire("packages", "verify", ctx, check="missing") == messages(
        "demo-tool", ("/usr/bin/demo-helper", "missing")
    )
    assert not fire("packages", "verify", ctx, only_directories="/etc,/bin")
    assert not fire("packages", "verify", ctx, only_packages="libc6,bash")
    assert len(fire("packages", "verify", ctx, only_packages="demo-tool", only_directories="/usr/bin/")) == 2


def test_dpkg_path_excluded_files_are_not_missing(tmp_path: Path) -> None:
    """Slim images keep docs off disk with dpkg's path-exclude; md5sums still lists them."""
    slim = "path-exclude=/usr/share/doc/*\npath-include=/usr/share/doc/*/copyright\n"
    root = dpkg_root(tmp_path, dpkg_cfg=slim)
    assert "usr/share/doc/demo-tool/README" in (root / "var/lib/dpkg/info/demo-tool.md5sums").read_text()
    assert not (root / "usr/share/doc/demo-tool/README").exists()
    assert not fire("packages", "verify", analyzed(tmp_path / "a", [root]))
    later: LayerSpec = {"usr/share/doc/demo-tool/.wh.copyright": b""}  # included, so verified
    assert fire("packages", "verify", analyzed(tmp_path / "b", [root, later])) == messages(
        "demo-tool", ("/usr/share/doc/demo-tool/copyright", "missing")
    )


def test_sbom_digests_report_a_problem_not_a_pass(tmp_path: Path) -> None:
    """Analyzed with sha256 only (``drydock sbom``'s default), a dpkg file change cannot be
    seen: the evaluation says so instead of passing silently."""
    root = dpkg_root(tmp_path)
    archive = tmp_path / "image.tar"
    later: LayerSpec = {"usr/bin/demo-tool": b"changed\n"}
    write_docker_archive(archive, [(["verify:1"], build_image([root, later]))])
    config = AnalyzerConfig(workers=1, scratch_dir=str(tmp_path), catalogers=[DpkgDBCataloger()], scanners=[])
    assert config.digest_algorithms == ("sha256",)
    ctx = context(analyze(f"docker-archive:{archive}", config))
    result = evaluate(compile_bundle(bundle_doc([rule("packages", "verify")])), ctx)
    assert result["result"]["img1"]["result"]["rows"] == []
    [problem] = result["evaluation_problems"]
    assert "no md5 file digests" in problem["details"]


def test_apk_changed_and_missing(tmp_path: Path) -> None:
    base = apk_layer()
    assert not fire("packages", "verify", analyzed(tmp_path / "a", [base]))
    later: LayerSpec = {
        "usr/bin/demo-helper": b"\x7fELF trojan",
        "usr/bin/.wh.demo-tool": b"",
        "etc/demo.conf": b"setting=2\n",  # under apk's protected /etc
    }
    ctx = analyzed(tmp_path / "b", [base, later])
    assert fire("packages", "verify", ctx) == messages(
        "demo-tool", ("/usr/bin/demo-helper", "changed"), ("/usr/bin/demo-tool", "missing")
    )
    assert fire("packages", "verify", ctx, check="missing") == messages(
        "demo-tool", ("/usr/bin/demo-tool", "missing")
    )
    assert not fire("packages", "verify", ctx, only_directories="/etc")
    assert not fire("packages", "verify", ctx, only_packages="musl")


def test_rpm_changed_and_missing(tmp_path: Path) -> None:
    base = analyzed(tmp_path / "a", [rpm_layer()])
    assert not fire("packages", "verify", base, **TABSET_ONLY)
    assert not fire("packages", "verify", base, only_packages="sles-release", only_directories="/etc/motd")
    # the rest of that SUSE image is not in this one: every other file rpm laid down is missing,
    # but not the %ghost files nor those the install skipped (docs, netshared)
    missing = fire("packages", "verify", base, check="missing")
    not_laid_down = {
        f.path
        for info in read_packages(SLE_DB.read_bytes(), print)
        for f in info.files
        if not f.expected_on_disk
    }
    assert len(not_laid_down) == 91 and len(missing) > 1000
    assert not {m.split("entry '")[1].split("'")[0] for m in missing} & not_laid_down
    later: LayerSpec = {
        "usr/share/tabset/vt100": b"\r\n\x1b[3g\n",
        "usr/share/tabset/.wh.vt300": b"",
        "etc/motd": b"Authorized use only\n",
    }
    ctx = analyzed(tmp_path / "b", [rpm_layer(), later])
    assert fire("packages", "verify", ctx, **TABSET_ONLY) == messages(
        "terminfo-base", ("/usr/share/tabset/vt100", "changed"), ("/usr/share/tabset/vt300", "missing")
    )
    assert fire("packages", "verify", ctx, check="changed", **TABSET_ONLY) == messages(
        "terminfo-base", ("/usr/share/tabset/vt100", "changed")
    )
    assert not fire("packages", "verify", ctx, only_packages="sles-release", only_directories="/etc/motd")
