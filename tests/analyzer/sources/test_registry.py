"""The registry source and registry operations against a real CNCF distribution registry on
127.0.0.1 (open, htpasswd basic auth, and bearer tokens from an in-test token server)."""

import json
import pickle
import time
from pathlib import Path

import pytest

from drydock.analyzer.sources import AuthError, DigestMismatch, SourceError, open_source
from drydock.analyzer.sources.auth import Credentials
from drydock.analyzer.sources.registry import (
    RegistryAccess,
    check_auth,
    list_tags,
    push_image,
    resolve_digest,
)
from drydock.analyzer.sources.registry_client import RegistryClient, RegistrySettings
from tests.analyzer.sources.fakes import FakeServer, send
from tests.support.fixtures import PASSWORD, USERNAME
from tests.support.images import Symlink, build_image, build_index
from tests.support.registry import push

FAST = RegistrySettings(retries=2, backoff_base=0.01, backoff_max=0.05, connect_timeout=2, read_timeout=5)


def read_layers(source):
    out = []
    for layer in source.info().layers:
        with source.open_layer(layer) as stream:
            out.append(stream.read())
    return out


@pytest.fixture(scope="module")
def image():
    layers = [
        {"etc/os-release": b"ID=reg\n", "bin/sh": Symlink("dash")},
        {"a.txt": b"a" * 5000},
        {"b.bin": bytes(range(256)) * 50},
    ]
    return build_image(layers, compression=["gzip", "zstd", "none"])


def test_push_then_pull_by_tag_and_digest(registry, image):
    assert push(registry, "test/app:1", image) == image.digest
    by_tag = open_source(f"{registry.host}/test/app:1")
    info = by_tag.info()
    assert info.manifest_digest == image.digest and info.index_digest is None
    assert info.config_bytes == image.config_bytes and info.config_digest == image.config_digest
    assert info.repo_tags == [f"{registry.host}/test/app:1"]
    assert info.repo_digests == [f"{registry.host}/test/app@{image.digest}"]
    assert [layer.size for layer in info.layers] == [len(layer.blob) for layer in image.layers]
    assert read_layers(by_tag) == [layer.tar for layer in image.layers]
    by_digest = open_source(f"registry:{registry.host}/test/app@{image.digest}")
    assert by_digest.info().manifest_bytes == image.manifest_bytes
    assert resolve_digest(f"{registry.host}/test/app:1") == image.digest


def test_chunked_upload(registry):
    img = build_image([{"big": bytes(range(256)) * 64}], compression="none")
    access = RegistryAccess(settings=RegistrySettings(upload_chunk_size=4096))
    push(registry, "test/chunked:1", img, access=access)
    assert read_layers(open_source(f"{registry.host}/test/chunked:1")) == [img.layers[0].tar]


def test_manifest_list_platform_selection(registry):
    amd = build_image([{"arch": b"amd64"}], flavor="docker")
    arm = build_image([{"arch": b"arm64"}], arch="arm64", variant="v8", flavor="docker", compression="zstd")
    index = build_index([amd, arm], flavor="docker")
    push(registry, "test/multi:1", index)
    default = open_source(f"{registry.host}/test/multi:1").info()
    assert (default.manifest_digest, default.index_digest) == (amd.digest, index.digest)
    assert default.repo_digests == [f"{registry.host}/test/multi@{index.digest}"]
    arm_source = open_source(f"{registry.host}/test/multi:1", platform="linux/arm64")
    assert arm_source.info().manifest_digest == arm.digest
    assert read_layers(arm_source) == [arm.layers[0].tar]
    with pytest.raises(
        SourceError,
        match="no image for platform linux/riscv64.*available platforms: linux/amd64, linux/arm64/v8",
    ):
        open_source(f"{registry.host}/test/multi:1", platform="linux/riscv64").info()
    assert resolve_digest(f"{registry.host}/test/multi:1") == index.digest


def test_list_tags_follows_pagination(registry):
    img = build_image([{"t": b"1"}])
    for tag in ("a", "b", "c", "d", "e"):
        push(registry, f"test/tags:{tag}", img)
    access = RegistryAccess(settings=FAST)
    assert sorted(list_tags(f"{registry.host}/test/tags", access=access, page_size=2)) == [
        "a",
        "b",
        "c",
        "d",
        "e",
    ]


def test_missing_tag_and_repository(registry):
    with pytest.raises(SourceError, match="not found"):
        open_source(f"{registry.host}/test/app:missing").info()
    with pytest.raises(SourceError, match="not found"):
        resolve_digest(f"{registry.host}/nothing/here:1")


def test_tampered_layer_blob_is_a_digest_mismatch(registry):
    img = build_image([{"x": b"original content " * 100}], compression="none")
    push(registry, "test/tamper:1", img)
    source = open_source(f"{registry.host}/test/tamper:1")
    layer = source.info().layers[0]
    blob_file = registry.blob_file(layer.digest)
    blob_file.write_bytes(blob_file.read_bytes().replace(b"original", b"ORIGINAL"))
    with pytest.raises(DigestMismatch, match="digest mismatch"), source.open_layer(layer) as stream:
        stream.read()


def test_tampered_config_is_a_digest_mismatch(registry):
    img = build_image([{"x": b"1"}])
    push(registry, "test/tamper-config:1", img)
    config_file = registry.blob_file(img.config_digest)
    config_file.write_bytes(config_file.read_bytes().replace(b"linux", b"LINUX"))
    with pytest.raises(DigestMismatch, match="image config"):
        open_source(f"{registry.host}/test/tamper-config:1").info()


def test_registry_bomb_guard(registry):
    from drydock.analyzer.sources.compression import DecompressionLimits

    img = build_image([{"zeros": b"\0" * (3 << 20)}], compression="zstd")
    push(registry, "test/bomb:1", img)
    source = open_source(
        f"{registry.host}/test/bomb:1", limits=DecompressionLimits(max_ratio=20, ratio_floor=1 << 20)
    )
    with pytest.raises(SourceError, match="expansion ratio"):
        read_layers(source)


def test_registry_source_is_picklable_after_info(registry, image):
    push(registry, "test/app:1", image)
    source = open_source(f"{registry.host}/test/app:1")
    info = source.info()
    clone = pickle.loads(pickle.dumps(source))
    with clone.open_layer(info.layers[2]) as stream:
        assert stream.read() == image.layers[2].tar
    source.close()
    clone.close()


# -- basic auth -----------------------------------------------------------------------------------


def test_basic_auth(auth_registry, image):
    push(auth_registry, "test/private:1", image)
    source = open_source(f"{auth_registry.host}/test/private:1", credentials=(USERNAME, PASSWORD))
    assert read_layers(source) == [layer.tar for layer in image.layers]
    check_auth(auth_registry.host, access=RegistryAccess(credentials=Credentials(USERNAME, PASSWORD)))


def test_basic_auth_wrong_password_and_anonymous(auth_registry):
    with pytest.raises(AuthError, match="rejected the credentials of user 'tester'"):
        open_source(f"{auth_registry.host}/test/private:1", credentials=(USERNAME, "wrong")).info()
    with pytest.raises(AuthError, match="requires authentication and no credentials"):
        open_source(f"{auth_registry.host}/test/private:1").info()
    with pytest.raises(AuthError):
        check_auth(auth_registry.host, access=RegistryAccess(credentials=Credentials(USERNAME, "wrong")))


def test_credentials_from_docker_config(auth_registry, image, tmp_path: Path):
    push(auth_registry, "test/private:1", image)
    import base64

    token = base64.b64encode(f"{USERNAME}:{PASSWORD}".encode()).decode()
    config = tmp_path / "config.json"
    config.write_text(json.dumps({"auths": {f"http://{auth_registry.host}": {"auth": token}}}))
    source = open_source(f"{auth_registry.host}/test/private:1", docker_config=config)
    assert source.info().manifest_digest == image.digest


# -- bearer tokens --------------------------------------------------------------------------------


def test_bearer_token_flow_and_cache(token_registry, image):
    creds = Credentials(USERNAME, PASSWORD)
    push(token_registry, "test/tok:1", image, access=RegistryAccess(credentials=creds))
    server = token_registry.token_server
    server.requests.clear()
    source = open_source(f"{token_registry.host}/test/tok:1", credentials=creds)
    assert read_layers(source) == [layer.tar for layer in image.layers]
    assert server.requests == ["repository:test/tok:pull"]  # one token for all five requests
    check_auth(token_registry.host, access=RegistryAccess(credentials=creds))


def test_bearer_wrong_password(token_registry):
    with pytest.raises(AuthError, match="rejected the credentials"):
        open_source(f"{token_registry.host}/test/tok:1", credentials=(USERNAME, "nope")).info()
    with pytest.raises(AuthError):
        check_auth(token_registry.host, access=RegistryAccess(credentials=Credentials(USERNAME, "nope")))


def test_anonymous_token_without_rights_is_refused(token_registry):
    """The token server refuses anonymous callers, as a private registry would."""
    with pytest.raises(AuthError):
        open_source(f"{token_registry.host}/test/tok:1").info()


# -- transport ------------------------------------------------------------------------------------


def test_unreachable_registry_fails_fast_with_bounded_retries():
    from tests.support.registry import free_port

    started = time.monotonic()
    with pytest.raises(SourceError, match=r"unavailable after 3 attempts.*ConnectError"):
        open_source(f"127.0.0.1:{free_port()}/x/y:1", settings=FAST).info()
    assert time.monotonic() - started < 5


def test_https_is_the_default_for_remote_hosts():
    client = RegistryClient("registry.example.com")
    assert client.base_url() == "https://registry.example.com"  # decided without any request
    assert not client.plain_http_allowed and RegistryClient("x.example", insecure=True).plain_http_allowed
    assert (
        RegistryClient("localhost:5000").plain_http_allowed
        and RegistryClient("[::1]:5000").plain_http_allowed
    )


def _flaky(statuses: list[int], headers: dict[str, str] | None = None, body: bytes = b"{}") -> FakeServer:
    """Answers every GET with ``statuses`` in turn, then 200, always with ``body``."""
    return FakeServer(
        lambda req, hit: send(req, statuses[hit] if hit < len(statuses) else 200, body, headers)
    )


@pytest.mark.parametrize("statuses", [[503, 502], [500], [429, 504]])
def test_transient_errors_are_retried(statuses):
    flaky = _flaky(statuses)
    try:
        client = RegistryClient(flaky.host, settings=FAST)
        client._base_url = f"http://{flaky.host}"  # skip the TLS probe so hits count only real tries
        assert client.request("GET", "/v2/", scope=None).status_code == 200
        assert flaky.hits == len(statuses) + 1
    finally:
        flaky.close()


def test_persistent_5xx_gives_up_after_the_retry_budget():
    flaky = _flaky([503] * 10, headers={"Retry-After": "30"})
    try:
        started = time.monotonic()
        with pytest.raises(SourceError, match=r"unavailable after 3 attempts .*HTTP 503"):
            check_auth(flaky.host, access=RegistryAccess(settings=FAST))
        assert time.monotonic() - started < 5  # Retry-After (30 s) is capped by backoff_max
        assert flaky.hits == 3
    finally:
        flaky.close()


def test_schema1_manifest_is_refused():
    schema1 = json.dumps({"schemaVersion": 1, "name": "x/y", "tag": "1", "fsLayers": []}).encode()
    content_type = {"Content-Type": "application/vnd.docker.distribution.manifest.v1+prettyjws"}
    fake = _flaky([], headers=content_type, body=schema1)
    try:
        with pytest.raises(SourceError, match="schema 1 manifests are unsupported"):
            open_source(f"{fake.host}/x/y:1", settings=FAST).info()
    finally:
        fake.close()


def test_registry_error_details_reach_the_message(registry):
    with pytest.raises(SourceError, match=r"not found \(HTTP 404\) \(MANIFEST_UNKNOWN: manifest unknown\)"):
        open_source(f"{registry.host}/test/app:does-not-exist").info()
    bad = build_image([{"x": b"1"}])
    with pytest.raises(SourceError, match=r"HTTP 400 \(MANIFEST_BLOB_UNKNOWN"):
        push_image(f"{registry.host}/test/incomplete:1", bad.manifest_bytes, {})


def test_credentials_are_not_sent_to_other_hosts():
    registry_side = _flaky([401], headers={"WWW-Authenticate": 'Basic realm="r"'})
    elsewhere = _flaky([])
    try:
        client = RegistryClient(registry_side.host, credentials=Credentials("u", "p"), settings=FAST)
        client._base_url = f"http://{registry_side.host}"
        client.request("GET", "/v2/", scope=None)  # learns that the registry wants basic auth
        client.request("GET", f"http://{elsewhere.host}/upload", scope=None)
        assert "Authorization" in registry_side.requests[-1][1]
        assert "Authorization" not in elsewhere.requests[-1][1]
    finally:
        registry_side.close()
        elsewhere.close()
