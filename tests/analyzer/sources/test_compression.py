import hashlib
import io

import pytest

from drydock.analyzer.sources import DigestMismatch, SourceError
from drydock.analyzer.sources.compression import (
    BackgroundSha256,
    DecompressionLimits,
    detect_compression,
    open_layer_stream,
    verified_layer,
)
from tests.support.images import compress, digest_of

DATA = b"layer-data " * 5000 + bytes(range(256)) * 40


def _stream(blob: bytes, **kwargs):
    kwargs.setdefault("expected_digest", digest_of(blob))
    kwargs.setdefault("expected_diff_id", digest_of(DATA))
    return open_layer_stream(io.BytesIO(blob), name="test-layer", **kwargs)


@pytest.mark.parametrize("kind", ["gzip", "zstd", "none"])
def test_roundtrip_verifies_both_digests(kind):
    blob = compress(DATA, kind)
    with _stream(blob) as s:
        assert s.read() == DATA


@pytest.mark.parametrize("kind", ["gzip", "zstd"])
def test_multi_member_streams_concatenate(kind):
    blob = compress(DATA[:1000], kind) + compress(DATA[1000:], kind)
    with _stream(blob) as s:
        assert s.read() == DATA


def test_detection_uses_magic_not_media_type():
    assert detect_compression(compress(b"x", "gzip")) == "gzip"
    assert detect_compression(compress(b"x", "zstd")) == "zstd"
    assert detect_compression(b"ustar...") == "none"
    assert detect_compression(b"") == "none"


@pytest.mark.parametrize("kind", ["gzip", "zstd", "none"])
def test_blob_digest_mismatch_raised_at_end_of_stream(kind):
    blob = compress(DATA, kind)
    s = _stream(blob, expected_digest="sha256:" + "0" * 64, expected_diff_id=None)
    with pytest.raises(DigestMismatch, match="blob digest mismatch"):
        s.read()


@pytest.mark.parametrize("kind", ["gzip", "none"])  # "none": one hash serves both checks
def test_diff_id_mismatch_is_detected(kind):
    blob = compress(DATA, kind)
    s = _stream(blob, expected_diff_id=digest_of(b"something else"))
    with pytest.raises(DigestMismatch, match="diff_id"):
        s.read()


@pytest.mark.parametrize("kind", ["gzip", "zstd", "none"])
def test_reading_exactly_the_content_length_still_verifies(kind):
    s = _stream(compress(DATA, kind), expected_digest="sha256:" + "1" * 64, expected_diff_id=None)
    with pytest.raises(DigestMismatch):  # from read() or, at the latest, from close()
        assert s.read(len(DATA)) == DATA
        s.close()


def test_stream_closed_early_is_not_verified():
    big = bytes(range(256)) * 8192
    s = _stream(compress(big, "gzip"), expected_digest="sha256:" + "2" * 64, expected_diff_id=None)
    assert s.read(10) == big[:10]
    s.close()  # nothing beyond what was read is trusted, so there is nothing to verify


@pytest.mark.parametrize("kind", ["gzip", "zstd"])
def test_truncated_stream_is_a_source_error(kind):
    blob = compress(DATA, kind)
    s = _stream(blob[: len(blob) // 2], expected_digest=None, expected_diff_id=None)
    with pytest.raises(SourceError, match="corrupt or truncated"):
        s.read()


def test_corrupt_gzip_is_a_source_error():
    blob = compress(DATA, "gzip")
    bad = blob[:12] + b"\xff" * 40 + blob[52:]
    with pytest.raises(SourceError, match="corrupt or truncated gzip"):
        _stream(bad, expected_digest=None, expected_diff_id=None).read()


@pytest.mark.parametrize("kind", ["gzip", "zstd"])
def test_bomb_max_bytes(kind):
    bomb = compress(b"\0" * (4 << 20), kind)
    limits = DecompressionLimits(max_bytes=1 << 20, max_ratio=1e9, ratio_floor=0)
    s = _stream(bomb, expected_digest=None, expected_diff_id=None, limits=limits)
    with pytest.raises(SourceError, match="exceeds the limit of 1048576 bytes"):
        while s.read(1 << 16):
            pass


@pytest.mark.parametrize("kind", ["gzip", "zstd"])
def test_bomb_ratio(kind):
    bomb = compress(b"\0" * (8 << 20), kind)
    limits = DecompressionLimits(max_bytes=1 << 40, max_ratio=50, ratio_floor=1 << 20)
    s = _stream(bomb, expected_digest=None, expected_diff_id=None, limits=limits)
    with pytest.raises(SourceError, match="expansion ratio exceeds 50:1"):
        while s.read(1 << 16):
            pass


def test_ratio_not_enforced_below_floor():
    blob = compress(b"\0" * (1 << 20), "gzip")
    limits = DecompressionLimits(max_ratio=2, ratio_floor=2 << 20)
    with _stream(blob, expected_digest=digest_of(blob), expected_diff_id=None, limits=limits) as s:
        assert len(s.read()) == 1 << 20


def test_verified_layer_does_not_mask_the_callers_exception():
    blob = compress(DATA, "none")
    with pytest.raises(KeyError):
        with verified_layer(io.BytesIO(blob), name="x", expected_digest="sha256:" + "3" * 64) as s:
            s.read(len(DATA))
            raise KeyError("caller failure")


def test_verified_layer_raises_mismatch_detected_on_close():
    blob = compress(DATA, "none")
    with pytest.raises(DigestMismatch):
        with verified_layer(io.BytesIO(blob), name="x", expected_digest="sha256:" + "3" * 64) as s:
            s.read(len(DATA) - 1)
            s.read(1)


def test_empty_compressed_stream_raises():
    with pytest.raises(SourceError):
        _stream(b"\x1f\x8b", expected_digest=None, expected_diff_id=None).read()


def test_default_ratio_accepts_a_layer_of_zeros_but_stops_a_zstd_bomb():
    limits = DecompressionLimits(ratio_floor=4 << 20)  # the default ratio, checked sooner
    zeros = b"\0" * (16 << 20)  # deflate's maximum ratio (~1030:1)
    gz = compress(zeros, "gzip")
    with _stream(gz, expected_digest=digest_of(gz), expected_diff_id=digest_of(zeros), limits=limits) as s:
        while s.read(1 << 20):
            pass
    bomb = compress(zeros, "zstd")
    s = _stream(bomb, expected_digest=None, expected_diff_id=None, limits=limits)
    with pytest.raises(SourceError, match="expansion ratio exceeds 1500:1"):
        while s.read(1 << 20):
            pass


def test_background_sha256_hashes_chunks_in_order():
    chunks = [bytes([i]) * (3000 + i) for i in range(20)]  # more than MAX_QUEUED in flight
    background = BackgroundSha256()
    for chunk in chunks:
        background.update(chunk)
    assert background.hexdigest() == hashlib.sha256(b"".join(chunks)).hexdigest()
    background.close()
    with pytest.raises(RuntimeError):  # the helper thread is gone
        background.update(b"late")
