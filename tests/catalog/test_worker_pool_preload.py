"""An analyzer worker's pool processes start with the analyzer already imported.

Worker processes are threaded, so analysis pools come from the forkserver; without a preload
list every pool process (a new pool per analysis) imported the analyzer again, which cost more
CPU than analyzing a small image. Checked in a fresh interpreter: the forkserver is global to a
process and takes a preload list only before it starts.
"""

from __future__ import annotations

import multiprocessing
import subprocess
import sys

import pytest

PROBE = """
import sys, threading
from concurrent.futures import ProcessPoolExecutor
from drydock.analyzer.procpool import pool_context
from drydock.analyzer.worker import preload_pool_modules

if sys.argv[1] == "preload":
    preload_pool_modules()
stop = threading.Event()
threading.Thread(target=stop.wait).start()  # threaded, as a worker is: pools use the forkserver
try:
    ctx = pool_context()
    assert ctx.get_start_method() == "forkserver", ctx.get_start_method()
    with ProcessPoolExecutor(1, mp_context=ctx) as pool:
        probe = "'drydock.analyzer.catalogers.binary.classifiers' in __import__('sys').modules"
        print(pool.submit(eval, probe).result())
finally:
    stop.set()
"""

pytestmark = pytest.mark.skipif(
    "forkserver" not in multiprocessing.get_all_start_methods(), reason="no forkserver on this platform"
)


def _pool_process_has_catalogers(mode: str) -> bool:
    out = subprocess.run(
        [sys.executable, "-c", PROBE, mode], capture_output=True, text=True, timeout=120, check=True
    ).stdout.split()
    return out[-1] == "True"


def test_pool_processes_inherit_the_preloaded_analyzer() -> None:
    assert _pool_process_has_catalogers("preload")


def test_without_preload_pool_processes_start_empty() -> None:
    """The control: the probe does tell the two cases apart."""
    assert not _pool_process_has_catalogers("none")
