"""Run a job while holding a singleton lease, renewing it in the background, so a periodic
watcher runs in one replica at a time even when a round outlasts the lease's ttl."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import httpx

from drydock.core.errors import DrydockError
from drydock.queue.client import QueueClient
from drydock.queue.errors import LeaseLost
from drydock.queue.schemas import LeaseGrant

log = logging.getLogger(__name__)


@dataclass
class HeldLease:
    """The lease a job runs under. ``epoch`` is the fencing token to pass along with any
    result the job writes elsewhere; ``lost`` is set once a renewal found the lease taken
    over, after which the job should stop and discard its work."""

    grant: LeaseGrant
    lost: threading.Event = field(default_factory=threading.Event)

    @property
    def epoch(self) -> int:
        return self.grant.epoch


@contextmanager
def hold_singleton(
    client: QueueClient, lease_id: str, holder: str, ttl: float, *, renew_every: float | None = None
) -> Iterator[HeldLease | None]:
    """Yield the held lease, or None when another holder owns it (skip this round).
    Renewal runs every ``renew_every`` seconds (default ttl/3); a transient renewal error is
    retried at the next tick, so one missed beat does not give the lease away."""
    grant = client.acquire_lease(lease_id, holder, ttl)
    if grant is None:
        yield None
        return
    held = HeldLease(grant)
    stop = threading.Event()

    def renew() -> None:
        while not stop.wait(renew_every or ttl / 3):
            try:
                held.grant = client.renew_lease(lease_id, holder, grant.epoch, ttl)
            except LeaseLost:
                held.lost.set()
                log.warning("singleton lease lost", extra={"lease": lease_id, "epoch": grant.epoch})
                return
            except (DrydockError, httpx.HTTPError, OSError) as exc:
                log.warning(
                    "singleton lease renewal failed; retrying", extra={"lease": lease_id, "error": str(exc)}
                )

    renewer = threading.Thread(target=renew, name=f"lease-{lease_id}", daemon=True)
    renewer.start()
    try:
        yield held
    finally:
        stop.set()
        renewer.join()
        if not held.lost.is_set():
            try:
                client.release_lease(lease_id, holder, grant.epoch)
            except LeaseLost:
                pass  # it lapsed and was taken during the last beat: nothing left to give up
