"""Failed-login throttling: after ``limit`` failures for one (username, client) within
``window`` seconds, further attempts are refused with 429 until the window has passed —
correct passwords included, so guessing cannot continue under cover of the limit.

Kept per process: a scale-out deployment multiplies the allowance by its API replicas, which
still bounds guessing to a small rate."""

from __future__ import annotations

import threading
import time
from collections import deque

from drydock.core.errors import TooManyRequests


class LoginThrottle:
    def __init__(self, limit: int, window: float, max_keys: int = 100_000) -> None:
        self.limit = limit
        self.window = window
        self.max_keys = max_keys
        self._failures: dict[tuple[str, str], deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: tuple[str, str], now: float) -> deque[float]:
        q = self._failures.get(key)
        if q is None:
            return deque()
        while q and now - q[0] > self.window:
            q.popleft()
        if not q:
            del self._failures[key]
        return q

    def check(self, username: str, client: str) -> None:
        now = time.monotonic()
        with self._lock:
            q = self._recent((username, client), now)
            if len(q) >= self.limit:
                retry = max(1, int(self.window - (now - q[0])) + 1)
                raise TooManyRequests(
                    f"Too many failed logins for {username}; try again in {retry} s", {"retry_after": retry}
                )

    def failed(self, username: str, client: str) -> None:
        now = time.monotonic()
        with self._lock:
            if len(self._failures) >= self.max_keys:
                self._failures.clear()  # bounded memory under a spray of usernames
            self._failures.setdefault((username, client), deque()).append(now)

    def succeeded(self, username: str, client: str) -> None:
        with self._lock:
            self._failures.pop((username, client), None)
