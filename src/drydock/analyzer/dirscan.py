"""``dir:`` sources have no layers to stream: run the per-file work of the squash (scanners,
regex searches, digests) over the directory's files instead, reading each file once."""

from __future__ import annotations

import hashlib

from drydock.analyzer.filetree import DirectoryResolver, FileTooLarge
from drydock.analyzer.layerscan import ScanPlan, examine_file
from drydock.analyzer.model import CatalogResult, FileType, SecretMatch
from drydock.analyzer.squash import SquashResult


def scan_directory(resolver: DirectoryResolver, plan: ScanPlan) -> SquashResult:
    results: list[CatalogResult] = []
    matches: dict[str, list[SecretMatch]] = {}
    warnings: list[str] = []
    for entry in sorted(resolver.entries(), key=lambda e: e.path):
        if entry.type is not FileType.REGULAR or entry.size > plan.max_file_bytes:
            continue
        scanners = plan.scanners_for(entry) if plan.scanners else []
        searchers = plan.searchers_for(entry.size)
        if not (scanners or searchers or plan.digest_algorithms):
            continue
        try:
            data = resolver.read_bytes(entry.path)
        except (OSError, FileTooLarge) as exc:
            warnings.append(f"{entry.path}: {exc}")
            continue
        entry.digests = {name: hashlib.new(name, data).hexdigest() for name in plan.digest_algorithms}
        found = examine_file(plan, entry, data, scanners, searchers)
        warnings.extend(found.warnings)
        if found.result.packages or found.result.relationships or found.result.warnings:
            results.append(found.result)
        for kind, found_matches in found.matches.items():
            matches.setdefault(kind, []).extend(found_matches)
    return SquashResult(resolver=resolver, scan_results=results, matches=matches, warnings=warnings)
