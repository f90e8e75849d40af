"""What the platform's file digests cost: one analysis of a docker-archive with sha256 only
(``AnalyzerConfig``'s default) and with sha256+md5+sha1 (``analyzer.file_digest_algorithms``,
what ``packages:verify`` needs for dpkg, old rpmdbs and apk), each in a fresh process.

    PYTHONPATH=src .venv/bin/python bench/bench_digests.py bench/.cache/imgs/debian-small.docker.tar [--repeat 3]

Reports per configuration the median CPU time (user+sys of the process, one in-process layer
worker, so pool start-up does not blur the difference) and the median analysis wall time.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys

CHILD = """
import json, resource, sys, time
from drydock.analyzer.analyze import analyze
from drydock.analyzer.config import AnalyzerConfig
start_cpu = resource.getrusage(resource.RUSAGE_SELF)
start = time.perf_counter()
result = analyze("docker-archive:" + sys.argv[1], AnalyzerConfig(workers=1, digest_algorithms=tuple(sys.argv[2:])))
wall = time.perf_counter() - start
end_cpu = resource.getrusage(resource.RUSAGE_SELF)
cpu = (end_cpu.ru_utime - start_cpu.ru_utime) + (end_cpu.ru_stime - start_cpu.ru_stime)
print(json.dumps({"cpu": cpu, "wall": wall, "files": len(result.files)}))
"""
CONFIGS = (("sha256",), ("sha256", "md5", "sha1"))


def run(image: str, algorithms: tuple[str, ...]) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, "-c", CHILD, image, *algorithms], check=True, capture_output=True, text=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("image")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    samples: dict[tuple[str, ...], list[dict[str, float]]] = {c: [] for c in CONFIGS}
    for _ in range(args.repeat):  # round-robin, so drift on a shared machine hits both alike
        for config in CONFIGS:
            samples[config].append(run(args.image, config))
    base_cpu = statistics.median(s["cpu"] for s in samples[CONFIGS[0]])
    for config, runs in samples.items():
        cpu = statistics.median(s["cpu"] for s in runs)
        wall = statistics.median(s["wall"] for s in runs)
        extra = (
            f" (+{cpu - base_cpu:.2f} s, +{(cpu / base_cpu - 1) * 100:.0f} %)" if config != CONFIGS[0] else ""
        )
        print(f"{'+'.join(config):16} files={int(runs[0]['files'])} cpu={cpu:.2f} s{extra} wall={wall:.2f} s")


if __name__ == "__main__":
    main()
