"""The analysis pipeline: an image in, an ``ImageAnalysis`` out.

Stages (each timed in ``ImageAnalysis.timings`` and reported to ``progress(stage, done,
total)``): info → squash (layers read in parallel; scanners, regex searches and digests run
while the streams pass) → distro → catalogers → CPEs → owned-package filtering → dedupe →
files → secrets/content → retrieved files → malware (when configured) → image metadata.
The scratch dir (spilled captures) is removed on every exit path.

Failure policy: a source or layer that cannot be read fails the analysis with
``AnalysisError`` naming the reason; a cataloger that breaks on one image becomes a warning
(the other catalogers' findings are still worth having).
"""

from __future__ import annotations

import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from drydock.analyzer.catalogers.base import (
    CatalogContext,
    Cataloger,
    FileScanner,
    all_catalogers,
    all_scanners,
)
from drydock.analyzer.config import AnalyzerConfig
from drydock.analyzer.cpe import generate_cpes
from drydock.analyzer.dirscan import scan_directory
from drydock.analyzer.distro import DISTRO_PATTERNS, detect_distro
from drydock.analyzer.dockerfile import dockerfile_from_history
from drydock.analyzer.files import file_list, retrieve_files
from drydock.analyzer.filetree import FileResolver
from drydock.analyzer.image_metadata import image_metadata, source_summary
from drydock.analyzer.layerscan import ScanPlan
from drydock.analyzer.model import CatalogResult, Distro, ImageAnalysis, MalwareScan, Package
from drydock.analyzer.pathmatch import GlobSet
from drydock.analyzer.pkgfilter import apply_ownership, attach_layers, dedupe, keep_relationships
from drydock.analyzer.secrets import RegexSearcher
from drydock.analyzer.sources import open_source
from drydock.analyzer.sources.base import ImageSource, LayerRef, SourceError
from drydock.analyzer.sources.directory import DirectorySource
from drydock.analyzer.squash import SquashError, SquashResult, squash

Progress = Callable[[str, int, int], None]


class AnalysisError(Exception):
    """The image could not be analyzed; the message is the reason shown to users."""


class _Stages:
    """Times stages and reports progress."""

    def __init__(self, progress: Progress | None) -> None:
        self.timings: dict[str, float] = {}
        self.progress = progress

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        start = time.perf_counter()
        if self.progress:
            self.progress(name, 0, 1)
        yield
        self.timings[name] = round(time.perf_counter() - start, 6)
        if self.progress:
            self.progress(name, 1, 1)


def _selected(config: AnalyzerConfig) -> tuple[list[Cataloger], list[FileScanner]]:
    catalogers = list(config.catalogers) if config.catalogers is not None else all_catalogers()
    scanners = list(config.scanners) if config.scanners is not None else all_scanners()
    return catalogers, scanners


def build_plan(
    config: AnalyzerConfig, catalogers: list[Cataloger], scanners: list[FileScanner], scratch: str
) -> ScanPlan:
    """Everything the layer workers need: which paths to capture (every cataloger pattern,
    the distro files, the retrieve list), which scanners and searchers to run."""
    globs = [p for c in catalogers for p in c.patterns]
    globs += list(DISTRO_PATTERNS) + list(config.retrieve_files)
    searchers = {}
    if config.secret_regexes:
        searchers["secret"] = RegexSearcher(dict(config.secret_regexes), config.secret_max_bytes)
    if config.content_regexes:
        searchers["content"] = RegexSearcher(dict(config.content_regexes), config.content_max_bytes)
    return ScanPlan(
        capture=GlobSet(globs),
        scratch_dir=scratch,
        max_file_bytes=config.max_file_bytes,
        spill_bytes=config.spill_bytes,
        max_entries=config.max_layer_entries,
        digest_algorithms=tuple(config.digest_algorithms),
        scanners=scanners,
        scanner_context=CatalogContext(distro=None, config=dict(config.cataloger_config)),
        searchers=searchers,
    )


def _open(source: ImageSource | str) -> ImageSource:
    return source if isinstance(source, ImageSource) else open_source(source)


def _squash(
    source: ImageSource,
    layers: list[LayerRef],
    plan: ScanPlan,
    config: AnalyzerConfig,
    progress: Progress | None,
) -> SquashResult:
    if isinstance(source, DirectorySource):
        return scan_directory(source.resolver(), plan)
    return squash(source, layers, plan, workers=config.worker_count(), progress=progress)


def _run_catalogers(
    catalogers: list[Cataloger], resolver: FileResolver, context: CatalogContext, progress: Progress | None
) -> CatalogResult:
    out = CatalogResult()
    for i, cataloger in enumerate(catalogers):
        try:
            out.extend(cataloger.catalog(resolver, context))
        except Exception as exc:  # noqa: BLE001 - a broken cataloger must not cost the other findings
            out.warnings.append(f"cataloger {cataloger.name} failed: {type(exc).__name__}: {exc}")
        if progress:
            progress("catalog", i + 1, len(catalogers))
    return out


def _correlate(found: CatalogResult, resolver: FileResolver) -> None:
    """Cross-cataloger merges that need the scanners' findings too (.NET assemblies into the
    deps.json packages claiming them). Imported here: cataloger modules load with the first
    analysis, not with this module."""
    from drydock.analyzer.catalogers.dotnet import correlate_assemblies

    correlate_assemblies(found, resolver)


def _add_cpes(packages: list[Package], distro: Distro | None) -> None:
    for pkg in packages:
        if not pkg.cpes:
            pkg.cpes = list(generate_cpes(pkg, distro))


def analyze(
    source: ImageSource | str, config: AnalyzerConfig | None = None, progress: Progress | None = None
) -> ImageAnalysis:
    """Analyze one image. Raises AnalysisError (source unreadable, corrupt layer)."""
    config = config or AnalyzerConfig()
    stages = _Stages(progress)
    scratch = tempfile.mkdtemp(prefix="drydock-analysis-", dir=config.scratch_dir)
    src: ImageSource | None = None
    try:
        with stages.stage("info"):
            src = _open(source)
            info = src.info()
        catalogers, scanners = _selected(config)
        plan = build_plan(config, catalogers, scanners, scratch)
        with stages.stage("squash"):
            squashed = _squash(src, info.layers, plan, config, progress)
        resolver = squashed.resolver
        warnings = list(squashed.warnings)
        with stages.stage("distro"):
            distro = detect_distro(resolver)
        with stages.stage("catalog"):
            found = _run_catalogers(
                catalogers, resolver, CatalogContext(distro, dict(config.cataloger_config)), progress
            )
            for result in squashed.scan_results:
                found.extend(result)
            _correlate(found, resolver)
            attach_layers(found.packages, resolver)
            warnings += found.warnings
        with stages.stage("cpe"):
            _add_cpes(found.packages, distro)
        with stages.stage("ownership"):
            packages, owned = apply_ownership(found.packages, resolver, config.enable_owned_package_filtering)
        with stages.stage("dedupe"):
            packages = sorted(dedupe(packages), key=lambda p: (str(p.type), p.name, p.version, p.id))
            relationships = keep_relationships(found.relationships + owned, packages)
        with stages.stage("files"):
            files = file_list(resolver)
        with stages.stage("retrieve"):
            retrieved, retrieve_warnings = retrieve_files(
                resolver, tuple(config.retrieve_files), config.retrieve_max_bytes
            )
            warnings += retrieve_warnings
        malware: list[MalwareScan] | None = None
        if config.malware is not None:
            # imported only when a scan is configured: most analyses have none
            from drydock.analyzer.malware.scan import scan_image

            with stages.stage("malware"):
                scan, malware_warnings = scan_image(
                    config.malware, src, info.layers, resolver, scratch, config.max_layer_entries
                )
                malware = [scan]
                warnings += malware_warnings
        with stages.stage("metadata"):
            metadata = image_metadata(info)
            dockerfile = config.dockerfile or dockerfile_from_history(metadata["history"])
        return ImageAnalysis(
            source=source_summary(info, src.scheme),
            distro=distro,
            packages=packages,
            relationships=relationships,
            files=files,
            secrets=squashed.matches.get("secret", []),
            content_matches=squashed.matches.get("content", []),
            retrieved_files=retrieved,
            image_metadata=metadata,
            dockerfile=dockerfile,
            dockerfile_mode="Actual" if config.dockerfile else "Guessed",
            warnings=warnings,
            timings=stages.timings,
            malware=malware,
        )
    except (SourceError, SquashError) as exc:
        raise AnalysisError(str(exc)) from exc
    finally:
        if src is not None and src is not source:
            src.close()
        shutil.rmtree(scratch, ignore_errors=True)
