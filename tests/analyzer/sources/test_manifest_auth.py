import base64
import json

import pytest

from drydock.analyzer.sources import SourceError
from drydock.analyzer.sources.auth import Credentials, parse_challenge, parse_docker_config
from drydock.analyzer.sources.manifest import (
    Descriptor,
    Platform,
    document_kind,
    index_entries,
    layer_refs,
    load_json_object,
    parse_image_manifest,
    select_platform,
)

D = "sha256:" + "cd" * 32


def _entry(os_: str, arch: str, variant: str | None = None) -> Descriptor:
    platform = {"os": os_, "architecture": arch, **({"variant": variant} if variant else {})}
    return Descriptor("application/vnd.oci.image.manifest.v1+json", D, 1, platform)


def test_platform_selection_prefers_default_variant():
    entries = [_entry("linux", "arm", "v6"), _entry("linux", "arm", "v7"), _entry("linux", "amd64")]
    assert select_platform(entries, Platform.parse("linux/amd64")) is entries[2]
    assert select_platform(entries, Platform.parse("linux/arm")) is entries[1]
    assert select_platform(entries, Platform.parse("linux/arm/v6")) is entries[0]
    assert (
        select_platform([_entry("linux", "arm64", "v8")], Platform.parse("linux/aarch64")).platform["variant"]
        == "v8"
    )


def test_no_matching_platform_lists_available_ones():
    entries = [_entry("linux", "arm64", "v8"), _entry("linux", "s390x"), _entry("unknown", "unknown")]
    with pytest.raises(SourceError, match=r"linux/amd64.*available platforms: linux/arm64/v8, linux/s390x$"):
        select_platform(entries, Platform.parse("linux/amd64"))


@pytest.mark.parametrize("text", ["linux", "linux/", "a/b/c/d"])
def test_bad_platform_strings(text):
    with pytest.raises(SourceError):
        Platform.parse(text)


def test_schema1_is_refused_clearly():
    with pytest.raises(SourceError, match="schema 1 manifests are unsupported"):
        document_kind({"schemaVersion": 1, "fsLayers": []})
    with pytest.raises(SourceError, match="schema 1"):
        parse_image_manifest({"schemaVersion": 1, "name": "x"})


def test_document_kind_infers_missing_media_type():
    assert document_kind({"schemaVersion": 2, "manifests": []}) == "index"
    assert document_kind({"schemaVersion": 2, "config": {}, "layers": []}) == "image"
    with pytest.raises(SourceError, match="unsupported manifest media type"):
        document_kind({"schemaVersion": 2, "mediaType": "text/html"})


@pytest.mark.parametrize(
    ("doc", "message"),
    [
        ({"manifests": "x"}, "no 'manifests' list"),
        ({"manifests": [{"digest": D, "size": -1}]}, "invalid size"),
        ({"manifests": [{"digest": "md5:abc", "size": 1}]}, "invalid or unsupported digest"),
        ({"manifests": [{"digest": D, "size": 1, "platform": "linux"}]}, "invalid platform"),
        ({"manifests": [7]}, "not an object"),
    ],
)
def test_index_validation(doc, message):
    with pytest.raises(SourceError, match=message):
        index_entries(doc)


def test_layer_count_must_match_diff_ids():
    manifest = {"schemaVersion": 2, "config": {"digest": D, "size": 2}, "layers": [{"digest": D, "size": 3}]}
    _, layers = parse_image_manifest(manifest)
    with pytest.raises(SourceError, match="1 layers but its config lists 2"):
        layer_refs(layers, {"rootfs": {"diff_ids": [D, D]}})
    with pytest.raises(SourceError, match="rootfs.diff_ids"):
        layer_refs(layers, {"rootfs": None})


def test_load_json_object_errors():
    with pytest.raises(SourceError, match="not valid JSON"):
        load_json_object(b"{", "thing")
    with pytest.raises(SourceError, match="not a JSON object"):
        load_json_object(b"[]", "thing")


def test_docker_config_auth_and_username_password():
    auth = base64.b64encode(b"alice:pa:ss").decode()
    config = json.dumps(
        {
            "auths": {
                "https://index.docker.io/v1/": {"auth": auth},
                "registry.example:5000": {"username": "bob", "password": "pw"},
                "helper-only.example": {},
            },
            "credHelpers": {"gcr.io": "gcloud"},
        }
    ).encode()
    assert parse_docker_config(config, "docker.io") == Credentials("alice", "pa:ss")
    assert parse_docker_config(config, "registry.example:5000") == Credentials("bob", "pw")
    assert parse_docker_config(config, "helper-only.example") is None
    assert parse_docker_config(config, "gcr.io") is None  # credential helpers are out of scope


def test_docker_config_errors():
    with pytest.raises(SourceError, match="not valid JSON"):
        parse_docker_config(b"nope", "x")
    with pytest.raises(SourceError, match="base64"):
        parse_docker_config(b'{"auths": {"x": {"auth": "!!!"}}}', "x")


def test_credentials_repr_hides_password():
    assert "secret" not in repr(Credentials("u", "secret"))


def test_parse_challenge():
    c = parse_challenge(
        'Bearer realm="https://auth.example/token",service="registry.example",scope="repository:a/b:pull,push"'
    )
    assert c.scheme == "bearer"
    assert c.params == {
        "realm": "https://auth.example/token",
        "service": "registry.example",
        "scope": "repository:a/b:pull,push",
    }
    assert parse_challenge('Basic realm="x"').scheme == "basic"
