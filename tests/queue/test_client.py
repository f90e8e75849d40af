"""A worker written once against QueueClient, run in-process and over HTTP against a real
server; the HTTP client's retry policy; the singleton helper's renewal and hand-over."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import httpx
import pytest

from drydock.core.db import Database
from drydock.core.errors import Forbidden, Unauthorized, Unavailable
from drydock.queue.client import HttpQueueClient, LocalQueueClient, QueueClient
from drydock.queue.errors import InvalidQueueRequest, LeaseLost, StaleReceipt
from drydock.queue.singleton import hold_singleton
from tests.support.naming import unique
from tests.support.server import ServerProcess


@pytest.fixture(params=["local", "http"])
def client(request: pytest.FixtureRequest, db: Database) -> Iterator[QueueClient]:
    if request.param == "local":
        yield LocalQueueClient(db)
        return
    server: ServerProcess = request.getfixturevalue("queue_server")
    with HttpQueueClient(server.url, ("admin", server.admin_password), timeout=10) as http:
        yield http


def work(client: QueueClient, queue: str, holder: str, handle: dict[str, str]) -> list[str]:
    """The one worker loop: lease, extend while working, ack or fail with the error."""
    outcomes = []
    while batch := client.lease(queue, holder, count=2, visibility_timeout=30):
        for msg in batch:
            client.extend(queue, msg.id, holder, msg.receipt or "", 60)
            if handle.get(msg.payload["name"]) == "fail":
                after = client.fail(queue, msg.id, msg.receipt or "", f"cannot handle {msg.payload['name']}")
                outcomes.append(f"{msg.payload['name']}:{after.state}")
            else:
                client.ack(queue, msg.id, msg.receipt or "")
                outcomes.append(f"{msg.payload['name']}:done")
    return outcomes


def test_worker_runs_on_either_transport(client: QueueClient, queue: str) -> None:
    for name in ("a", "b", "c"):
        client.enqueue(queue, {"name": name}, max_attempts=1, priority=1 if name == "c" else 0)
    assert client.enqueue(queue, {"name": "a"}, max_attempts=1) == client.enqueue(queue, {"name": "a"})
    assert work(client, queue, "w1", {"b": "fail"}) == ["c:done", "a:done", "b:dead"]
    [stats] = client.stats(queue)
    assert (stats.available, stats.inflight, stats.dead) == (0, 0, 1)
    assert queue in {s.queue for s in client.stats()}


def test_errors_are_the_same_on_either_transport(client: QueueClient, queue: str) -> None:
    mid = client.enqueue(queue, {"n": 1})
    [first] = client.lease(queue, "w1", visibility_timeout=0.1)
    time.sleep(0.2)
    [second] = client.lease(queue, "w2")
    assert second.id == mid and second.attempts == 2
    with pytest.raises(StaleReceipt):
        client.ack(queue, mid, first.receipt or "")
    with pytest.raises(InvalidQueueRequest, match="count"):
        client.lease(queue, "w1", count=0)
    client.ack(queue, mid, second.receipt or "")


def test_singleton_helper_renews_and_hands_over(client: QueueClient) -> None:
    lease_id = unique("watcher:")
    with hold_singleton(client, lease_id, "replica-1", ttl=0.6, renew_every=0.1) as held:
        assert held is not None and held.epoch >= 1
        time.sleep(0.9)  # longer than the ttl: only renewal keeps it
        with hold_singleton(client, lease_id, "replica-2", ttl=5) as other:
            assert other is None
        assert not held.lost.is_set()
        first_epoch = held.epoch
    # Released on exit: the next replica takes it at once, under a newer epoch.
    with hold_singleton(client, lease_id, "replica-2", ttl=5) as taken:
        assert taken is not None and taken.epoch == first_epoch + 1


def test_singleton_helper_notices_a_lost_lease(db: Database) -> None:
    client = LocalQueueClient(db)
    lease_id = unique("watcher:")
    stalled = threading.Event()

    class Stalling(LocalQueueClient):
        """Renewals stall (as if the replica were paused) until the lease was taken over."""

        def renew_lease(self, lease_id: str, holder: str, epoch: int, ttl: float):  # type: ignore[no-untyped-def]
            stalled.wait(5)
            return super().renew_lease(lease_id, holder, epoch, ttl)

    with hold_singleton(Stalling(db), lease_id, "paused", ttl=0.2, renew_every=0.05) as held:
        assert held is not None
        time.sleep(0.3)
        assert client.acquire_lease(lease_id, "healthy", 30) is not None
        stalled.set()
        assert held.lost.wait(5)
    with pytest.raises(LeaseLost):  # the helper did not release the new owner's lease
        client.release_lease(lease_id, "paused", held.epoch)
    assert client.renew_lease(lease_id, "healthy", held.epoch + 1, 30).holder == "healthy"


def _flaky_transport(failures: int, exc: type[Exception]) -> tuple[httpx.MockTransport, list[int]]:
    calls: list[int] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(1)
        if len(calls) <= failures:
            raise exc("simulated", request=request)  # type: ignore[call-arg]
        return httpx.Response(200, json={"id": 7})

    return httpx.MockTransport(handler), calls


def test_http_client_retries_connection_errors() -> None:
    transport, calls = _flaky_transport(2, httpx.ConnectError)
    with HttpQueueClient(
        "http://queue.test", ("admin", "pw"), retries=3, retry_pause=0.001, transport=transport
    ) as c:
        assert c.enqueue("q", {"n": 1}) == 7
    assert len(calls) == 3


def test_http_client_gives_up_after_its_retries() -> None:
    transport, calls = _flaky_transport(10, httpx.ConnectError)
    client = HttpQueueClient(
        "http://queue.test", ("admin", "pw"), retries=2, retry_pause=0.001, transport=transport
    )
    with client, pytest.raises(Unavailable, match="unreachable"):
        client.enqueue("q", {"n": 1})
    assert len(calls) == 3


def test_http_client_does_not_retry_a_request_that_may_have_arrived() -> None:
    transport, calls = _flaky_transport(1, httpx.ReadTimeout)
    client = HttpQueueClient(
        "http://queue.test", ("admin", "pw"), retries=3, retry_pause=0.001, transport=transport
    )
    with client, pytest.raises(httpx.ReadTimeout):
        client.lease("q", "w")
    assert len(calls) == 1


def test_http_client_maps_plain_http_errors(queue_server: ServerProcess) -> None:
    client = HttpQueueClient(queue_server.url, ("admin", "wrong-password"), retries=0)
    with client, pytest.raises(Unauthorized):
        client.stats()
    transport = httpx.MockTransport(lambda r: httpx.Response(403, json={"message": "no", "detail": {}}))
    with (
        HttpQueueClient("http://queue.test", ("u", "p"), transport=transport) as c,
        pytest.raises(Forbidden, match="no"),
    ):
        c.stats()


def test_http_client_refuses_names_that_would_leave_their_path_segment() -> None:
    transport = httpx.MockTransport(lambda r: pytest.fail(f"request sent: {r.url}"))
    with HttpQueueClient("http://queue.test", ("u", "p"), transport=transport) as c:
        with pytest.raises(InvalidQueueRequest, match="queue name"):
            c.enqueue("../accounts", {"n": 1})
        with pytest.raises(InvalidQueueRequest, match="lease id"):
            c.acquire_lease("watcher/../x", "h", 10)
