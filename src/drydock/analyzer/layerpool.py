"""The process pool that reads an image's other layers while this process reads the largest.

Layer-level parallelism: each pool process opens one layer through ``source.open_layer`` and
returns its ``LayerIndex``. The workers hold the plan (sent once, at start-up).

File scanners are not shipped to the pool: with the scanners' prefilters they take a few per
cent of a layer's CPU, and pickling the files' bytes to another process cost more than it
saved — measured on 2 CPUs with the bench images and an image of Go and Rust binaries (trivy,
syft, ruff, py-spy and fixture binaries, 233 MiB): the same wall time, 3-6 % more CPU and
10-40 MiB more peak memory with the batches offloaded.
"""

from __future__ import annotations

from concurrent.futures import Future, ProcessPoolExecutor

from drydock.analyzer.layerscan import LayerIndex, ScanPlan, scan_layer
from drydock.analyzer.memtrim import release_free_memory
from drydock.analyzer.procpool import pool_context
from drydock.analyzer.sources.base import ImageSource, LayerRef

_PLAN: ScanPlan | None = None


def _init(plan: ScanPlan) -> None:
    global _PLAN
    _PLAN = plan


def _scan_layer(source: ImageSource, layer: LayerRef) -> LayerIndex:
    assert _PLAN is not None, "worker not initialised"
    # a worker that reads several layers would otherwise keep the memory of the previous
    # layer's index (pickled and freed after its task returned) for the rest of the squash
    release_free_memory()
    return scan_layer(source, layer, _PLAN)


class LayerPool:
    """A process pool holding the plan, reading whole layers."""

    def __init__(self, plan: ScanPlan, workers: int) -> None:
        self._pool = ProcessPoolExecutor(
            workers, mp_context=pool_context(), initializer=_init, initargs=(plan,)
        )

    def submit_layer(self, source: ImageSource, layer: LayerRef) -> Future[LayerIndex]:
        return self._pool.submit(_scan_layer, source, layer)

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)
