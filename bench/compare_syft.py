"""Package-level comparison of drydock and syft on one image archive.

    PYTHONPATH=src .venv/bin/python bench/compare_syft.py bench/.cache/imgs/debian-small.docker.tar
    PYTHONPATH=src .venv/bin/python bench/compare_syft.py ARCHIVE --keep-owned
    PYTHONPATH=src .venv/bin/python bench/compare_syft.py ARCHIVE --syft-json s.json --drydock-json d.json

``--keep-owned`` analyzes with ``enable_owned_package_filtering=False`` (syft keeps language
packages whose files an OS package installed; drydock, like Anchore, drops them by default).

Both tools emit syft-style JSON (``artifacts`` with ``type``/``name``/``version``/``locations``).
Packages are paired by (type, name); a pair whose version sets differ is a version mismatch and
shows exactly which versions each side has, so a renamed or re-versioned package is never counted
as one "missing" plus one "extra". Evidence is the ``accessPath`` (``outer.war:inner.jar`` for
nested archives), else the path. Speed numbers live in bench_sbom.py; this script answers "which
packages does one tool see that the other does not, and where".
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SYFT = REPO / ".venv" / "bin" / "syft"

Pair = tuple[str, str]  # (type, name)
Versions = dict[str, list[str]]  # version -> evidence paths


def run_json(cmd: list[str], env: dict[str, str] | None = None) -> dict:
    """Run a tool that prints JSON on stdout; fail loudly so a broken run is never compared."""
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
    if proc.returncode != 0:
        sys.exit(f"{cmd[0]} failed ({proc.returncode}): {proc.stderr[-2000:]}")
    return json.loads(proc.stdout)


def packages(doc: dict) -> dict[Pair, Versions]:
    """(type, name) → version → the evidence paths the tool cites."""
    out: dict[Pair, Versions] = defaultdict(lambda: defaultdict(list))
    for art in doc.get("artifacts", []):
        paths = out[(art.get("type") or "?", art.get("name") or "")][art.get("version") or ""]
        paths.extend(loc.get("accessPath") or loc.get("path", "") for loc in art.get("locations", []))
    return out


@dataclass
class Comparison:
    """Differences between two package maps, by (type, name)."""

    counts: dict[str, tuple[int, int]] = field(default_factory=dict)  # type -> unique keys (syft, drydock)
    only_syft: list[tuple[Pair, Versions]] = field(default_factory=list)
    only_drydock: list[tuple[Pair, Versions]] = field(default_factory=list)
    # (pair, versions only syft has, versions only drydock has)
    mismatches: list[tuple[Pair, Versions, Versions]] = field(default_factory=list)
    # (name, version, syft's type, drydock's type): one-sided on (type, name) but the same package
    retyped: list[tuple[str, str, str, str]] = field(default_factory=list)


def compare(syft: dict[Pair, Versions], dd: dict[Pair, Versions]) -> Comparison:
    result = Comparison()
    types = sorted({t for t, _ in syft} | {t for t, _ in dd})
    for t in types:
        result.counts[t] = (
            sum(len(v) for (pt, _), v in syft.items() if pt == t),
            sum(len(v) for (pt, _), v in dd.items() if pt == t),
        )
    for pair in sorted(set(syft) | set(dd)):
        s, d = syft.get(pair), dd.get(pair)
        if d is None and s is not None:
            result.only_syft.append((pair, s))
        elif s is None and d is not None:
            result.only_drydock.append((pair, d))
        elif s is not None and d is not None and set(s) != set(d):
            result.mismatches.append(
                (
                    pair,
                    {v: p for v, p in s.items() if v not in d},
                    {v: p for v, p in d.items() if v not in s},
                )
            )
    drydock_types = {(n, v): t for (t, n), versions in result.only_drydock for v in versions}
    for (t, n), versions in result.only_syft:
        result.retyped += [(n, v, t, drydock_types[(n, v)]) for v in versions if (n, v) in drydock_types]
    return result


def _versions(versions: Versions, limit: int = 2) -> str:
    return "; ".join(f"{v or '(none)'} {sorted(set(p))[:limit]}" for v, p in sorted(versions.items()))


def report(result: Comparison, limit: int) -> None:
    """Counts of unique (type, name, version) keys per type, then every difference by type."""
    print(f"{'type':<16}{'syft':>8}{'drydock':>10}")
    for t, (s, d) in result.counts.items():
        print(f"{t:<16}{s:>8}{d:>10}")
    for label, rows in (("only syft", result.only_syft), ("only drydock", result.only_drydock)):
        by_type: dict[str, list[tuple[Pair, Versions]]] = defaultdict(list)
        for pair, versions in rows:
            by_type[pair[0]].append((pair, versions))
        for t, items in sorted(by_type.items()):
            print(f"\n## {label} — {t}: {len(items)}")
            for (_, name), versions in items[:limit]:
                print(f"  {name}  {_versions(versions)}")
    print(f"\n## same name and version, other type: {len(result.retyped)}")
    for name, version, st, dt in result.retyped:
        print(f"  {name} {version}: syft {st} / drydock {dt}")
    print(f"\n## version mismatches (same type and name): {len(result.mismatches)}")
    for (t, name), s, d in result.mismatches[:limit]:
        print(f"  {t} {name}: syft only {_versions(s) or '-'} | drydock only {_versions(d) or '-'}")


def drydock_keeping_owned(archive: Path) -> dict:
    """drydock's syft JSON with owned-package filtering off (the CLI has no switch for it)."""
    from drydock.analyzer.analyze import analyze
    from drydock.analyzer.config import AnalyzerConfig
    from drydock.analyzer.sbom import render

    config = AnalyzerConfig(
        secret_regexes={}, content_regexes={}, retrieve_files=(), enable_owned_package_filtering=False
    )
    return json.loads(render(analyze(f"docker-archive:{archive}", config), "json"))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("archive", type=Path)
    ap.add_argument("--limit", type=int, default=40, help="rows printed per group")
    ap.add_argument("--syft", type=Path, default=SYFT, help="syft binary (default: the venv's)")
    ap.add_argument("--syft-json", type=Path, help="use this syft JSON instead of running syft")
    ap.add_argument("--drydock-json", type=Path, help="use this drydock JSON instead of running drydock")
    ap.add_argument("--keep-owned", action="store_true", help="drydock without owned-package filtering")
    args = ap.parse_args()
    src = f"docker-archive:{args.archive}"
    if args.syft_json:
        syft_doc = json.loads(args.syft_json.read_text())
    else:
        syft_doc = run_json([str(args.syft), "scan", src, "-o", "json", "-q"])
    if args.drydock_json:
        dd_doc = json.loads(args.drydock_json.read_text())
    elif args.keep_owned:
        dd_doc = drydock_keeping_owned(args.archive)
    else:
        env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
        dd_doc = run_json([sys.executable, "-m", "drydock", "sbom", src, "-o", "json"], env=env)
    report(compare(packages(syft_doc), packages(dd_doc)), args.limit)


if __name__ == "__main__":
    main()
