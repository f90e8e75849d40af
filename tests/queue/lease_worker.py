"""A queue consumer run as its own OS process by test_concurrency.py: waits for the start
file, then leases and acknowledges until the queue is empty, printing the ids it acked."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from drydock.core.db import Database
from drydock.queue import service as sq


def main(url: str, queue: str, start_file: str) -> None:
    db = Database(url, pool_size=1, max_overflow=0)
    while not Path(start_file).exists():
        time.sleep(0.01)
    acked: list[int] = []
    while True:
        with db.session() as s:
            got = sq.lease(s, queue, f"proc-{queue}", count=2, visibility_timeout=120)
        if not got:
            break
        for m in got:
            time.sleep(0.001)  # a little work, so the two processes interleave
            with db.session() as s:
                sq.ack(s, m.id, m.receipt or "")
            acked.append(m.id)
    db.dispose()
    print(json.dumps(acked))


if __name__ == "__main__":
    main(*sys.argv[1:4])
