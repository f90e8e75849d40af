"""One worker-facing queue interface, two transports: in-process (the service functions in a
transaction of their own) and HTTP (a queue service on another machine). A worker written
against :class:`QueueClient` runs unchanged in the all-in-one process and in a split
deployment, and sees the same exceptions from both (``drydock.queue.errors``, or the
``drydock.core.errors`` class of the HTTP status).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime
from typing import Any, Protocol, Self, TypeVar

import httpx

from drydock.core.db import Database
from drydock.core.errors import (
    BadRequest,
    Conflict,
    DrydockError,
    Forbidden,
    NotFound,
    Unauthorized,
    Unavailable,
)
from drydock.queue import service
from drydock.queue.errors import QUEUE_ERRORS, LeaseHeld
from drydock.queue.policy import (
    DEFAULT_MAX_ATTEMPTS,
    DEFAULT_VISIBILITY_TIMEOUT,
    check_name,
    check_queue_name,
)
from drydock.queue.schemas import LeaseGrant, Message, QueueStats

T = TypeVar("T")


class QueueClient(Protocol):
    def enqueue(
        self,
        queue: str,
        payload: dict[str, Any],
        *,
        priority: int = 0,
        dedupe_key: str | None = None,
        max_attempts: int = DEFAULT_MAX_ATTEMPTS,
        not_before: datetime | None = None,
    ) -> int: ...

    def lease(
        self,
        queue: str,
        holder: str,
        *,
        count: int = 1,
        visibility_timeout: float = DEFAULT_VISIBILITY_TIMEOUT,
    ) -> list[Message]: ...

    def extend(
        self, queue: str, msg_id: int, holder: str, receipt: str, visibility_timeout: float
    ) -> Message: ...

    def ack(self, queue: str, msg_id: int, receipt: str) -> None: ...

    def fail(
        self, queue: str, msg_id: int, receipt: str, error: str, *, retry_after: float | None = None
    ) -> Message: ...

    def stats(self, queue: str | None = None) -> list[QueueStats]: ...

    def acquire_lease(self, lease_id: str, holder: str, ttl: float) -> LeaseGrant | None: ...

    def renew_lease(self, lease_id: str, holder: str, epoch: int, ttl: float) -> LeaseGrant: ...

    def release_lease(self, lease_id: str, holder: str, epoch: int) -> None: ...


class LocalQueueClient:
    """The queue of this process's database; each call is its own committed transaction."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def _run(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        with self.db.session() as session:
            return fn(session, *args, **kwargs)

    def enqueue(
        self,
        queue: str,
        payload: dict[str, Any],
        *,
        priority: int = 0,
        dedupe_key: str | None = None,
        max_attempts: int = DEFAULT_MAX_ATTEMPTS,
        not_before: datetime | None = None,
    ) -> int:
        return self._run(
            service.enqueue,
            queue,
            payload,
            priority=priority,
            dedupe_key=dedupe_key,
            max_attempts=max_attempts,
            not_before=not_before,
        )

    def lease(
        self,
        queue: str,
        holder: str,
        *,
        count: int = 1,
        visibility_timeout: float = DEFAULT_VISIBILITY_TIMEOUT,
    ) -> list[Message]:
        return self._run(service.lease, queue, holder, count=count, visibility_timeout=visibility_timeout)

    def extend(
        self, queue: str, msg_id: int, holder: str, receipt: str, visibility_timeout: float
    ) -> Message:
        return self._run(service.extend, msg_id, holder, receipt, visibility_timeout, queue=queue)

    def ack(self, queue: str, msg_id: int, receipt: str) -> None:
        self._run(service.ack, msg_id, receipt, queue=queue)

    def fail(
        self, queue: str, msg_id: int, receipt: str, error: str, *, retry_after: float | None = None
    ) -> Message:
        return self._run(service.fail, msg_id, receipt, error, retry_after=retry_after, queue=queue)

    def stats(self, queue: str | None = None) -> list[QueueStats]:
        return self._run(service.stats, queue)

    def acquire_lease(self, lease_id: str, holder: str, ttl: float) -> LeaseGrant | None:
        return self._run(service.acquire_lease, lease_id, holder, ttl)

    def renew_lease(self, lease_id: str, holder: str, epoch: int, ttl: float) -> LeaseGrant:
        return self._run(service.renew_lease, lease_id, holder, epoch, ttl)

    def release_lease(self, lease_id: str, holder: str, epoch: int) -> None:
        self._run(service.release_lease, lease_id, holder, epoch)


# Requests that certainly never reached the server: retrying them cannot double an effect.
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)
DEFAULT_TIMEOUT = httpx.Timeout(30.0, connect=5.0)
_BY_STATUS: dict[int, type[DrydockError]] = {
    400: BadRequest,
    401: Unauthorized,
    403: Forbidden,
    404: NotFound,
    409: Conflict,
    503: Unavailable,
}


class HttpQueueClient:
    """The queue API of a Drydock server (an admin identity: the queue actions are
    system-wide). Connection failures are retried ``retries`` times with doubling pauses;
    a request that may have reached the server is not, since the queue's at-least-once
    delivery already covers a lost answer (the lease expires and the message comes back)."""

    def __init__(
        self,
        base_url: str,
        auth: tuple[str, str],
        *,
        timeout: httpx.Timeout | float = DEFAULT_TIMEOUT,
        retries: int = 3,
        retry_pause: float = 0.5,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.retries = retries
        self.retry_pause = retry_pause
        self._http = httpx.Client(
            base_url=base_url.rstrip("/"), auth=auth, timeout=timeout, transport=transport
        )

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _request(self, method: str, path: str, **kwargs: Any) -> Any:
        for attempt in range(self.retries + 1):
            try:
                response = self._http.request(method, path, **kwargs)
                break
            except _NOT_SENT as exc:
                if attempt == self.retries:
                    raise Unavailable(f"queue service unreachable at {self._http.base_url}: {exc}") from exc
                time.sleep(self.retry_pause * 2**attempt)
        if response.status_code >= 400:
            raise _error(response)
        return response.json() if response.content else None

    def enqueue(
        self,
        queue: str,
        payload: dict[str, Any],
        *,
        priority: int = 0,
        dedupe_key: str | None = None,
        max_attempts: int = DEFAULT_MAX_ATTEMPTS,
        not_before: datetime | None = None,
    ) -> int:
        body = {
            "payload": payload,
            "priority": priority,
            "dedupe_key": dedupe_key,
            "max_attempts": max_attempts,
            "not_before": not_before.isoformat() if not_before else None,
        }
        return int(self._request("POST", f"{queue_path(queue)}/messages", json=body)["id"])

    def lease(
        self,
        queue: str,
        holder: str,
        *,
        count: int = 1,
        visibility_timeout: float = DEFAULT_VISIBILITY_TIMEOUT,
    ) -> list[Message]:
        params = {"holder": holder, "count": count, "visibility_timeout": visibility_timeout}
        return [
            Message.from_json(m) for m in self._request("POST", f"{queue_path(queue)}/lease", params=params)
        ]

    def extend(
        self, queue: str, msg_id: int, holder: str, receipt: str, visibility_timeout: float
    ) -> Message:
        body = {"holder": holder, "receipt": receipt, "visibility_timeout": visibility_timeout}
        return Message.from_json(
            self._request("PUT", f"{queue_path(queue)}/messages/{int(msg_id)}/lease", json=body)
        )

    def ack(self, queue: str, msg_id: int, receipt: str) -> None:
        self._request("DELETE", f"{queue_path(queue)}/messages/{int(msg_id)}", params={"receipt": receipt})

    def fail(
        self, queue: str, msg_id: int, receipt: str, error: str, *, retry_after: float | None = None
    ) -> Message:
        body = {"receipt": receipt, "error": error, "retry_after": retry_after}
        return Message.from_json(
            self._request("POST", f"{queue_path(queue)}/messages/{int(msg_id)}/fail", json=body)
        )

    def stats(self, queue: str | None = None) -> list[QueueStats]:
        if queue is not None:
            return [
                QueueStats.from_json(self._request("GET", queue_path(queue), params={"limit": 1})["stats"])
            ]
        return [QueueStats.from_json(s) for s in self._request("GET", "/v1/queues")]

    def acquire_lease(self, lease_id: str, holder: str, ttl: float) -> LeaseGrant | None:
        try:
            data = self._request(
                "POST", f"{lease_path(lease_id)}/acquire", params={"holder": holder, "ttl": ttl}
            )
        except LeaseHeld:
            return None
        return LeaseGrant.from_json(data)

    def renew_lease(self, lease_id: str, holder: str, epoch: int, ttl: float) -> LeaseGrant:
        params = {"holder": holder, "epoch": epoch, "ttl": ttl}
        return LeaseGrant.from_json(self._request("PUT", lease_path(lease_id), params=params))

    def release_lease(self, lease_id: str, holder: str, epoch: int) -> None:
        self._request("DELETE", lease_path(lease_id), params={"holder": holder, "epoch": epoch})


def queue_path(queue: str) -> str:
    """Checked here as the service would, so no name can step outside its path segment."""
    return f"/v1/queues/{check_queue_name(queue)}"


def lease_path(lease_id: str) -> str:
    return f"/v1/leases/{check_name('lease id', lease_id)}"


def _error(response: httpx.Response) -> DrydockError:
    """The exception the service raised, rebuilt from the API error body."""
    try:
        body = response.json()
        message = str(body.get("message") or response.text)
        codes = (body.get("detail") or {}).get("error_codes") or []
    except (ValueError, AttributeError):
        message, codes = response.text or response.reason_phrase, []
    for code in codes:
        if code in QUEUE_ERRORS:
            return QUEUE_ERRORS[code](message)
    cls = _BY_STATUS.get(response.status_code, DrydockError)
    error = cls(message)
    error.status_code = response.status_code
    return error
