"""docker-archive, oci-dir and oci-archive sources, on images built by tests.support.images."""

import io
import pickle
import tarfile
from pathlib import Path

import pytest

from drydock.analyzer.sources import DigestMismatch, ImageSource, SourceError, open_source
from drydock.analyzer.sources.compression import DecompressionLimits
from drydock.analyzer.sources.directory import DirectorySource
from tests.support.images import (
    Symlink,
    build_image,
    build_index,
    docker_archive_files,
    layout_files,
    write_docker_archive,
    write_oci_archive,
    write_oci_dir,
    write_tar,
)

LAYERS = [{"etc/os-release": b"ID=test\n", "bin/sh": Symlink("busybox")}, {"app/data.txt": b"hello " * 1000}]


def read_layers(source: ImageSource) -> list[bytes]:
    out = []
    for layer in source.info().layers:
        with source.open_layer(layer) as stream:
            out.append(stream.read())
    return out


def member_names(tar_bytes: bytes) -> list[str]:
    with tarfile.open(fileobj=io.BytesIO(tar_bytes)) as tf:
        return tf.getnames()


@pytest.fixture(scope="module")
def image():
    return build_image(LAYERS, compression=["gzip", "zstd"])


@pytest.mark.parametrize("layout", ["legacy", "oci"])
def test_docker_archive_reads_layers_and_metadata(tmp_path: Path, image, layout):
    path = write_docker_archive(tmp_path / "img.tar", [(["example.com/app:1"], image)], layout=layout)
    source = open_source(f"docker-archive:{path}")
    info = source.info()
    assert info.config_digest == image.config_digest
    assert info.repo_tags == ["example.com/app:1"]
    assert (info.registry, info.repository, info.tag) == ("example.com", "app", "1")
    assert [layer.diff_id for layer in info.layers] == [layer.diff_id for layer in image.layers]
    assert [layer.media_type for layer in info.layers] == [
        "application/vnd.docker.image.rootfs.diff.tar.gzip",
        "application/vnd.oci.image.layer.v1.tar+zstd",
    ]
    assert info.manifest["config"]["digest"] == image.config_digest
    assert read_layers(source) == [layer.tar for layer in image.layers]
    assert "app/data.txt" in member_names(read_layers(source)[1])


def test_docker_archive_plain_layers_like_docker_save(tmp_path: Path):
    img = build_image(LAYERS, compression="none", flavor="docker")
    path = write_docker_archive(tmp_path / "img.tar", [(["app"], img)])
    source = open_source(f"docker-archive:{path}:app:latest")
    assert source.info().layers[0].digest == img.layers[0].diff_id
    assert read_layers(source) == [layer.tar for layer in img.layers]


def test_docker_archive_with_several_images_needs_a_choice(tmp_path: Path, image):
    other = build_image([{"other": b"2"}])
    path = write_docker_archive(tmp_path / "two.tar", [(["debian:12"], image), (["quay.io/x/y:2"], other)])
    with pytest.raises(SourceError, match="holds 2 images; choose one of: debian:12; quay.io/x/y:2"):
        open_source(f"docker-archive:{path}").info()
    by_normalised_tag = open_source(f"docker-archive:{path}:docker.io/library/debian:12").info()
    assert by_normalised_tag.config_digest == image.config_digest
    assert open_source(f"docker-archive:{path}:@1").info().config_digest == other.config_digest
    with pytest.raises(SourceError, match="no image tagged 'debian:11'"):
        open_source(f"docker-archive:{path}:debian:11").info()
    with pytest.raises(SourceError, match="no image at position @5"):
        open_source(f"docker-archive:{path}:@5").info()


def test_docker_archive_legacy_symlinked_layers(tmp_path: Path, image):
    """Docker >= 25 may keep ``<id>/layer.tar`` as a symlink into ``blobs/``."""
    files = docker_archive_files([(["app:1"], image)], layout="oci")
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tf:
        for name, data in files.items():
            if name == "manifest.json":
                data = data.replace(
                    b'"blobs/sha256/' + image.layers[0].digest[7:].encode(), b'"abc/layer.tar'
                )
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tf.addfile(info, io.BytesIO(data))
        link = tarfile.TarInfo("abc/layer.tar")
        link.type, link.linkname = tarfile.SYMTYPE, f"../blobs/sha256/{image.layers[0].digest[7:]}"
        tf.addfile(link)
    (tmp_path / "img.tar").write_bytes(buf.getvalue())
    assert read_layers(open_source(f"docker-archive:{tmp_path / 'img.tar'}")) == [
        layer.tar for layer in image.layers
    ]


def test_docker_archive_tampered_layer_is_detected(tmp_path: Path):
    img = build_image(LAYERS, compression="none")
    files = docker_archive_files([(["app:1"], img)])
    name = next(n for n in files if n.endswith("layer.tar") and files[n] == img.layers[1].blob)
    files[name] = files[name].replace(b"hello", b"HELLO", 1)
    source = open_source(f"docker-archive:{write_tar(tmp_path / 't.tar', files)}")
    with pytest.raises(DigestMismatch, match="diff_id"):
        read_layers(source)


def test_docker_archive_tampered_config_is_detected(tmp_path: Path, image):
    files = docker_archive_files([(["app:1"], image)])
    config_name = image.config_digest[7:] + ".json"
    files[config_name] = files[config_name].replace(b"linux", b"LINUX")
    with pytest.raises(DigestMismatch):
        open_source(f"docker-archive:{write_tar(tmp_path / 't.tar', files)}").info()


@pytest.mark.parametrize(
    ("manifest", "message"),
    [
        (b"not json", "not valid JSON"),
        (b"{}", "non-empty list"),
        (b'[{"Config": 1, "Layers": []}]', "needs a Config string"),
        (b'[{"Config": "../../etc/passwd", "Layers": []}]', "escapes the layout"),
        (b'[{"Config": "/etc/passwd", "Layers": []}]', "absolute path"),
        (b'[{"Config": "c.json", "RepoTags": "x", "Layers": []}]', "RepoTags must be a list"),
    ],
)
def test_docker_archive_bad_manifest_json(tmp_path: Path, manifest, message):
    path = write_tar(tmp_path / "bad.tar", {"manifest.json": manifest, "c.json": b"{}"})
    with pytest.raises(SourceError, match=message):
        open_source(f"docker-archive:{path}").info()


def test_docker_archive_layer_count_mismatch(tmp_path: Path, image):
    files = docker_archive_files([(["app:1"], image)])
    files["manifest.json"] = files["manifest.json"].replace(
        b'"Layers": ["', b'"Layers": ["extra/layer.tar", "'
    )
    files["extra/layer.tar"] = b""
    with pytest.raises(SourceError, match="lists 3 layers but the config has 2 diff_ids"):
        open_source(f"docker-archive:{write_tar(tmp_path / 'x.tar', files)}").info()


def test_truncated_archive_is_a_clear_error(tmp_path: Path, image):
    data = write_docker_archive(tmp_path / "full.tar", [(["app:1"], image)]).read_bytes()
    for cut in (len(data) // 3, 700):
        path = tmp_path / f"cut{cut}.tar"
        path.write_bytes(data[:cut])
        with pytest.raises(SourceError, match="truncated|not a valid tar|not a docker-archive|empty"):
            open_source(f"docker-archive:{path}").info()


def test_garbage_and_compressed_archives(tmp_path: Path, image):
    (tmp_path / "garbage.tar").write_bytes(b"\x00garbage" * 100)
    with pytest.raises(SourceError):
        open_source(f"docker-archive:{tmp_path / 'garbage.tar'}").info()
    import gzip

    plain = write_docker_archive(tmp_path / "plain.tar", [(["app:1"], image)]).read_bytes()
    (tmp_path / "img.tar.gz").write_bytes(gzip.compress(plain))
    with pytest.raises(SourceError, match="decompress it to a plain tar first"):
        open_source(f"docker-archive:{tmp_path / 'img.tar.gz'}").info()


def test_oci_dir_and_archive_read_the_same_image(tmp_path: Path, image):
    layout = write_oci_dir(tmp_path / "layout", [("1.0", image)])
    archive = write_oci_archive(tmp_path / "layout.tar", [("1.0", image)])
    for spec in (
        f"oci-dir:{layout}",
        f"oci-dir:{layout}:1.0",
        f"oci-archive:{archive}",
        f"oci-archive:{archive}:1.0",
    ):
        source = open_source(spec)
        info = source.info()
        assert info.manifest_digest == image.digest and info.manifest_bytes == image.manifest_bytes
        assert info.config_bytes == image.config_bytes
        assert read_layers(source) == [layer.tar for layer in image.layers]


def test_oci_layout_selects_by_name_digest_and_platform(tmp_path: Path, image):
    arm = build_image([{"arm": b"1"}], arch="arm64", variant="v8", compression="none")
    amd = build_image([{"amd": b"1"}], compression="zstd")
    index = build_index([arm, amd])
    entries = [("docker.io/library/app:1", image), ("multi", index)]
    layout = write_oci_dir(tmp_path / "layout", entries)
    assert open_source(f"oci-dir:{layout}:app:1").info().manifest_digest == image.digest
    assert open_source(f"oci-dir:{layout}:app:1").info().repo_tags == ["docker.io/app:1"]
    assert open_source(f"oci-dir:{layout}:{image.digest}").info().manifest_digest == image.digest
    multi = open_source(f"oci-dir:{layout}:multi").info()
    assert (multi.manifest_digest, multi.index_digest) == (amd.digest, index.digest)
    arm_info = open_source(f"oci-dir:{layout}:multi", platform="linux/arm64").info()
    assert arm_info.manifest_digest == arm.digest and arm_info.index_bytes == index.manifest_bytes
    with pytest.raises(SourceError, match="available platforms: linux/amd64, linux/arm64/v8"):
        open_source(f"oci-dir:{layout}:multi", platform="linux/ppc64le").info()
    with pytest.raises(SourceError, match="holds 2 images; choose one of: docker.io/library/app:1, multi"):
        open_source(f"oci-dir:{layout}").info()
    with pytest.raises(SourceError, match="no image 'nope'"):
        open_source(f"oci-dir:{layout}:nope").info()


def test_oci_layout_blob_problems(tmp_path: Path, image):
    files = layout_files([("1", image)])
    blob = lambda d: f"blobs/sha256/{d[7:]}"  # noqa: E731
    cases = {
        "missing layer": ({blob(image.layers[0].digest): None}, SourceError, "layer blob .* is missing"),
        "short layer": (
            {blob(image.layers[0].digest): image.layers[0].blob[:-1]},
            SourceError,
            "size differs",
        ),
        "tampered config": (
            {blob(image.config_digest): image.config_bytes.replace(b"amd64", b"AMD64")},
            DigestMismatch,
            "config",
        ),
        "bad index": (
            {"index.json": b'{"manifests": [{"digest": "sha256:../../x", "size": 1}]}'},
            SourceError,
            "invalid or unsupported digest",
        ),
        "no index": ({"index.json": None}, SourceError, "not an OCI layout"),
    }
    for name, (changes, error, message) in cases.items():
        changed = {k: v for k, v in {**files, **changes}.items() if v is not None}
        archive = write_tar(tmp_path / f"{name}.tar", changed)
        with pytest.raises(error, match=message):
            open_source(f"oci-archive:{archive}").info()


def test_oci_layer_tampered_with_same_size_is_a_digest_mismatch(tmp_path: Path, image):
    layout = write_oci_dir(tmp_path / "layout", [("1", image)])
    source = open_source(f"oci-dir:{layout}")
    source.info()
    victim = layout / "blobs/sha256" / image.layers[1].digest[7:]
    data = bytearray(victim.read_bytes())
    data[-5] ^= 0xFF  # zstd content without checksum: only the digest can notice
    victim.write_bytes(bytes(data))
    with pytest.raises(SourceError):
        read_layers(source)


def test_sources_survive_pickling_after_info(tmp_path: Path, image):
    archive = write_docker_archive(tmp_path / "img.tar", [(["app:1"], image)])
    for source in (
        open_source(f"docker-archive:{archive}"),
        open_source(f"oci-archive:{write_oci_archive(tmp_path / 'o.tar', [('1', image)])}"),
    ):
        info = source.info()
        clone = pickle.loads(pickle.dumps(source))
        with clone.open_layer(info.layers[1]) as stream:
            assert stream.read() == image.layers[1].tar


def test_decompression_limits_apply_to_archives(tmp_path: Path):
    bomb = build_image([{"zeros": b"\0" * (2 << 20)}], compression="gzip")
    layout = write_oci_dir(tmp_path / "layout", [("1", bomb)])
    source = open_source(f"oci-dir:{layout}", limits=DecompressionLimits(max_bytes=1 << 20))
    with pytest.raises(SourceError, match="possible decompression bomb"):
        read_layers(source)


def test_directory_source(tmp_path: Path):
    (tmp_path / "etc").mkdir()
    (tmp_path / "etc/os-release").write_text("ID=x\n")
    source = open_source(f"dir:{tmp_path}")
    assert isinstance(source, DirectorySource)
    assert source.info().layers == []
    assert source.resolver().read_text("/etc/os-release") == "ID=x\n"
    with pytest.raises(SourceError, match="no layers"):
        source.open_layer(None)  # type: ignore[arg-type]
    with pytest.raises(SourceError, match="not a directory"):
        open_source(f"dir:{tmp_path}/etc/os-release")


def test_oci_layout_with_one_entry_per_platform_under_one_name(tmp_path: Path):
    """What ``skopeo copy --all`` style layouts look like: same ref name, several platforms."""
    import json

    arm = build_image([{"arm": b"1"}], arch="arm64", variant="v8")
    amd = build_image([{"amd": b"1"}])
    files = layout_files([("app", arm), ("app", amd)])
    index = json.loads(files["index.json"])
    for entry, image in zip(index["manifests"], (arm, amd), strict=True):
        entry["platform"] = image.platform
    files["index.json"] = json.dumps(index).encode()
    archive = write_tar(tmp_path / "multi.tar", files)
    assert open_source(f"oci-archive:{archive}:app").info().manifest_digest == amd.digest
    assert open_source(f"oci-archive:{archive}", platform="linux/arm64").info().manifest_digest == arm.digest
