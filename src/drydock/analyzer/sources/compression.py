"""Streaming layer decompression with verification and a decompression-bomb guard.

Guarantees of ``open_layer_stream`` (used by every image source for ``open_layer``):

* The compression is detected from the first bytes (gzip ``1f 8b``, zstd ``28 b5 2f fd``,
  otherwise uncompressed), never from the media type alone, so mislabelled layers still read.
* Nothing is buffered beyond one read: memory stays bounded whatever the layer size.
* The bytes read from the blob are hashed as they stream (by a helper thread, on another
  core); when the decompressed stream reaches its end, any trailing compressed bytes (gzip
  padding) are drained and the hash is compared with the blob digest; the uncompressed
  bytes are likewise compared with the layer's ``diff_id`` when one is known. Either
  mismatch raises ``DigestMismatch`` from the ``read`` that hit the end (or from ``close``
  if the caller stopped exactly at the end). A stream closed before its end is *not*
  verified: nothing was trusted beyond what was read.
* ``DecompressionLimits`` bounds the uncompressed size and the expansion ratio of each layer;
  exceeding either raises ``SourceError`` naming the layer and the limit, before the excess
  is handed to the caller.
* Corrupt or truncated compressed data raises ``SourceError`` (never zlib/zstd exceptions).
"""

from __future__ import annotations

import gzip
import hashlib
import io
import zlib
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from typing import BinaryIO

import zstandard

from drydock.analyzer.sources.base import DigestMismatch, SourceError

GZIP_MAGIC = b"\x1f\x8b"
ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"
_DRAIN_CHUNK = 1 << 16
_ZSTD_INPUT_CHUNK = 1 << 10


@dataclass(frozen=True, slots=True)
class DecompressionLimits:
    """Per-layer bomb guard. The ratio is only enforced once ``ratio_floor`` bytes have been
    produced, because small, very compressible layers (a few MB of zeros) are legitimate.

    The default ratio sits above deflate's ceiling (~1032:1): a layer holding one big
    preallocated file of zeros is legitimate and must not fail, so gzip layers are bounded by
    ``max_bytes`` alone while zstd bombs (10,000:1 and more) are stopped early. Deployments that
    never see such layers can lower ``max_ratio`` to stop gzip bombs sooner."""

    max_bytes: int = 16 * 1024**3
    max_ratio: float = 1500.0
    ratio_floor: int = 64 * 1024**2


def detect_compression(head: bytes) -> str:
    """``"gzip"``, ``"zstd"`` or ``"none"`` from a blob's first bytes."""
    if head.startswith(GZIP_MAGIC):
        return "gzip"
    if head.startswith(ZSTD_MAGIC):
        return "zstd"
    return "none"


class BackgroundSha256:
    """sha256 computed by a helper thread: hashlib releases the GIL on buffers this large, so
    verifying a layer runs on another core while the caller parses the tar (≈ 1 s per GiB
    taken off the reading thread). Chunks are hashed in order; at most ``MAX_QUEUED`` wait
    (bytes objects, never reused buffers), which bounds the memory to a few read chunks."""

    MAX_QUEUED = 4

    def __init__(self) -> None:
        self._hash = hashlib.sha256()
        self._thread = ThreadPoolExecutor(1, thread_name_prefix="layer-sha256")
        self._queued: deque[Future[None]] = deque()

    def update(self, data: bytes) -> None:
        while len(self._queued) >= self.MAX_QUEUED:
            self._queued.popleft().result()
        self._queued.append(self._thread.submit(self._hash.update, data))

    def hexdigest(self) -> str:
        while self._queued:
            self._queued.popleft().result()
        return self._hash.hexdigest()

    def close(self) -> None:
        self._thread.shutdown(wait=True, cancel_futures=True)
        self._queued.clear()


class _HashingReader(io.RawIOBase):
    """Counts and hashes the raw (compressed) bytes as the decompressor pulls them; ``head``
    holds bytes already peeked so detection does not need a seekable stream."""

    def __init__(self, raw: BinaryIO, head: bytes) -> None:
        self._raw = raw
        self._head = head
        self.hash = BackgroundSha256()
        self.count = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        want = len(buffer)
        if self._head:
            data, self._head = self._head[:want], self._head[want:]
        else:
            data = self._raw.read(want)
        if not data:
            return 0
        buffer[: len(data)] = data
        self.hash.update(data)
        self.count += len(data)
        return len(data)

    def drain(self) -> None:
        while self.readinto(memoryview(bytearray(_DRAIN_CHUNK))):
            pass


class _ZstdReader(io.RawIOBase):
    """Multi-frame zstd decoding that notices truncation (zstandard's stream reader silently
    stops). Input is fed in small chunks so one call's output stays bounded even for
    maximally compressible frames (at most ~32768x the input chunk)."""

    def __init__(self, source: _HashingReader) -> None:
        self._source = source
        self._dctx = zstandard.ZstdDecompressor()
        self._obj = self._dctx.decompressobj()
        self._frame_started = False
        self._pending = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        while not self._pending:
            chunk = self._source.read(_ZSTD_INPUT_CHUNK)
            if not chunk:
                if self._frame_started:
                    raise EOFError("zstd stream ended inside a frame")
                return 0
            self._pending = self._feed(chunk)
        n = min(len(buffer), len(self._pending))
        buffer[:n] = self._pending[:n]
        self._pending = self._pending[n:]
        return n

    def _feed(self, chunk: bytes) -> bytes:
        out = []
        while chunk:
            self._frame_started = True
            out.append(self._obj.decompress(chunk))
            if not self._obj.eof:
                break
            chunk = self._obj.unused_data
            self._obj = self._dctx.decompressobj()
            self._frame_started = False
        return b"".join(out)


def _peek(raw: BinaryIO, n: int) -> bytes:
    head = b""
    while len(head) < n:
        chunk = raw.read(n - len(head))
        if not chunk:
            break
        head += chunk
    return head


class LayerStream(io.RawIOBase):
    """The uncompressed tar of one layer; see the module docstring for what it guarantees."""

    def __init__(
        self,
        raw: BinaryIO,
        *,
        name: str,
        expected_digest: str | None,
        expected_diff_id: str | None,
        limits: DecompressionLimits,
    ) -> None:
        self._raw = raw
        self.name = name
        self._expected_digest = expected_digest
        self._expected_diff_id = expected_diff_id
        self._limits = limits
        head = _peek(raw, len(ZSTD_MAGIC))
        self.compression = detect_compression(head)
        self._hashing = _HashingReader(raw, head)
        # an uncompressed blob is its own content: one hash serves both checks (hashing a
        # 600 MiB layer twice cost ~1 s)
        self._diff_hash = None if self.compression == "none" else BackgroundSha256()
        self._produced = 0
        self._verified = False
        self._decoder: BinaryIO = self._make_decoder()

    def _make_decoder(self) -> BinaryIO:
        if self.compression == "gzip":
            return gzip.GzipFile(fileobj=self._hashing, mode="rb")  # type: ignore[return-value]
        if self.compression == "zstd":
            return io.BufferedReader(_ZstdReader(self._hashing), buffer_size=1 << 16)  # type: ignore[return-value]
        return self._hashing  # type: ignore[return-value]

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        if self._verified:
            return 0
        try:
            data = self._decoder.read(len(buffer))
        except (OSError, EOFError, zlib.error, zstandard.ZstdError) as exc:
            raise SourceError(
                f"layer {self.name}: corrupt or truncated {self.compression} data: {exc}"
            ) from exc
        if not data:
            self._verify()
            return 0
        self._produced += len(data)
        self._check_limits()
        if self._diff_hash is not None:
            self._diff_hash.update(data)
        buffer[: len(data)] = data
        return len(data)

    def _check_limits(self) -> None:
        limits = self._limits
        if self._produced > limits.max_bytes:
            raise SourceError(
                f"layer {self.name}: uncompressed size exceeds the limit of {limits.max_bytes} bytes "
                "(possible decompression bomb)"
            )
        if self._produced > limits.ratio_floor and self._produced > limits.max_ratio * max(
            self._hashing.count, 1
        ):
            raise SourceError(
                f"layer {self.name}: expansion ratio exceeds {limits.max_ratio:g}:1 "
                f"({self._produced} bytes from {self._hashing.count}; possible decompression bomb)"
            )

    def _verify(self) -> None:
        self._verified = True
        self._hashing.drain()
        if self.compression != "none" and self._hashing.count == 0:
            raise SourceError(f"layer {self.name}: empty compressed stream")
        check_digest(self.name, "blob", self._expected_digest, self._hashing.hash)
        diff_hash = self._hashing.hash if self._diff_hash is None else self._diff_hash
        check_digest(self.name, "uncompressed content (diff_id)", self._expected_diff_id, diff_hash)

    def _verify_if_at_end(self) -> None:
        """A caller that read exactly the content length never saw the end; one more byte tells
        whether it was the end (then verify) or an early stop (then nothing to verify)."""
        probe = bytearray(1)
        self.readinto(memoryview(probe))

    def close(self) -> None:
        if self.closed:
            return
        try:
            if not self._verified:
                self._verify_if_at_end()
        finally:
            self._hashing.hash.close()
            if self._diff_hash is not None:
                self._diff_hash.close()
            self._raw.close()
            super().close()


def check_digest(name: str, what: str, expected: str | None, actual: BackgroundSha256) -> None:
    """Compare a running sha256 with an expected ``sha256:`` digest (other algorithms cannot be
    checked with this hash and are rejected rather than silently trusted)."""
    if expected is None:
        return
    algo, _, hex_digest = expected.partition(":")
    if algo != "sha256":
        raise SourceError(f"{name}: unsupported digest algorithm {algo!r}")
    if actual.hexdigest() != hex_digest:
        raise DigestMismatch(
            f"{name}: {what} digest mismatch: expected {expected}, got sha256:{actual.hexdigest()}"
        )


def open_layer_stream(
    raw: BinaryIO,
    *,
    name: str,
    expected_digest: str | None,
    expected_diff_id: str | None = None,
    limits: DecompressionLimits | None = None,
) -> BinaryIO:
    """Wrap a raw blob stream (owned from now on) as a buffered, verified, uncompressed stream."""
    try:
        stream = LayerStream(
            raw,
            name=name,
            expected_digest=expected_digest,
            expected_diff_id=expected_diff_id,
            limits=limits or DecompressionLimits(),
        )
    except BaseException:
        raw.close()
        raise
    return io.BufferedReader(stream, buffer_size=1 << 16)  # type: ignore[return-value]


@contextmanager
def verified_layer(
    raw: BinaryIO,
    *,
    name: str,
    expected_digest: str | None,
    expected_diff_id: str | None = None,
    limits: DecompressionLimits | None = None,
) -> Iterator[BinaryIO]:
    """``open_layer_stream`` as a context manager: a verification failure detected on close is
    raised, unless another exception is already propagating (which it would only mask)."""
    stream = open_layer_stream(
        raw, name=name, expected_digest=expected_digest, expected_diff_id=expected_diff_id, limits=limits
    )
    try:
        yield stream
    except BaseException:
        with suppress(Exception):
            stream.close()
        raise
    stream.close()
