"""Queue errors. Each carries a stable code in the API error body (``detail.error_codes``),
so the HTTP client raises the same exception class a worker gets in-process."""

from __future__ import annotations

from drydock.core.errors import BadRequest, Conflict, DrydockError, NotFound


class QueueError(DrydockError):
    code = "queue_error"

    def __init__(self, message: str) -> None:
        super().__init__(message, {"error_codes": [self.code]})


class InvalidQueueRequest(QueueError, BadRequest):
    code = "invalid_queue_request"


class MessageNotFound(QueueError, NotFound):
    code = "message_not_found"


class StaleReceipt(QueueError, Conflict):
    """The receipt is not the message's current one: its lease expired and the message was
    leased again (or failed, or dead-lettered) since, so that work must not be acknowledged."""

    code = "stale_receipt"


class NotDead(QueueError, Conflict):
    code = "message_not_dead"


class LeaseLost(QueueError, Conflict):
    """A renew or release by a holder (or epoch) that no longer owns the singleton lease."""

    code = "lease_lost"


class LeaseHeld(QueueError, Conflict):
    """Over HTTP, an acquire that found the singleton lease owned by someone else (the
    service returns None for it; the HTTP client turns this back into None)."""

    code = "lease_held"


QUEUE_ERRORS: dict[str, type[QueueError]] = {
    cls.code: cls
    for cls in (InvalidQueueRequest, MessageNotFound, StaleReceipt, NotDead, LeaseLost, LeaseHeld)
}
