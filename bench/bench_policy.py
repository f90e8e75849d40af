"""Policy evaluation benchmark: the default bundle on a synthetic image with 1,000 packages,
10,000 files and 500 vulnerability matches, then the same with a 1,000-item allowlist
(half exact trigger ids, half wildcards that match nothing, so every rule is tried against
every fired trigger; the rows it allowlists are counted in the output). Also a bundle
using every file-walking trigger (name_match, suid_or_guid_set, packages verify).
Memory: peak Python allocation during one evaluation (tracemalloc) and the process's peak RSS.

    PYTHONPATH=src .venv/bin/python bench/bench_policy.py [--rounds 50]

Pure evaluation (bundle compiled once, as the server caches nothing else between calls
either: it compiles per request, timed separately). Target: < 50 ms per evaluation.
"""

from __future__ import annotations

import argparse
import statistics
import resource
import time
import tracemalloc
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from drydock.analyzer.model import Distro, FileEntry, FileType, ImageAnalysis, Package, PackageType
from drydock.policy.context import ImageContext
from drydock.policy.evaluate import evaluate
from drydock.policy.spec import default_bundle
from drydock.policy.validation import compile_bundle
from drydock.policy.vulndata import CvssScores, Vulnerabilities, VulnMatch

NOW = datetime.now(UTC)
SEVERITIES = ("Negligible", "Low", "Medium", "High", "Critical")


def synthetic_image(packages: int = 1000, files_per_package: int = 10) -> ImageAnalysis:
    pkgs, files = [], []
    for i in range(packages):
        owned = [f"/usr/lib/pkg{i}/file{j}" for j in range(files_per_package)]
        meta = {
            "Files": [
                {"Path": p, "Digest": {"Algorithm": "sha256", "Value": f"{i:032x}{j:032x}"}}
                for j, p in enumerate(owned)
            ]
        }
        pkgs.append(Package(f"pkg{i}", f"1.{i}-1", PackageType.DEB, "bench", metadata=meta))
        files += [
            FileEntry(
                p,
                FileType.REGULAR,
                0o4755 if j == 0 and i % 100 == 0 else 0o644,
                digests={"sha256": f"{i:032x}{j:032x}"},
            )
            for j, p in enumerate(owned)
        ]
    return ImageAnalysis(
        source={},
        distro=Distro("debian", "12"),
        packages=pkgs,
        files=files,
        image_metadata={"exposedPorts": ["80/tcp"]},
    )


def synthetic_vulns(count: int = 500) -> Vulnerabilities:
    matches = [
        VulnMatch(
            f"CVE-2024-{i:05d}",
            SEVERITIES[i % 5],
            f"pkg{i % 1000}",
            "1.0",
            "deb",
            True,
            fix_versions=("2.0",) if i % 2 else (),
            nvd_cvss_v3=(CvssScores(5.0 + i % 5, 2.0, 3.0),),
            detected_at=NOW - timedelta(days=i % 60),
        )
        for i in range(count)
    ]
    return Vulnerabilities(matches, True, NOW)


def with_allowlist(doc: dict[str, Any], items: int = 1000) -> dict[str, Any]:
    entries = []
    for i in range(items):
        tid = f"CVE-2024-{i * 3 % 5000:05d}+pkg{i * 3 % 5000 % 1000}" if i % 2 == 0 else f"CVE-2023-{i:05d}*"
        entries.append({"id": f"a{i}", "gate": "vulnerabilities", "trigger_id": tid})
    doc["whitelists"][0]["items"] = entries
    return doc


def file_walking_bundle() -> dict[str, Any]:
    doc = default_bundle()
    doc["policies"][0]["rules"] += [
        {
            "id": "f1",
            "gate": "files",
            "trigger": "name_match",
            "action": "WARN",
            "params": [{"name": "regex", "value": ".*\\.pem$"}],
        },
        {"id": "f2", "gate": "files", "trigger": "suid_or_guid_set", "action": "WARN", "params": []},
        {"id": "f3", "gate": "packages", "trigger": "verify", "action": "WARN", "params": []},
    ]
    return doc


def timed(fn: Callable[[], Any], rounds: int) -> tuple[float, float, Any]:
    samples, result = [], None
    for _ in range(rounds):
        start = time.perf_counter()
        result = fn()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.95) - 1], result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=50)
    rounds = parser.parse_args().rounds
    analysis, vulns = synthetic_image(), synthetic_vulns()

    def ctx() -> ImageContext:
        return ImageContext(analysis, "img", "sha256:d", "docker.io/bench/app:1", NOW, vulns)

    cases = {
        "default bundle": default_bundle(),
        "default + 1,000-item allowlist": with_allowlist(default_bundle()),
        "default + file walkers (10,000 files)": file_walking_bundle(),
    }
    print(
        f"image: {len(analysis.packages)} packages, {len(analysis.files)} files, {len(vulns.matches)} vulnerability matches; {rounds} rounds"
    )
    for name, doc in cases.items():
        c_med, _, bundle = timed(lambda d=doc: compile_bundle(d), rounds)
        med, p95, result = timed(lambda b=bundle: evaluate(b, ctx()), rounds)
        tracemalloc.start()
        evaluate(bundle, ctx())
        peak_kib = tracemalloc.get_traced_memory()[1] / 1024
        tracemalloc.stop()
        table = result["result"]["img"]["result"]
        allowed = sum(1 for r in table["rows"] if r[7])
        print(
            f"{name:40s} evaluate median {med:6.2f} ms  p95 {p95:6.2f} ms  compile {c_med:6.2f} ms  "
            f"rows {table['row_count']} (allowlisted {allowed})  final {result['final_action']}  "
            f"peak alloc {peak_kib:,.0f} KiB"
        )
    print(f"process peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")


if __name__ == "__main__":
    main()
