"""Time the feed drivers on the synthetic data set from ``bench/gen_feed_data.py``.

Run: ``PYTHONPATH=src python bench/bench_feed_parse.py /tmp/feedbench``

Each driver runs in its own process so its peak RSS (``ru_maxrss``) is its own. Prints, per
driver: upstream records generated, records parsed, skipped, seconds, records/s and peak RSS.
Records are consumed one by one and dropped, as a streaming store writer would.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

from drydock.feeds.drivers import get_driver


def run_one(driver_name: str, path: Path) -> dict[str, object]:
    driver = get_driver(driver_name)
    start = time.perf_counter()
    parsed = sum(1 for _ in driver.parse(path))
    elapsed = time.perf_counter() - start
    return {
        "driver": driver_name,
        "parsed": parsed,
        "skipped": driver.stats.skipped_total,
        "seconds": round(elapsed, 2),
        "records_per_s": round(parsed / elapsed) if elapsed else None,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", type=Path)
    parser.add_argument("--one", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_one(args.one, args.data / args.one)))
        return
    generated = json.loads((args.data / "manifest.json").read_text())["records"]
    rows = []
    for name in generated:
        proc = subprocess.run(
            [sys.executable, __file__, str(args.data), "--one", name],
            capture_output=True,
            text=True,
            check=True,
        )
        row = json.loads(proc.stdout.strip().splitlines()[-1])
        row["generated"] = generated[name]
        rows.append(row)
        print(json.dumps(row), flush=True)
    total_parsed = sum(int(r["parsed"]) for r in rows)
    total_seconds = sum(float(r["seconds"]) for r in rows)
    print(
        f"TOTAL generated={sum(generated.values())} parsed={total_parsed} seconds={total_seconds:.1f} "
        f"records/s={total_parsed / total_seconds:.0f} max_peak_rss_mb={max(float(r['peak_rss_mb']) for r in rows)}"
    )


if __name__ == "__main__":
    main()
