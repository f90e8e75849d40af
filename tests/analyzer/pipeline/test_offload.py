"""ScanOffload: batches scanned in the pool or, when it is busy, in-process — same results,
same order."""

from __future__ import annotations

from pathlib import Path

from drydock.analyzer.model import FileEntry, FileType
from drydock.analyzer.offload import ScanOffload

from .doubles import MagicScanner
from .test_squash import make_plan


def test_results_in_submission_order_whether_pooled_or_inline(tmp_path: Path) -> None:
    plan = make_plan(tmp_path, [])
    offload = ScanOffload(plan, workers=1, batch_bytes=16)  # tiny batches: the pool saturates
    try:
        files = [
            (FileEntry(f"/bin/t{i}", FileType.REGULAR, 0o755, size=20), f"MAGIC t{i} {i}.0\n".encode())
            for i in range(200)
        ]
        for entry, data in files:
            offload.submit(entry, data, plan.scanners)
        results = offload.results()
    finally:
        offload.close()
    assert [e.path for e, _ in results] == [e.path for e, _ in files]
    assert [found.result.packages[0].version for _, found in results] == [f"{i}.0" for i in range(200)]
    assert isinstance(plan.scanners[0], MagicScanner)
