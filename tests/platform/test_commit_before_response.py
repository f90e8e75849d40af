"""A write is committed before its response leaves the server: a client that reads its 200 and
sends the next request must see its own write (the real server, over HTTP, both backends).

The commit of the one request under test is slowed down by half a second; had the transaction
ended after the response (FastAPI's default for yield dependencies), the client would hold
the response before the commit finished."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import uvicorn
from sqlalchemy import event
from sqlalchemy.orm import Session

from drydock.accounts.models import Account
from drydock.runtime.server import build_app
from tests.support.app import ADMIN, make_runtime
from tests.support.server import free_port


@pytest.fixture
def base_url(database_url: str, tmp_path: Path) -> Iterator[str]:
    runtime = make_runtime(database_url, tmp_path, services=["api", "rbac"])
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(build_app(runtime), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline, "server did not start"
        time.sleep(0.02)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=30)
    runtime.db.engine.dispose()


def test_account_is_committed_before_the_response(base_url: str) -> None:
    name = f"commit{uuid.uuid4().hex[:8]}"
    committed: dict[str, float] = {}

    def mark(session: Session, *_: object) -> None:
        if any(isinstance(obj, Account) and obj.name == name for obj in session.new):
            session.info["probe"] = True

    def slow(session: Session) -> None:
        if session.info.pop("probe", False):
            time.sleep(0.5)
            committed["at"] = time.monotonic()

    event.listen(Session, "before_flush", mark)
    event.listen(Session, "after_commit", slow)
    try:
        with httpx.Client(base_url=base_url, auth=ADMIN, timeout=30) as client:
            assert client.post("/v1/accounts", json={"name": name}).status_code == 200
            received = time.monotonic()
            assert client.get(f"/v1/accounts/{name}").status_code == 200
    finally:
        event.remove(Session, "before_flush", mark)
        event.remove(Session, "after_commit", slow)
    assert "at" in committed and committed["at"] <= received
