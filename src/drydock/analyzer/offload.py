"""Run file scanners in other processes while one layer stream is being read.

Layer-level parallelism only helps when the image has several layers of similar size; a
typical image is one big base layer plus small ones, and there the scanners (ELF/zip parsing
of every executable and archive) dominate and would run on one CPU. ``ScanOffload`` ships
the bytes of each wanted file, in batches, to a process pool whose workers hold the plan
(sent once, at start-up) and run the scanners; the reader goes on streaming meanwhile.

Memory stays bounded: at most three 2 MiB batches per worker are queued or being scanned
(a single file larger than that travels alone); beyond that ``submit`` waits for the oldest
batch. Results come back in submission
order, so the layer index is the same as with inline scanning.
"""

from __future__ import annotations

from collections import deque
from concurrent.futures import Future, ProcessPoolExecutor

from drydock.analyzer.catalogers.base import FileScanner
from drydock.analyzer.layerscan import FileFindings, LayerIndex, ScanPlan, examine_file, scan_layer
from drydock.analyzer.memtrim import release_free_memory
from drydock.analyzer.model import FileEntry
from drydock.analyzer.procpool import pool_context
from drydock.analyzer.sources.base import ImageSource, LayerRef

_PLAN: ScanPlan | None = None
_LAYER_DONE = False  # a whole layer was read and returned since the last trim
Job = tuple[FileEntry, bytes, tuple[int, ...]]


def _init(plan: ScanPlan) -> None:
    global _PLAN
    _PLAN = plan


def _scan_batch_with(plan: ScanPlan, batch: list[Job]) -> list[FileFindings]:
    return [examine_file(plan, entry, data, [plan.scanners[i] for i in ix], []) for entry, data, ix in batch]


def _scan_batch(batch: list[Job]) -> list[FileFindings]:
    global _LAYER_DONE
    assert _PLAN is not None, "worker not initialised"
    if _LAYER_DONE:
        # the worker's layer index was pickled and freed after its task returned; a worker
        # kept for scanner batches would hold that memory (30-80 MiB) until the pool closes
        release_free_memory()
        _LAYER_DONE = False
    return _scan_batch_with(_PLAN, batch)


def _scan_layer(source: ImageSource, layer: LayerRef) -> LayerIndex:
    global _LAYER_DONE
    assert _PLAN is not None, "worker not initialised"
    _LAYER_DONE = True
    return scan_layer(source, layer, _PLAN)


class ScanOffload:
    """A process pool holding the plan, for whole layers (``submit_layer``) and for batches of
    files to scan (``submit``) while this process reads a layer itself."""

    def __init__(self, plan: ScanPlan, workers: int, batch_bytes: int = 2 * 1024 * 1024) -> None:
        self._plan = plan
        self._index = {id(s): i for i, s in enumerate(plan.scanners)}
        self._pool = ProcessPoolExecutor(
            workers, mp_context=pool_context(), initializer=_init, initargs=(plan,)
        )
        self._batch: list[Job] = []
        self._batch_bytes = 0
        self._limit = batch_bytes
        # enough queued to keep every worker busy, little more: queued bytes exist twice (the
        # batch and its pickle in the call queue), so this is the offload's memory cost
        self._max_inflight = 3 * workers * batch_bytes
        self._pending: deque[tuple[Future[list[FileFindings]], int]] = deque()
        self._inflight_bytes = 0
        self._order: list[tuple[list[FileEntry], Future[list[FileFindings]] | list[FileFindings]]] = []

    def submit_layer(self, source: ImageSource, layer: LayerRef) -> Future[LayerIndex]:
        return self._pool.submit(_scan_layer, source, layer)

    def submit(self, entry: FileEntry, data: bytes, scanners: list[FileScanner]) -> None:
        self._batch.append((entry, data, tuple(self._index[id(s)] for s in scanners)))
        self._batch_bytes += len(data)
        if self._batch_bytes >= self._limit:
            self._flush()

    def _flush(self) -> None:
        if not self._batch:
            return
        while self._pending and self._pending[0][0].done():
            self._inflight_bytes -= self._pending.popleft()[1]
        entries = [job[0] for job in self._batch]
        if self._pending and self._inflight_bytes + self._batch_bytes > self._max_inflight:
            # every worker has work queued (batches, or whole layers): scan here, don't wait
            self._order.append((entries, _scan_batch_with(self._plan, self._batch)))
        else:
            future = self._pool.submit(_scan_batch, self._batch)
            self._pending.append((future, self._batch_bytes))
            self._inflight_bytes += self._batch_bytes
            self._order.append((entries, future))
        self._batch, self._batch_bytes = [], 0

    def results(self) -> list[tuple[FileEntry, FileFindings]]:
        """Every submitted file's findings, in submission order (waits for the rest)."""
        self._flush()
        out: list[tuple[FileEntry, FileFindings]] = []
        for entries, found in self._order:
            out.extend(zip(entries, found if isinstance(found, list) else found.result()))
        self._order, self._pending, self._inflight_bytes = [], deque(), 0
        return out

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)
