"""Package-level comparison of drydock and syft on one image archive.

    PYTHONPATH=src .venv/bin/python bench/compare_syft.py bench/.cache/imgs/debian-small.docker.tar

Both tools emit syft-style JSON (``artifacts`` with ``type``/``name``/``version``/``locations``),
so packages are compared as (type, name, version) keys. Speed numbers live in bench_sbom.py;
this script answers "which packages does one tool see that the other does not, and where".
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SYFT = REPO / ".venv" / "bin" / "syft"

Key = tuple[str, str, str]


def run_json(cmd: list[str], env: dict[str, str] | None = None) -> dict:
    """Run a tool that prints JSON on stdout; fail loudly so a broken run is never compared."""
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
    if proc.returncode != 0:
        sys.exit(f"{cmd[0]} failed ({proc.returncode}): {proc.stderr[-2000:]}")
    return json.loads(proc.stdout)


def packages(doc: dict) -> dict[Key, list[str]]:
    """Map (type, name, version) to the file paths the tool cites as evidence."""
    out: dict[Key, list[str]] = defaultdict(list)
    for art in doc.get("artifacts", []):
        key = (art.get("type") or "?", art.get("name") or "", art.get("version") or "")
        out[key].extend(loc.get("path", "") for loc in art.get("locations", []))
    return out


def report(syft: dict[Key, list[str]], dd: dict[Key, list[str]], limit: int) -> None:
    """Print counts per type, one-sided packages and version mismatches grouped by type."""
    cs, cd = Counter(k[0] for k in syft), Counter(k[0] for k in dd)
    print(f"{'type':<16}{'syft':>8}{'drydock':>10}")
    for t in sorted(set(cs) | set(cd)):
        print(f"{t:<16}{cs[t]:>8}{cd[t]:>10}")
    sv = {(t, n): v for t, n, v in syft}
    dv = {(t, n): v for t, n, v in dd}
    for label, mine, other, other_names in (
        ("only syft", syft, dd, dv),
        ("only drydock", dd, syft, sv),
    ):
        by_type: dict[str, list[Key]] = defaultdict(list)
        for key in mine:
            if key not in other and (key[0], key[1]) not in other_names:
                by_type[key[0]].append(key)
        for t, keys in sorted(by_type.items()):
            print(f"\n## {label} — {t}: {len(keys)}")
            for key in sorted(keys)[:limit]:
                print(f"  {key[1]} {key[2]}  {mine[key][:2]}")
    mism = sorted((t, n, sv[(t, n)], v) for (t, n), v in dv.items() if (t, n) in sv and sv[(t, n)] != v)
    print(f"\n## version mismatches: {len(mism)}")
    for t, n, s, d in mism[:limit]:
        print(f"  {t} {n}: syft {s} / drydock {d}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("archive", type=Path)
    ap.add_argument("--limit", type=int, default=40, help="rows printed per group")
    args = ap.parse_args()
    src = f"docker-archive:{args.archive}"
    syft = packages(run_json([str(SYFT), "scan", src, "-o", "json", "-q"]))
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    dd = packages(run_json([sys.executable, "-m", "drydock", "sbom", src, "-o", "json"], env=env))
    report(syft, dd, args.limit)


if __name__ == "__main__":
    main()
