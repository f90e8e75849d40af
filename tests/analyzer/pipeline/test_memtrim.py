"""release_free_memory gives glibc's freed heap pages back: the resident size of a process that
built and dropped many small objects falls after the call."""

from __future__ import annotations

import platform
import subprocess
import sys

import pytest

from drydock.analyzer.memtrim import release_free_memory

PROBE = """
import os
from drydock.analyzer.memtrim import release_free_memory

def rss() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")

# ~150 MiB of small allocations (below the mmap threshold: they live in the heap)
junk = [bytes(1000) + bytes([i % 256]) for i in range(150_000)]
keep = junk[-1]  # the heap top stays in use, so only a trim (not a plain free) can shrink it
del junk
before = rss()
assert release_free_memory()
after = rss()
print(before, after)
"""


@pytest.mark.skipif(platform.system() != "Linux" or platform.libc_ver()[0] != "glibc", reason="glibc only")
def test_trim_returns_freed_heap_to_the_system() -> None:
    out = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, check=True)
    before, after = map(int, out.stdout.split())
    assert before - after > 100 * 1024 * 1024, (before, after)


def test_trim_is_safe_to_repeat() -> None:
    assert release_free_memory() == release_free_memory()
