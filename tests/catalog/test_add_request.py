"""Normalising image-add bodies (pure)."""

from __future__ import annotations

import base64

import pytest

from drydock.catalog.images import fulltag, normalize_add_request
from drydock.core.errors import BadRequest

DIGEST = "sha256:" + "a" * 64


def test_legacy_tag_defaults() -> None:
    r = normalize_add_request({"tag": "alpine"})
    assert fulltag(r.reference) == "docker.io/alpine:latest"
    assert r.digest is None


def test_legacy_digest_needs_tag_or_pullstring() -> None:
    with pytest.raises(BadRequest, match="needs a tag"):
        normalize_add_request({"digest": DIGEST})
    r = normalize_add_request({"digest": DIGEST, "tag": "quay.io/org/app:1"})
    assert r.digest == DIGEST and fulltag(r.reference) == "quay.io/org/app:1"
    r = normalize_add_request({"digest": f"localhost:5000/app@{DIGEST}"})
    assert r.reference.registry == "localhost:5000" and r.reference.digest == DIGEST


def test_source_forms() -> None:
    r = normalize_add_request({"source": {"tag": {"pullstring": "r.example/x:2"}}})
    assert fulltag(r.reference) == "r.example/x:2"
    r = normalize_add_request(
        {
            "source": {
                "digest": {
                    "pullstring": f"r.example/x@{DIGEST}",
                    "tag": "r.example/x:3",
                    "creation_timestamp_override": "2020-01-01T00:00:00Z",
                }
            }
        }
    )
    assert r.digest == DIGEST and r.reference.tag == "3" and r.created_at and r.created_at.year == 2020
    with pytest.raises(BadRequest):
        normalize_add_request({"source": {"tag": {"pullstring": "a:1"}}, "tag": "b:1"})
    with pytest.raises(BadRequest):
        normalize_add_request({"source": {}})


def test_dockerfile_and_annotations_validated() -> None:
    good = base64.b64encode(b"FROM scratch\n").decode()
    assert normalize_add_request({"tag": "a:1", "dockerfile": good}).dockerfile == good
    with pytest.raises(BadRequest, match="base64"):
        normalize_add_request({"tag": "a:1", "dockerfile": "not base64!!"})
    with pytest.raises(BadRequest, match="annotations"):
        normalize_add_request({"tag": "a:1", "annotations": ["x"]})
    assert normalize_add_request({"tag": "a:1", "annotations": {"k": 1}}).annotations == {"k": "1"}


@pytest.mark.parametrize("body", [{}, {"tag": ""}, {"tag": "UPPER/Case:1"}, {"tag": "a b"}, []])
def test_bad_bodies(body: object) -> None:
    with pytest.raises(BadRequest):
        normalize_add_request(body)  # type: ignore[arg-type]
