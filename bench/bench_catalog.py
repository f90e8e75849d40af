"""Catalog benchmark: analyzer-worker throughput, GET /v1/images latency, worker memory on the
largest image, and (from bench_queue) SimpleQueue throughput.

    .venv/bin/python bench/bench_catalog.py [--only throughput,latency,memory,queue]

Everything runs on this machine: a CNCF registry (Debian ``docker-registry``) on 127.0.0.1,
real ``drydock serve`` processes (an API/catalog process and N ``--services analyzer``
processes) on scratch PostgreSQL databases at ``DRYDOCK_TEST_PG_URL`` (default
``postgresql://postgres@127.0.0.1:5432/postgres``) or SQLite files, all dropped afterwards,
even on Ctrl-C.

1. throughput: ``--images`` distinct small images, each one layer holding the files of one
   /work/shared/fixtures/pkgdb case (dpkg, apk, rpm, python, javascript, ruby, java, golang,
   rust, php, dotnet, round-robin), are pushed once; for each worker count a fresh database,
   one API process and N worker processes; timed from the first POST /v1/images to the last
   image ``analyzed`` (or ``analysis_failed``, counted apart).
2. latency: ``--list-images`` images are inserted in one transaction with the catalog's own
   ``drydock.catalog.images.add_image`` and a fabricated registry answer (``Resolved``) — no
   registry round trip, same rows as a real add (image, tag, event, subscription) — then
   GET /v1/images is timed sequentially and from several concurrent clients.
3. memory: the largest cached bench image (``bench/.cache/imgs/debian-big-apps.docker.tar``,
   built by bench_sbom.py: ≈2 200 packages, ≈62 000 files) is pushed with uncompressed
   layers and analyzed by one worker process whose tree (worker + its layer-reading
   processes) is sampled every 20 ms: summed RSS and summed PSS (shared pages counted once).
4. queue: bench_queue.py's table (PostgreSQL and SQLite), printed as it prints it.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import signal
import statistics
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
for entry in (REPO / "src", REPO, HERE):
    if str(entry) not in sys.path:
        sys.path.insert(0, str(entry))

import httpx
import psutil

from drydock.analyzer.sources.reference import ImageReference
from drydock.catalog.images import AddRequest, Resolved, add_image
from drydock.core.db import Database
from tests.conftest import drop_postgres_database, new_postgres_database
from tests.support.catalog import push_files
from tests.support.images import LAYER_TYPES, BuiltImage, BuiltLayer, _files_from_dir, digest_of
from tests.support.paths import SHARED
from tests.support.registry import RunningRegistry, push, start_registry
from tests.support.server import ServerProcess, start_server

PKGDB = SHARED / "fixtures" / "pkgdb"
ECOSYSTEMS = ["dpkg", "apk", "rpm", "python", "javascript", "ruby", "java", "golang", "rust", "php", "dotnet"]
BIG_IMAGE = HERE / ".cache" / "imgs" / "debian-big-apps.docker.tar"
API_SERVICES = "api,rbac,catalog,queue,policy"
WORKER_ENV = {"DRYDOCK_ANALYZER__POLL_SECONDS": "0.2"}
DONE = ("analyzed", "analysis_failed")
OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
OCI_CONFIG = "application/vnd.oci.image.config.v1+json"


# --- resources that must go away even on Ctrl-C ------------------------------------------------


def _sigterm_as_interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


@contextmanager
def database(backend: str, tmp: Path) -> Iterator[str]:
    """A scratch database URL, dropped (PostgreSQL) when the block ends."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp / f'bench-{uuid.uuid4().hex[:8]}.db'}"
        return
    url = new_postgres_database()
    try:
        yield url
    finally:
        drop_postgres_database(url)


@contextmanager
def servers(tmp: Path, url: str, workers: int) -> Iterator[tuple[ServerProcess, list[ServerProcess]]]:
    """One API/catalog process and ``workers`` analyzer processes, stopped when the block ends."""
    started: list[ServerProcess] = []
    try:
        api = start_server(tmp, url, services=API_SERVICES, host_id="bench-api")
        started.append(api)
        for i in range(workers):
            started.append(
                start_server(
                    tmp,
                    url,
                    services="analyzer",
                    host_id=f"bench-worker-{i}",
                    extra_env=WORKER_ENV,
                )
            )
        yield api, started[1:]
    finally:
        for server in reversed(started):
            server.stop()


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a process tree, exited (reaped) descendants included: the
    analyzer's pool processes are children of a forkserver, itself a child of the worker."""
    root = psutil.Process(pid)
    total = 0.0
    for p in [root, *root.children(recursive=True)]:
        try:
            t = p.cpu_times()
        except psutil.NoSuchProcess:
            continue
        total += t.user + t.system + t.children_user + t.children_system
    return total


def load_average() -> str:
    return "load average " + " ".join(f"{x:.1f}" for x in os.getloadavg())


# --- 1. analyzer throughput ---------------------------------------------------------------


def fixture_cases(count: int) -> list[Path]:
    """``count`` pkgdb cases that hold data files (not just expectation tables), taken
    round-robin across ecosystems so every run analyzes the same varied set."""
    per_eco = {
        eco: [
            d
            for d in sorted((PKGDB / eco).iterdir())
            if d.is_dir() and any(p.is_file() and p.name != "expected.json" for p in d.rglob("*"))
        ]
        for eco in ECOSYSTEMS
    }
    cases: list[Path] = []
    while len(cases) < count and any(per_eco.values()):
        for eco in ECOSYSTEMS:
            if per_eco[eco] and len(cases) < count:
                cases.append(per_eco[eco].pop(0))
    return cases


def push_case_images(reg: RunningRegistry, cases: list[Path]) -> list[str]:
    """Push one image per case; returns the pull strings (``host/repo:tag``)."""
    tags = []
    for i, case in enumerate(cases):
        files = {k: v for k, v in _files_from_dir(case).items() if k != "expected.json"}
        files.setdefault("etc/os-release", b'ID=debian\nVERSION_ID="12"\n')
        repo = f"bench/{case.parent.name}-{case.name}-{i}".lower()
        push_files(reg, f"{repo}:v1", files)
        tags.append(f"{reg.host}/{repo}:v1")
    return tags


def image_statuses(client: httpx.Client) -> dict[str, str]:
    return {i["imageDigest"]: i["analysis_status"] for i in client.get("/v1/images").json()}


@dataclass
class ThroughputRun:
    workers: int
    images: int
    seconds: float
    failed: int
    per_worker: list[int]
    cpu_per_image: float  # worker trees' CPU seconds per image

    @property
    def per_minute(self) -> float:
        return self.images / self.seconds * 60


def throughput_run(tmp: Path, tags: list[str], workers: int, timeout: float) -> ThroughputRun:
    with database("postgresql", tmp) as url, servers(tmp, url, workers) as (api, procs):
        with api.client() as c:
            cpu_before = sum(cpu_seconds(p.proc.pid) for p in procs)
            start = time.perf_counter()
            digests = set()
            for tag in tags:
                r = c.post("/v1/images", json={"tag": tag})
                r.raise_for_status()
                digests.add(r.json()[0]["imageDigest"])
            deadline = time.monotonic() + timeout
            while True:
                statuses = image_statuses(c)
                if all(statuses.get(d) in DONE for d in digests):
                    break
                if time.monotonic() > deadline:
                    raise RuntimeError(f"not analyzed in {timeout}s: {statuses}")
                time.sleep(0.1)
            elapsed = time.perf_counter() - start
        cpu = sum(cpu_seconds(p.proc.pid) for p in procs) - cpu_before
        failed = sum(1 for d in digests if statuses[d] != "analyzed")
        per_worker = [p.log().count('"image analyzed"') for p in procs]
    return ThroughputRun(workers, len(digests), elapsed, failed, per_worker, cpu / len(digests))


# --- 2. GET /v1/images latency --------------------------------------------------------------


def fake_resolved(i: int) -> Resolved:
    """What a registry would answer for a three-layer image: the catalog stores it as is."""
    layers = [
        {
            "mediaType": LAYER_TYPES[("oci", "gzip")],
            "digest": f"sha256:{i:056x}{n:08x}",
            "size": 1_000_000 * (n + 1),
        }
        for n in range(3)
    ]
    manifest = {
        "schemaVersion": 2,
        "mediaType": OCI_MANIFEST,
        "config": {"mediaType": OCI_CONFIG, "digest": f"sha256:{i:060x}ffff", "size": 1500},
        "layers": layers,
    }
    digest = f"sha256:{i:064x}"
    return Resolved(
        digest=digest,
        parent_digest=digest,
        image_id=f"{i:060x}ffff",
        compressed_size=sum(layer["size"] for layer in layers),
        layer_count=3,
        arch="amd64",
        manifest=manifest,
    )


def insert_images(url: str, count: int) -> float:
    """Add ``count`` images to the admin account through the catalog service; seconds taken."""
    db = Database(url, pool_size=1, max_overflow=0)
    start = time.perf_counter()
    try:
        with db.session() as session:
            for i in range(count):
                add_image(
                    session,
                    account="admin",
                    request=AddRequest(
                        ImageReference("registry.bench.invalid:5000", f"team{i % 20}/app{i}", "v1")
                    ),
                    resolved=fake_resolved(i),
                    force=False,
                    autosubscribe=False,
                    max_compressed_mb=-1,
                    enqueue=lambda session, account, digest: None,
                )
    finally:
        db.dispose()
    return time.perf_counter() - start


def percentile(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def timed_gets(api: ServerProcess, requests: int, expected: int) -> list[float]:
    latencies = []
    with api.client() as c:
        for _ in range(requests):
            start = time.perf_counter()
            r = c.get("/v1/images")
            latencies.append(time.perf_counter() - start)
            if r.status_code != 200 or len(r.json()) != expected:
                raise RuntimeError(f"GET /v1/images: {r.status_code}, {len(r.content)} bytes")
    return latencies


@dataclass
class LatencyRow:
    backend: str
    clients: int
    requests: int
    p50_ms: float
    p99_ms: float
    max_ms: float
    per_second: float
    server_cpu_ms: float  # CPU time of the API process per request: what contention cannot inflate


def latency_rows(
    tmp: Path, backend: str, count: int, requests: int, clients: int
) -> tuple[float, list[LatencyRow]]:
    with database(backend, tmp) as url, servers(tmp, url, 0) as (api, _):
        insert_seconds = insert_images(url, count)
        timed_gets(api, 3, count)  # warm-up: connections, caches
        rows = []
        for n in (1, clients):
            cpu_before = cpu_seconds(api.proc.pid)
            start = time.perf_counter()
            with ThreadPoolExecutor(n) as pool:
                parts = list(pool.map(timed_gets, [api] * n, [requests // n] * n, [count] * n))
            wall = time.perf_counter() - start
            cpu = cpu_seconds(api.proc.pid) - cpu_before
            lat = [x for part in parts for x in part]
            rows.append(
                LatencyRow(
                    backend,
                    n,
                    len(lat),
                    percentile(lat, 50) * 1000,
                    percentile(lat, 99) * 1000,
                    max(lat) * 1000,
                    len(lat) / wall,
                    cpu / len(lat) * 1000,
                )
            )
    return insert_seconds, rows


# --- 3. worker memory on the largest image ----------------------------------------------------


def image_from_docker_archive(path: Path) -> tuple[BuiltImage, int]:
    """The archive's image with its layers uncompressed (no minutes of gzip), and its number
    of regular files."""
    with tarfile.open(path) as archive:
        entry = json.loads(archive.extractfile("manifest.json").read())[0]  # type: ignore[union-attr]
        config = archive.extractfile(entry["Config"]).read()  # type: ignore[union-attr]
        tars = [archive.extractfile(name).read() for name in entry["Layers"]]  # type: ignore[union-attr]
    files = 0
    for tar in tars:
        with tarfile.open(fileobj=io.BytesIO(tar)) as layer:
            files += sum(1 for m in layer if m.isfile())
    layers = [BuiltLayer(t, t, LAYER_TYPES[("oci", "none")]) for t in tars]
    manifest = json.dumps(
        {
            "schemaVersion": 2,
            "mediaType": OCI_MANIFEST,
            "config": {"mediaType": OCI_CONFIG, "digest": digest_of(config), "size": len(config)},
            "layers": [{"mediaType": x.media_type, "digest": x.digest, "size": len(x.blob)} for x in layers],
        }
    ).encode()
    return BuiltImage(config, manifest, layers, OCI_MANIFEST, {"os": "linux", "architecture": "amd64"}), files


def tree_memory(proc: psutil.Process) -> tuple[int, int]:
    """(summed RSS, summed PSS) of a process and its descendants."""
    rss = pss = 0
    for p in [proc, *proc.children(recursive=True)]:
        try:
            info = p.memory_full_info()
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
        rss, pss = rss + info.rss, pss + info.pss
    return rss, pss


@contextmanager
def peak_sampler(pid: int, interval: float = 0.02) -> Iterator[dict[str, int]]:
    peak = {"rss": 0, "pss": 0, "children": 0}
    proc = psutil.Process(pid)
    stop = threading.Event()

    def sample() -> None:
        while not stop.is_set():
            rss, pss = tree_memory(proc)
            peak["rss"], peak["pss"] = max(peak["rss"], rss), max(peak["pss"], pss)
            peak["children"] = max(peak["children"], len(proc.children(recursive=True)))
            time.sleep(interval)

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    try:
        yield peak
    finally:
        stop.set()
        thread.join()


@dataclass
class MemoryRun:
    files: int
    packages: int
    seconds: float
    idle_rss_mib: float
    peak_rss_mib: float
    peak_pss_mib: float
    peak_children: int


def memory_run(tmp: Path, reg: RunningRegistry, timeout: float) -> MemoryRun:
    if not BIG_IMAGE.exists():
        from bench_sbom import build_big

        build_big()
    image, files = image_from_docker_archive(BIG_IMAGE)
    push(reg, "bench/debian-big-apps:v1", image)
    del image
    with database("postgresql", tmp) as url, servers(tmp, url, 1) as (api, (worker,)):
        idle_rss, _ = tree_memory(psutil.Process(worker.proc.pid))
        with api.client() as c, peak_sampler(worker.proc.pid) as peak:
            start = time.perf_counter()
            digest = c.post("/v1/images", json={"tag": f"{reg.host}/bench/debian-big-apps:v1"}).json()[0][
                "imageDigest"
            ]
            deadline = time.monotonic() + timeout
            while (status := image_statuses(c)[digest]) not in DONE:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"big image not analyzed in {timeout}s")
                time.sleep(0.2)
            seconds = time.perf_counter() - start
        if status != "analyzed":
            raise RuntimeError(f"big image analysis failed: {worker.log()[-2000:]}")
        with api.client() as c:
            events = c.get("/v1/events", params={"event_type": "user.image.analysis.completed"}).json()[
                "results"
            ]
        packages = events[0]["event"]["details"]["packages"]
    mib = 1 << 20
    return MemoryRun(
        files, packages, seconds, idle_rss / mib, peak["rss"] / mib, peak["pss"] / mib, peak["children"]
    )


# --- driver -----------------------------------------------------------------------------------


def section(title: str) -> None:
    print(f"\n== {title}", flush=True)


def run_throughput(tmp: Path, reg: RunningRegistry, args: argparse.Namespace) -> None:
    cases = fixture_cases(args.images)
    tags = push_case_images(reg, cases)
    ecosystems = ", ".join(sorted({c.parent.name for c in cases}))
    section(
        f"analyzer throughput: {len(tags)} images ({ecosystems}), PostgreSQL, {psutil.cpu_count()} CPU cores"
    )
    print(
        f"{'workers':>7} {'seconds':>8} {'images/min':>10} {'cpu s/img':>9} {'failed':>6}  per worker; load",
        flush=True,
    )
    for n in args.workers:
        r = throughput_run(tmp, tags, n, args.timeout)
        print(
            f"{r.workers:>7} {r.seconds:>8.1f} {r.per_minute:>10.0f} {r.cpu_per_image:>9.2f} {r.failed:>6}  "
            f"{r.per_worker}; {load_average()}",
            flush=True,
        )


def run_latency(tmp: Path, args: argparse.Namespace) -> None:
    section(f"GET /v1/images with {args.list_images} images in the account")
    print(
        f"{'backend':<11} {'clients':>7} {'requests':>8} {'p50 ms':>7} {'p99 ms':>7} {'max ms':>7} {'req/s':>6} "
        f"{'srv cpu ms/req':>14}  load",
        flush=True,
    )
    for backend in ("postgresql", "sqlite"):
        insert_seconds, rows = latency_rows(tmp, backend, args.list_images, args.requests, args.clients)
        for r in rows:
            print(
                f"{r.backend:<11} {r.clients:>7} {r.requests:>8} {r.p50_ms:>7.0f} {r.p99_ms:>7.0f} {r.max_ms:>7.0f} "
                f"{r.per_second:>6.1f} {r.server_cpu_ms:>14.0f}  {load_average()}",
                flush=True,
            )
        print(
            f"{'':<11} (inserting {args.list_images} images through add_image: {insert_seconds:.1f} s)",
            flush=True,
        )


def run_memory(tmp: Path, reg: RunningRegistry, args: argparse.Namespace) -> None:
    r = memory_run(tmp, reg, args.timeout)
    section(f"worker memory, {BIG_IMAGE.name}: {r.packages} packages, {r.files} files; {load_average()}")
    print(
        f"analysis {r.seconds:.1f} s; worker idle RSS {r.idle_rss_mib:.0f} MiB; peak over worker + "
        f"{r.peak_children} child processes: RSS {r.peak_rss_mib:.0f} MiB, PSS {r.peak_pss_mib:.0f} MiB",
        flush=True,
    )


def run_queue(args: argparse.Namespace) -> None:
    """bench_queue.py's own table: run as a script, its row layout is its own business."""
    section(f"SimpleQueue (bench/bench_queue.py --messages {args.queue_messages})")
    subprocess.run(
        [sys.executable, str(HERE / "bench_queue.py"), "--messages", str(args.queue_messages)],
        check=True,
        env={**os.environ, "PYTHONPATH": str(REPO / "src")},
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="throughput,latency,memory,queue", help="comma-separated sections")
    parser.add_argument("--images", type=int, default=40, help="distinct images for the throughput runs")
    parser.add_argument("--workers", type=lambda s: [int(x) for x in s.split(",")], default=[1, 2, 4])
    parser.add_argument(
        "--list-images", type=int, default=1000, help="images in the account for GET /v1/images"
    )
    parser.add_argument("--requests", type=int, default=200, help="timed GET /v1/images per run")
    parser.add_argument("--clients", type=int, default=4, help="concurrent clients in the second latency run")
    parser.add_argument("--queue-messages", type=int, default=1000)
    parser.add_argument("--timeout", type=float, default=900.0, help="seconds to wait for analyses")
    args = parser.parse_args()
    only = set(args.only.split(","))
    signal.signal(signal.SIGTERM, _sigterm_as_interrupt)
    with ExitStack() as stack:
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="bench-catalog-")))
        reg = None
        if only & {"throughput", "memory"}:
            reg = start_registry(tmp / "registry")
            stack.callback(reg.stop)
        if "throughput" in only:
            run_throughput(tmp, reg, args)  # type: ignore[arg-type]
        if "latency" in only:
            run_latency(tmp, args)
        if "memory" in only:
            run_memory(tmp, reg, args)  # type: ignore[arg-type]
        if "queue" in only:
            run_queue(args)


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        print("interrupted; processes stopped and scratch databases dropped", file=sys.stderr)
        sys.exit(130)
