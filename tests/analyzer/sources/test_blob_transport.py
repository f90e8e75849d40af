"""Layer downloads over a misbehaving connection: resume with Range, bounded resumes, and
refusal of bodies longer than the descriptor."""

from http.server import BaseHTTPRequestHandler

import pytest

from drydock.analyzer.sources import SourceError, open_source
from drydock.analyzer.sources.registry_client import RegistrySettings
from tests.analyzer.sources.fakes import FakeServer, send
from tests.support.images import OCI_MANIFEST, build_image

FAST = RegistrySettings(retries=2, backoff_base=0.01, backoff_max=0.02, connect_timeout=2, read_timeout=5)
IMAGE = build_image([{"data.bin": bytes(range(256)) * 2000}], compression="none")
LAYER = IMAGE.layers[0]


def fake_registry(blob_behaviour: str) -> FakeServer:
    """Serves IMAGE as x/y:1; the layer blob misbehaves as ``blob_behaviour`` says:
    ``drop-once`` cuts the first body in half, ``drop-always`` cuts every body,
    ``oversize`` appends bytes, ``ignore-range`` answers resumes with a full 200."""

    def respond(req: BaseHTTPRequestHandler, hit: int) -> None:
        if req.path.endswith("/manifests/1"):
            send(req, 200, IMAGE.manifest_bytes, {"Content-Type": OCI_MANIFEST})
        elif IMAGE.config_digest in req.path:
            send(req, 200, IMAGE.config_bytes)
        elif LAYER.digest in req.path:
            blob_response(req)
        else:
            send(req, 200, b"{}")

    def blob_response(req: BaseHTTPRequestHandler) -> None:
        blob, total = LAYER.blob, len(LAYER.blob)
        requested = req.headers.get("Range")
        start = int(requested.split("=")[1].rstrip("-")) if requested else 0
        if blob_behaviour == "oversize":
            send(req, 200, blob + b"extra" * 100)
        elif blob_behaviour == "drop-always" or (blob_behaviour == "drop-once" and not requested):
            rest = blob[start:]
            status, headers = (
                (206, {"Content-Range": f"bytes {start}-{total - 1}/{total}"}) if start else (200, {})
            )
            send(req, status, rest[: len(rest) // 2], headers, length=len(rest))
        elif requested and blob_behaviour != "ignore-range":
            send(req, 206, blob[start:], {"Content-Range": f"bytes {start}-{total - 1}/{total}"})
        elif blob_behaviour == "ignore-range":
            send(req, 200, blob if requested else blob[: total // 2], length=None if requested else total)
        else:
            send(req, 200, blob)

    return FakeServer(respond)


def read_layer(host: str) -> bytes:
    source = open_source(f"{host}/x/y:1", settings=FAST)
    with source.open_layer(source.info().layers[0]) as stream:
        return stream.read()


def test_dropped_download_resumes_with_range():
    fake = fake_registry("drop-once")
    try:
        assert read_layer(fake.host) == LAYER.tar
        ranges = [headers.get("Range") for path, headers in fake.requests if LAYER.digest in path]
        assert ranges[0] is None and ranges[1] is not None and ranges[1].startswith("bytes=")
    finally:
        fake.close()


@pytest.mark.parametrize(
    ("behaviour", "message"),
    [
        ("drop-always", "download failed after 2 resumes"),
        ("oversize", "more bytes than the descriptor size"),
        ("ignore-range", "unexpected HTTP 200"),
    ],
)
def test_blob_transport_failures_are_clear(behaviour, message):
    fake = fake_registry(behaviour)
    try:
        with pytest.raises(SourceError, match=message):
            read_layer(fake.host)
    finally:
        fake.close()
