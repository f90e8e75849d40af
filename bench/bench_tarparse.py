"""Why the squash has its own tar reader: walk the same uncompressed layer tar with
``tarfile`` (stream mode ``r|``) and with ``drydock.analyzer.tarstream.TarReader``, touching
every member's header and skipping (or hashing) the data, and print the times.

    PYTHONPATH=src .venv/bin/python bench/bench_tarparse.py LAYER.tar [--hash] [--repeat N]

A docker-archive's ``<n>/layer.tar`` (or any tar) will do; see bench/README.md for results.
"""

from __future__ import annotations

import argparse
import hashlib
import statistics
import tarfile
import time
from collections.abc import Callable

from drydock.analyzer.tarstream import TarReader


def walk_tarfile(path: str, digest: bool) -> int:
    count = 0
    with open(path, "rb") as fh, tarfile.open(fileobj=fh, mode="r|") as tar:
        for ti in tar:
            count += 1
            if digest and ti.isreg():
                f = tar.extractfile(ti)
                assert f is not None
                h = hashlib.sha256()
                while chunk := f.read(1 << 20):
                    h.update(chunk)
    return count


def walk_tarstream(path: str, digest: bool) -> int:
    count = 0
    with open(path, "rb") as fh:
        reader = TarReader(fh)
        for m in reader:
            count += 1
            if digest and m.typeflag in ("0", "7"):
                h = hashlib.sha256()
                for chunk in reader.data_chunks():
                    h.update(chunk)
    return count


def _time(fn: Callable[[str, bool], int], path: str, digest: bool, repeat: int) -> tuple[float, int]:
    times, count = [], 0
    for _ in range(repeat):
        start = time.perf_counter()
        count = fn(path, digest)
        times.append(time.perf_counter() - start)
    return statistics.median(times), count


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("tar")
    ap.add_argument("--hash", action="store_true", help="also sha256 every regular file")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    t_tarfile, n1 = _time(walk_tarfile, args.tar, args.hash, args.repeat)
    t_stream, n2 = _time(walk_tarstream, args.tar, args.hash, args.repeat)
    assert n1 == n2, f"member counts differ: tarfile {n1}, tarstream {n2}"
    print(f"members: {n1}   hash: {args.hash}   median of {args.repeat}")
    print(f"tarfile r|   {t_tarfile:8.3f} s")
    print(f"tarstream    {t_stream:8.3f} s   ({t_tarfile / t_stream:.1f}x faster)")


if __name__ == "__main__":
    main()
