"""Misbehaving HTTP servers on 127.0.0.1 for transport tests (what a real registry will not do
on demand: fail with 5xx, drop connections mid-body, send too many bytes)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

Respond = Callable[[BaseHTTPRequestHandler, int], None]  # (request, 0-based hit number)


class FakeServer:
    def __init__(self, respond: Respond) -> None:
        self.hits = 0
        self.requests: list[tuple[str, dict[str, str]]] = []  # (path, headers)
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:  # noqa: N802 - http.server naming
                hit = owner.hits
                owner.hits += 1
                owner.requests.append((self.path, dict(self.headers.items())))
                respond(self, hit)

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, args=(0.01,), daemon=True).start()
        self.host = f"127.0.0.1:{self.server.server_address[1]}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def send(
    handler: BaseHTTPRequestHandler,
    status: int,
    body: bytes,
    headers: dict[str, str] | None = None,
    length: int | None = None,
) -> None:
    """Answer with ``body``; ``length`` may claim a different Content-Length (to cut a body)."""
    handler.send_response(status)
    for key, value in (headers or {}).items():
        handler.send_header(key, value)
    handler.send_header("Content-Length", str(len(body) if length is None else length))
    handler.end_headers()
    handler.wfile.write(body)
    handler.wfile.flush()
    if length is not None and length != len(body):
        handler.close_connection = True
