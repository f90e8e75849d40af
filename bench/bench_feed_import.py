"""Feed import throughput (records/s) and database size, on SQLite and PostgreSQL.

Run: ``PYTHONPATH=src python bench/bench_feed_import.py [--generated /tmp/feedbench] [--backends sqlite,postgresql]``

Datasets: the real samples in ``shared/feeds`` and, with ``--generated``, the ~300k-record set
written by ``bench/gen_feed_data.py`` (one sub-directory per driver, named in its manifest).
Each dataset is imported into a fresh, migrated database; the figures are wall-clock for
parse + write (one transaction per group), and the size of the feed tables afterwards.
"""

from __future__ import annotations

import argparse
import json
import logging
import tempfile
import time
import uuid
from pathlib import Path

import psycopg
from sqlalchemy import text

from drydock.core import migrate
from drydock.core.db import Database
from drydock.feeds.sync import import_paths

REPO = Path(__file__).resolve().parents[1]
FEEDS = REPO.parent / "shared" / "feeds"
PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
REAL = [
    FEEDS / "alpine-secdb",
    FEEDS / "osv",
    FEEDS / "kev",
    FEEDS / "nvd",
    FEEDS / "anchore-feed-service" / "data",
    FEEDS / "raw",
    FEEDS / "vunnel" / "fixtures" / "debian" / "input",
]
TABLES = ("feed_vulnerabilities", "feed_affected_packages", "feed_kev", "feed_epss", "feed_groups", "feeds")


def fresh_url(backend: str, tmp: Path) -> str:
    if backend == "sqlite":
        return f"sqlite:///{tmp / f'bench-{uuid.uuid4().hex[:6]}.db'}"
    name = f"drydock_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return PG_ADMIN.rsplit("/", 1)[0] + f"/{name}"


def drop(url: str) -> None:
    if url.startswith("postgresql"):
        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)')


def db_size_mb(db: Database) -> float:
    if db.is_sqlite:
        path = Path(db.url.removeprefix("sqlite:///"))
        return sum(p.stat().st_size for p in path.parent.glob(path.name + "*")) / 1e6
    with db.session() as s:
        total = sum(
            s.execute(text(f"SELECT pg_total_relation_size('drydock_enterprise.{t}')")).scalar_one() for t in TABLES
        )
    return total / 1e6


def run(name: str, paths: list[Path], backend: str, tmp: Path, driver_dirs: bool) -> dict[str, object]:
    url = fresh_url(backend, tmp)
    try:
        migrate.upgrade(url)
        db = Database(url)
        started = time.perf_counter()
        with db.session() as session:
            if driver_dirs:  # generated set: the directory name is the driver
                reports = [import_paths(session, [p], driver=p.name) for p in paths]
            else:
                reports = [import_paths(session, paths)]
        seconds = time.perf_counter() - started
        records = sum(r.records_written for r in reports)
        skipped = sum(r.skipped_records for r in reports)
        size = db_size_mb(db)
        db.dispose()
    finally:
        drop(url)
    return {"dataset": name, "backend": backend, "records": records, "skipped": skipped,
            "seconds": round(seconds, 1), "records_per_s": round(records / seconds), "db_mb": round(size, 1)}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--generated", type=Path, help="output directory of bench/gen_feed_data.py")
    parser.add_argument("--backends", default="sqlite,postgresql")
    args = parser.parse_args()
    logging.disable(logging.WARNING)  # skipped-record warnings are counted in the table instead
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for backend in args.backends.split(","):
            rows.append(run("real samples", REAL, backend, Path(tmp), driver_dirs=False))
            if args.generated:
                manifest = json.loads((args.generated / "manifest.json").read_text())
                dirs = [args.generated / d for d in manifest["records"]]
                rows.append(run(f"generated {sum(manifest['records'].values()):,}", dirs, backend, Path(tmp), driver_dirs=True))
    header = f"{'dataset':<20} {'backend':<11} {'records':>9} {'skipped':>8} {'seconds':>8} {'rec/s':>8} {'DB MB':>8}"
    print(header)
    print("-" * len(header))
    for r in rows:
        print(f"{r['dataset']:<20} {r['backend']:<11} {r['records']:>9} {r['skipped']:>8} {r['seconds']:>8} {r['records_per_s']:>8} {r['db_mb']:>8}")


if __name__ == "__main__":
    main()
