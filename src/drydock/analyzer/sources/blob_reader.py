"""A registry blob as a raw stream that survives dropped connections.

When the connection fails mid-body, the download resumes from the current offset with an HTTP
``Range`` request (the registry must answer ``206`` with a matching ``Content-Range``), at
most ``settings.retries`` times with the client's backoff. Resuming is safe because the blob
digest is verified over the whole stream by ``compression``. More bytes than the descriptor
size are refused, so a hostile registry cannot stream forever.
"""

from __future__ import annotations

import io
import time

import httpx

from drydock.analyzer.sources.base import SourceError
from drydock.analyzer.sources.registry_client import RegistryClient, expect_status

_CHUNK = 1 << 16


class BlobReader(io.RawIOBase):
    def __init__(self, client: RegistryClient, path: str, *, scope: str, size: int, name: str) -> None:
        self._client = client
        self._path = path
        self._scope = scope
        self._size = size
        self._name = name
        self._offset = 0
        self._resumes = 0
        self._pending = b""
        self._response = self._open()
        self._chunks = self._response.iter_bytes(_CHUNK)  # undoes any transfer Content-Encoding

    def _open(self) -> httpx.Response:
        headers = {"Accept-Encoding": "identity"}
        if self._offset:
            headers["Range"] = f"bytes={self._offset}-"
        response = self._client.request("GET", self._path, scope=self._scope, headers=headers, stream=True)
        expect_status(response, (206,) if self._offset else (200,), f"blob {self._name}")
        content_range = response.headers.get("content-range", "")
        if self._offset and not content_range.startswith(f"bytes {self._offset}-"):
            response.close()
            raise SourceError(f"blob {self._name}: registry answered a resume request with the wrong range")
        return response

    def _resume(self, exc: httpx.HTTPError) -> None:
        self._response.close()
        if self._resumes >= self._client.settings.retries:
            raise SourceError(
                f"blob {self._name}: download failed after {self._resumes} resumes at byte {self._offset}: "
                f"{type(exc).__name__}: {exc}"
            ) from exc
        self._resumes += 1
        time.sleep(self._client.backoff_delay(self._resumes, None))
        self._response = self._open()
        self._chunks = self._response.iter_bytes(_CHUNK)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        while not self._pending:
            try:
                self._pending = next(self._chunks, b"")
                break
            except httpx.TransportError as exc:
                self._resume(exc)
        data, self._pending = self._pending[: len(buffer)], self._pending[len(buffer) :]
        self._offset += len(data)
        if self._offset > self._size:
            raise SourceError(f"blob {self._name}: registry sent more bytes than the descriptor size")
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        self._response.close()
        super().close()
