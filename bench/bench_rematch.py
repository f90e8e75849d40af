"""Re-match benchmark: 1,000 stored Alpine 3.10 images re-matched after a feed update.

    .venv/bin/python bench/bench_rematch.py [--images 1000] [--packages 60] [--backend sqlite|postgresql]

Images are inserted as the catalog stores analyzed ones (image and tag rows, the normalized
package document in the archive), each with ``--packages`` apk packages drawn (fixed seed) from
the real /work/shared Alpine v3.10 secdb at versions around its fixes. The secdb is imported
without a third of its packages, every image gets its first report, then the full secdb is
imported (a feed update) and :func:`rematch_all` is timed: images/s, reports that changed,
events written, and the process's peak RSS; then an update that changes no image's result
(the generation moves, as when a group no image uses syncs: the common case), then a pass with nothing stale. Scratch database
dropped afterwards.
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import tempfile
import time
import uuid
from pathlib import Path

import yaml  # type: ignore[import-untyped]
from pydantic import SecretStr

from drydock.analyzer.document import to_document
from drydock.analyzer.model import Distro, ImageAnalysis, Location, Package, PackageType
from drydock.catalog.context import catalog_context
from drydock.catalog.models import AnalysisStatus, CatalogImage, ImageTag
from drydock.core import migrate
from drydock.core.config import Settings
from drydock.core.db import utcnow
from drydock.feeds import store
from drydock.feeds.sync import import_paths
from drydock.policy.vulnerabilities.rematch import rematch_all
from drydock.runtime.context import Runtime
from drydock.runtime.server import build_runtime

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
SECDB = SHARED / "feeds" / "alpine-secdb" / "v3.10" / "main.yaml"
PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"


def write_secdb(root: Path, keep: float, seed: int) -> Path:
    doc = yaml.safe_load(SECDB.read_text())
    rng = random.Random(seed)
    doc["packages"] = [p for p in doc["packages"] if rng.random() < keep]
    target = root / "alpine-secdb" / "v3.10"
    target.mkdir(parents=True, exist_ok=True)
    (target / "main.yaml").write_text(yaml.safe_dump(doc, sort_keys=False))
    return target / "main.yaml"


def candidate_packages() -> dict[str, list[str]]:
    """Package name → versions just below one of its secdb fixes (so most match something)."""
    out: dict[str, list[str]] = {}
    for p in yaml.safe_load(SECDB.read_text())["packages"]:
        fixes = [str(v) for v in (p["pkg"].get("secfixes") or {})]
        versions = [
            f.rsplit("-r", 1)[0] + "-r0" if "-r" in f and not f.endswith("-r0") else f + "_pre" for f in fixes
        ]
        if versions:
            out[p["pkg"]["name"]] = versions
    return out


def insert_images(runtime: Runtime, count: int, per_image: int) -> None:
    rng = random.Random(7)
    pool = candidate_packages()
    names = sorted(pool)
    ctx = catalog_context(runtime)
    with runtime.db.session() as s:
        for i in range(count):
            digest = "sha256:" + uuid.UUID(int=rng.getrandbits(128)).hex * 2
            packages = [
                Package(
                    name=n,
                    version=rng.choice(pool[n]),
                    type=PackageType.APK,
                    found_by="apk-db-cataloger",
                    locations=[Location("/lib/apk/db/installed")],
                    metadata={"OriginPackage": n},
                )
                for n in rng.sample(names, min(per_image, len(names)))
            ]
            analysis = ImageAnalysis(
                source={"scheme": "registry"}, distro=Distro("alpine", "3.10.2"), packages=packages
            )
            s.add(
                CatalogImage(
                    account="admin",
                    image_digest=digest,
                    analysis_status=AnalysisStatus.ANALYZED.value,
                    distro="alpine",
                    distro_version="3.10.2",
                    analyzed_at=utcnow(),
                )
            )
            s.flush()
            s.add(
                ImageTag(
                    account="admin",
                    image_digest=digest,
                    registry_host="bench.local",
                    repo=f"app{i}",
                    tag="v1",
                )
            )
            ctx.store_document(s, "admin", digest, to_document(analysis))


def database(backend: str, tmp: Path) -> tuple[str, str | None]:
    if backend == "sqlite":
        return f"sqlite:///{tmp / 'bench.db'}", None
    import psycopg

    name = f"drydock_bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return PG_ADMIN.rsplit("/", 1)[0] + f"/{name}", name


def drop(name: str | None) -> None:
    if name is None:
        return
    import psycopg

    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--images", type=int, default=1000)
    ap.add_argument("--packages", type=int, default=60)
    ap.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmpdir:
        tmp = Path(tmpdir)
        url, pg_name = database(args.backend, tmp)
        try:
            migrate.upgrade(url)
            runtime = build_runtime(
                Settings(database_url=url, data_dir=tmp / "data", admin_password=SecretStr("bench"))
            )
            with runtime.db.session() as s:
                assert import_paths(s, [write_secdb(tmp / "partial", 0.66, 1)]).ok
            t0 = time.perf_counter()
            insert_images(runtime, args.images, args.packages)
            print(
                f"inserted {args.images} images x {args.packages} packages in {time.perf_counter() - t0:.1f}s"
            )
            t0 = time.perf_counter()
            first = rematch_all(runtime)
            took = time.perf_counter() - t0
            print(f"first reports: {first.images} images in {took:.1f}s ({first.images / took:.0f}/s)")
            with runtime.db.session() as s:
                assert import_paths(s, [SECDB]).ok
            rss_before = rss_mb()
            t0 = time.perf_counter()
            stats = rematch_all(runtime)
            took = time.perf_counter() - t0
            print(
                f"re-match after feed update ({args.backend}): {stats.images} images in {took:.1f}s "
                f"({stats.images / took:.0f} images/s), {stats.changed} changed, {stats.events} events, "
                f"{len(stats.failed)} failed; peak RSS {rss_mb():.0f} MB (before {rss_before:.0f} MB)"
            )
            with runtime.db.session() as s:  # as a sync of a group no image uses would
                store.bump_generation(s)
            t0 = time.perf_counter()
            same = rematch_all(runtime)
            took = time.perf_counter() - t0
            print(
                f"re-match after an update changing no result: {same.images} images in {took:.1f}s "
                f"({same.images / took:.0f} images/s), {same.changed} changed"
            )
            t0 = time.perf_counter()
            idle = rematch_all(runtime)
            print(f"idle pass (nothing stale): {idle.images} images in {time.perf_counter() - t0:.2f}s")
            runtime.db.dispose()
        finally:
            drop(pg_name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
