from pathlib import Path

import pytest

from drydock.analyzer.sources import SourceError, open_source
from drydock.analyzer.sources.directory import DirectorySource
from drydock.analyzer.sources.docker_archive import DockerArchiveSource
from drydock.analyzer.sources.oci_layout import OCILayoutSource
from drydock.analyzer.sources.reference import (
    ImageReference,
    parse_reference,
    split_path_and_ref,
    split_scheme,
)
from drydock.analyzer.sources.registry import RegistrySource
from tests.support.images import build_image, write_docker_archive, write_oci_archive, write_oci_dir

DIGEST = "sha256:" + "ab" * 32


@pytest.mark.parametrize(
    ("text", "registry", "repository", "tag", "digest", "wire"),
    [
        ("debian", "docker.io", "debian", "latest", None, "library/debian"),
        ("library/debian:12", "docker.io", "debian", "12", None, "library/debian"),
        ("docker.io/library/debian:bookworm", "docker.io", "debian", "bookworm", None, "library/debian"),
        ("index.docker.io/debian", "docker.io", "debian", "latest", None, "library/debian"),
        ("bitnami/redis:7.2", "docker.io", "bitnami/redis", "7.2", None, "bitnami/redis"),
        ("quay.io/org/app", "quay.io", "org/app", "latest", None, "org/app"),
        ("localhost/app:1", "localhost", "app", "1", None, "app"),
        ("localhost:5000/a/b/c:v1.0", "localhost:5000", "a/b/c", "v1.0", None, "a/b/c"),
        ("127.0.0.1:5000/test/img", "127.0.0.1:5000", "test/img", "latest", None, "test/img"),
        (f"alpine@{DIGEST}", "docker.io", "alpine", None, DIGEST, "library/alpine"),
        (f"ghcr.io/o/r:t@{DIGEST}", "ghcr.io", "o/r", "t", DIGEST, "o/r"),
    ],
)
def test_parse_reference_follows_docker_rules(text, registry, repository, tag, digest, wire):
    ref = parse_reference(text)
    assert (ref.registry, ref.repository, ref.tag, ref.digest) == (registry, repository, tag, digest)
    assert ref.wire_repository == wire


def test_docker_hub_api_host_and_manifest_ref():
    assert parse_reference("debian").api_host == "registry-1.docker.io"
    assert parse_reference("quay.io/a/b").api_host == "quay.io"
    assert parse_reference(f"a@{DIGEST}").manifest_ref == DIGEST
    assert str(parse_reference("library/debian")) == "docker.io/debian:latest"


@pytest.mark.parametrize(
    "text", ["", "UPPER/case", "a@sha256:short", "a:b:c", "a:bad/tag!", "a//b", "bad_host:x:/a"]
)
def test_parse_reference_rejects_bad_input(text):
    with pytest.raises(SourceError):
        parse_reference(text)


def test_split_scheme():
    assert split_scheme("oci-dir:/x") == ("oci-dir", "/x")
    assert split_scheme("docker-archive:a.tar:img:1") == ("docker-archive", "a.tar:img:1")
    assert split_scheme("localhost:5000/a") == ("registry", "localhost:5000/a")
    assert split_scheme("registry:debian") == ("registry", "debian")


def test_split_path_and_ref_uses_longest_existing_prefix_rule():
    existing = {"/data/a:b.tar", "/data/x.tar"}
    assert split_path_and_ref("/data/x.tar", existing.__contains__) == ("/data/x.tar", None)
    assert split_path_and_ref("/data/x.tar:repo/img:1", existing.__contains__) == (
        "/data/x.tar",
        "repo/img:1",
    )
    assert split_path_and_ref("/data/a:b.tar:latest", existing.__contains__) == ("/data/a:b.tar", "latest")
    with pytest.raises(SourceError, match="no such file"):
        split_path_and_ref("/nope:tag", existing.__contains__)


def test_open_source_dispatches_on_scheme(tmp_path: Path):
    img = build_image([{"f": b"1"}])
    write_docker_archive(tmp_path / "d.tar", [(["app:1"], img)])
    write_oci_archive(tmp_path / "o.tar", [("1", img)])
    write_oci_dir(tmp_path / "layout", [("1", img)])
    assert isinstance(open_source("127.0.0.1:1/a:b"), RegistrySource)
    assert isinstance(open_source("registry:debian"), RegistrySource)
    assert isinstance(open_source(f"docker-archive:{tmp_path}/d.tar:app:1"), DockerArchiveSource)
    oci_archive = open_source(f"oci-archive:{tmp_path}/o.tar:1")
    oci_dir = open_source(f"oci-dir:{tmp_path}/layout")
    assert isinstance(oci_archive, OCILayoutSource) and oci_archive.scheme == "oci-archive"
    assert isinstance(oci_dir, OCILayoutSource) and oci_dir.scheme == "oci-dir"
    assert isinstance(open_source(f"dir:{tmp_path}"), DirectorySource)
    with pytest.raises(SourceError):
        open_source(f"oci-dir:{tmp_path}/missing")


def test_reference_with_digest_keeps_tag():
    ref = ImageReference("quay.io", "a/b", "1").with_digest(DIGEST)
    assert str(ref) == f"quay.io/a/b:1@{DIGEST}"
