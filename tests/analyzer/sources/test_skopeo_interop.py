"""Archives written by a real producer (skopeo, copying from the loopback registry) read back
identically through every local source."""

import shutil
import subprocess
from pathlib import Path

import pytest

from drydock.analyzer.sources import open_source
from tests.support.images import build_image
from tests.support.registry import push

pytestmark = pytest.mark.skipif(shutil.which("skopeo") is None, reason="skopeo not installed")


def skopeo_copy(src: str, dest: str) -> None:
    subprocess.run(
        ["skopeo", "--insecure-policy", "copy", "--quiet", "--src-tls-verify=false", src, dest],
        check=True,
        capture_output=True,
        timeout=60,
    )


def test_skopeo_written_archives(registry, tmp_path: Path):
    image = build_image([{"etc/hostname": b"x\n"}, {"opt/data": b"d" * 20000}], compression=["gzip", "none"])
    push(registry, "interop/app:7", image)
    src = f"docker://{registry.host}/interop/app:7"
    skopeo_copy(src, f"docker-archive:{tmp_path}/d.tar:interop/app:7")
    skopeo_copy(src, f"oci-archive:{tmp_path}/o.tar:7")
    skopeo_copy(src, f"oci:{tmp_path}/layout:7")
    specs = [
        f"docker-archive:{tmp_path}/d.tar:interop/app:7",
        f"oci-archive:{tmp_path}/o.tar:7",
        f"oci-dir:{tmp_path}/layout:7",
    ]
    for spec in specs:
        source = open_source(spec)
        info = source.info()
        assert [layer.diff_id for layer in info.layers] == [layer.diff_id for layer in image.layers], spec
        for layer, expected in zip(info.layers, image.layers, strict=True):
            with source.open_layer(layer) as stream:
                assert stream.read() == expected.tar, spec
    assert open_source(specs[0]).info().repo_tags == ["docker.io/interop/app:7"]
