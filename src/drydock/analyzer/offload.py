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
from drydock.analyzer.layerscan import FileFindings, ScanPlan, examine_file
from drydock.analyzer.model import FileEntry
from drydock.analyzer.procpool import pool_context

_PLAN: ScanPlan | None = None
Job = tuple[FileEntry, bytes, tuple[int, ...]]


def _init(plan: ScanPlan) -> None:
    global _PLAN
    _PLAN = plan


def _scan_batch(batch: list[Job]) -> list[FileFindings]:
    plan = _PLAN
    assert plan is not None, "worker not initialised"
    return [examine_file(plan, entry, data, [plan.scanners[i] for i in ix], []) for entry, data, ix in batch]


class ScanOffload:
    def __init__(
        self,
        plan: ScanPlan,
        workers: int,
        batch_bytes: int = 2 * 1024 * 1024,
        max_inflight_batches_per_worker: int = 3,
    ) -> None:
        self._index = {id(s): i for i, s in enumerate(plan.scanners)}
        self._pool = ProcessPoolExecutor(workers, mp_context=pool_context(), initializer=_init, initargs=(plan,))
        self._batch: list[Job] = []
        self._batch_bytes = 0
        self._limit = batch_bytes
        # enough queued to keep every worker busy, little more: queued bytes exist twice (the
        # batch and its pickle in the call queue), so this is the offload's memory cost
        self._max_inflight = max_inflight_batches_per_worker * workers * batch_bytes
        self._inflight: deque[tuple[Future[list[FileFindings]], list[FileEntry], int]] = deque()
        self._inflight_bytes = 0
        self._done: list[tuple[FileEntry, FileFindings]] = []

    def submit(self, entry: FileEntry, data: bytes, scanners: list[FileScanner]) -> None:
        self._batch.append((entry, data, tuple(self._index[id(s)] for s in scanners)))
        self._batch_bytes += len(data)
        if self._batch_bytes >= self._limit:
            self._flush()

    def _flush(self) -> None:
        if not self._batch:
            return
        while self._inflight and self._inflight_bytes + self._batch_bytes > self._max_inflight:
            self._collect_oldest()
        future = self._pool.submit(_scan_batch, self._batch)
        self._inflight.append((future, [job[0] for job in self._batch], self._batch_bytes))
        self._inflight_bytes += self._batch_bytes
        self._batch, self._batch_bytes = [], 0

    def _collect_oldest(self) -> None:
        future, entries, size = self._inflight.popleft()
        self._done.extend(zip(entries, future.result()))
        self._inflight_bytes -= size

    def results(self) -> list[tuple[FileEntry, FileFindings]]:
        """Every submitted file's findings, in submission order (waits for the rest)."""
        self._flush()
        while self._inflight:
            self._collect_oldest()
        done, self._done = self._done, []
        return done

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)
