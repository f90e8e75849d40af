"""Matching one image of 1,000 packages against the ~300k-record generated feed set.

Run: ``PYTHONPATH=src python bench/bench_matching.py --generated /tmp/feedbench [--db /tmp/bench-match.db]``

The generated set (``bench/gen_feed_data.py``) is imported once into a SQLite file (kept for
re-runs); the index is then built from the store exactly as the policy engine does. The image
mixes OS packages named like the feed's (700, half of them absent from the feed), language
packages (250) and CPE-only binaries (50), at random versions. Reported: index build time and
resident memory, the first (cold: constraints parsed on first use) and warm match times.
Target: warm < 100 ms.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import random
import statistics
import time
from pathlib import Path

from drydock.analyzer.model import Distro, Location, Package, PackageType
from drydock.core import migrate
from drydock.core.db import Database
from drydock.feeds import store
from drydock.feeds.sync import import_paths
from drydock.policy.matching.index import IndexCache, VulnerabilityIndex
from drydock.policy.matching.matcher import match_packages

LANGUAGE_TYPES = {"github:npm": PackageType.NPM, "github:python": PackageType.PYTHON, "github:java": PackageType.JAVA_ARCHIVE, "github:gem": PackageType.GEM}


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def ensure_store(db_path: Path, generated: Path) -> Database:
    url = f"sqlite:///{db_path}"
    migrate.upgrade(url)
    db = Database(url)
    with db.session() as s:
        empty = not store.list_feeds(s)
    if empty:
        manifest = json.loads((generated / "manifest.json").read_text())
        started = time.perf_counter()
        with db.session() as s:
            for driver in manifest["records"]:
                import_paths(s, [generated / driver], driver=driver)
        print(f"imported generated set into {db_path} in {time.perf_counter() - started:.0f}s")
    return db


def _version(rng: random.Random) -> str:
    return f"{rng.randint(0, 9)}.{rng.randint(0, 20)}.{rng.randint(0, 30)}"


def make_image(index: VulnerabilityIndex, namespace: str, rng: random.Random) -> list[Package]:
    os_names = sorted(name for ns, name in index.by_key if ns == namespace)
    lang_keys = sorted((ns, name) for ns, name in index.by_key if ns in LANGUAGE_TYPES)
    products = sorted(index.by_product)
    packages: list[Package] = []
    for i in range(700):
        name = rng.choice(os_names) if i % 2 == 0 else f"libnotinfeed{i}"
        version = f"{_version(rng)}-{rng.randint(1, 5)}"
        packages.append(Package(name, version, PackageType.DEB, "dpkg", [Location("/var/lib/dpkg/status")], metadata={"Source": name}))
    for i in range(250):
        ns, name = rng.choice(lang_keys)
        if ns == "github:java" and ":" in name:
            group, artifact = name.split(":", 1)
            meta = {"PomProperties": {"groupId": group, "artifactId": artifact}}
            packages.append(Package(artifact, _version(rng), LANGUAGE_TYPES[ns], "java", [Location(f"/app/{i}.jar")], metadata=meta))
        else:
            packages.append(Package(name, _version(rng), LANGUAGE_TYPES[ns], "lang", [Location(f"/app/{i}")]))
    for i in range(50):
        product = rng.choice(products)
        vendor = rng.choice(sorted(index.by_product[product]))
        version = _version(rng)
        cpe = f"cpe:2.3:a:{vendor}:{product}:{version}:*:*:*:*:*:*:*"
        packages.append(Package(product, version, PackageType.BINARY, "binary", [Location(f"/usr/bin/{product}{i}")], cpes=[cpe]))
    return packages


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--generated", type=Path, required=True)
    parser.add_argument("--db", type=Path, default=Path("/tmp/drydock-bench-matching.db"))
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    logging.disable(logging.WARNING)
    db = ensure_store(args.db, args.generated)
    before = rss_mb()
    started = time.perf_counter()
    with db.session() as s:
        index = IndexCache().get(s)
    build_s = time.perf_counter() - started
    index_mb = rss_mb() - before
    debian = sorted(ns for ns in index.namespaces if ns.startswith("debian:"))
    namespace = max(debian, key=lambda ns: sum(1 for k in index.by_key if k[0] == ns))
    distro = Distro("debian", namespace.split(":")[1])
    image = make_image(index, namespace, random.Random(7))
    started = time.perf_counter()
    result = match_packages(index, distro, image)
    cold_ms = (time.perf_counter() - started) * 1000
    warm, warm_cpu = [], []
    for _ in range(args.runs):
        started, cpu = time.perf_counter(), time.process_time()
        result = match_packages(index, distro, image)
        warm.append((time.perf_counter() - started) * 1000)
        warm_cpu.append((time.process_time() - cpu) * 1000)
    by_source: dict[str, int] = {}
    for m in result.matches:
        by_source[m.matched_by] = by_source.get(m.matched_by, 0) + 1
    rows = [
        ("affected-package rows indexed", f"{index.size:,}"),
        ("namespaces", f"{len(index.namespaces)}"),
        ("index build from store (cold)", f"{build_s:.2f} s"),
        ("index resident memory", f"{index_mb:.0f} MB"),
        ("image packages", f"{len(image)} ({distro.id} {distro.version_id})"),
        ("first match (constraints parsed)", f"{cold_ms:.1f} ms"),
        ("warm match wall median / max", f"{statistics.median(warm):.1f} / {max(warm):.1f} ms"),
        ("warm match CPU median / max", f"{statistics.median(warm_cpu):.1f} / {max(warm_cpu):.1f} ms"),
        ("load average (1 min) / CPUs", f"{os.getloadavg()[0]:.1f} / {os.cpu_count()}"),
        ("matches", f"{len(result.matches)} {by_source}"),
        ("unparseable versions", f"{result.unparseable_versions}"),
        ("target warm < 100 ms (CPU)", "met" if statistics.median(warm_cpu) < 100 else "MISSED"),
    ]
    width = max(len(k) for k, _ in rows)
    for key, value in rows:
        print(f"{key:<{width}}  {value}")


if __name__ == "__main__":
    main()
