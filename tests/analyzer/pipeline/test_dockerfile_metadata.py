"""Dockerfile reconstruction from history and the image metadata view."""

from __future__ import annotations

import pytest

from drydock.analyzer.dockerfile import dockerfile_from_history, instruction_from_created_by
from drydock.analyzer.image_metadata import image_metadata, layer_history
from drydock.analyzer.sources.base import ImageInfo, LayerRef


@pytest.mark.parametrize(
    ("created_by", "line"),
    [
        ('/bin/sh -c #(nop)  CMD ["bash"]', 'CMD ["bash"]'),
        ("/bin/sh -c #(nop) ADD file:5e3ab1 in / ", "ADD file:5e3ab1 /"),
        ("/bin/sh -c #(nop) COPY dir:9a1 in /app ", "COPY dir:9a1 /app"),
        ("/bin/sh -c #(nop)  ENV PATH=/usr/local/bin:/usr/bin", "ENV PATH=/usr/local/bin:/usr/bin"),
        (
            "/bin/sh -c apt-get update && apt-get install -y curl",
            "RUN apt-get update && apt-get install -y curl",
        ),
        ("|2 VERSION=1.2 TARGET=x /bin/sh -c make install", "RUN make install"),
        ("RUN /bin/sh -c pip install -r req.txt # buildkit", "RUN pip install -r req.txt"),
        ("RUN |1 A=b /bin/sh -c echo $A # buildkit", "RUN echo $A"),
        ("COPY . /src # buildkit", "COPY . /src"),
        ("EXPOSE map[443/tcp:{} 80/tcp:{}]", "EXPOSE 443/tcp 80/tcp"),
        ("WORKDIR /app", "WORKDIR /app"),
        ("USER 1000:1000", "USER 1000:1000"),
        ("umoci config", "RUN umoci config"),
        ("", None),
    ],
)
def test_instruction_forms(created_by: str, line: str | None) -> None:
    assert instruction_from_created_by(created_by) == line


def test_dockerfile_skips_empty_and_starts_from_scratch() -> None:
    history = [
        {"created_by": "/bin/sh -c #(nop) ADD file:1 in / "},
        {"comment": "no command"},
        "garbage",
        {"created_by": '/bin/sh -c #(nop)  CMD ["sh"]', "empty_layer": True},
    ]
    assert dockerfile_from_history(history) == 'FROM scratch\nADD file:1 /\nCMD ["sh"]\n'


def _info(history: list[dict], n_layers: int) -> ImageInfo:
    config = {
        "architecture": "arm64",
        "os": "linux",
        "variant": "v8",
        "created": "2024-05-01T00:00:00Z",
        "config": {
            "Env": ["A=1"],
            "Entrypoint": ["/entry"],
            "Cmd": "run",
            "User": "app",
            "WorkingDir": "/w",
            "ExposedPorts": {"8080/tcp": {}, "53/udp": {}},
            "Labels": {"k": "v"},
            "Volumes": {"/data": {}},
        },
        "history": history,
    }
    layers = [
        LayerRef(digest=f"sha256:{i}", media_type="m", size=10 * (i + 1), diff_id=f"sha256:d{i}")
        for i in range(n_layers)
    ]
    return ImageInfo(
        reference="r",
        manifest={"m": 1},
        manifest_bytes=b"{}",
        config=config,
        config_bytes=b"{}",
        layers=layers,
    )


def test_metadata_fields() -> None:
    meta = image_metadata(
        _info([{"created_by": "a"}, {"created_by": "b", "empty_layer": True}, {"created_by": "c"}], 2)
    )
    assert (meta["env"], meta["entrypoint"], meta["cmd"], meta["user"], meta["workingDir"]) == (
        ["A=1"],
        ["/entry"],
        ["run"],
        "app",
        "/w",
    )
    assert meta["exposedPorts"] == ["53/udp", "8080/tcp"] and meta["labels"] == {"k": "v"}
    assert (meta["architecture"], meta["os"], meta["variant"], meta["imageSize"]) == (
        "arm64",
        "linux",
        "v8",
        30,
    )
    assert [(x["digest"], x["createdBy"]) for x in meta["layers"]] == [("sha256:0", "a"), ("sha256:1", "c")]


def test_layer_history_mismatch_is_not_guessed() -> None:
    layers = layer_history(_info([{"created_by": "only one"}], 2))
    assert all("createdBy" not in x for x in layers) and len(layers) == 2
