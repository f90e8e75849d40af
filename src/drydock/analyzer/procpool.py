"""Which multiprocessing start method the analyzer's process pools use."""

from __future__ import annotations

import multiprocessing
import threading
from multiprocessing.context import BaseContext


def pool_context() -> BaseContext:
    """fork is cheapest (workers inherit the imported catalogers), but forking a process that
    runs other threads (an API server, say) can deadlock; use forkserver there."""
    methods = multiprocessing.get_all_start_methods()
    if "fork" in methods and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
