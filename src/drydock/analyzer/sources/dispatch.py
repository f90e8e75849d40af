"""``open_source``: from a user's input string to the right ``ImageSource``.

``registry:REF`` or a bare ``REF`` pulls from a registry; ``docker-archive:PATH[:REF|@N]``,
``oci-archive:PATH[:REF]``, ``oci-dir:PATH[:REF]`` read local files (the path is the longest
existing prefix, so paths and refs may both contain ``:``); ``dir:PATH`` is a root filesystem.
Construction validates the reference/path only; documents are read on ``info()``.
"""

from __future__ import annotations

import os
from os import PathLike
from typing import TYPE_CHECKING

from drydock.analyzer.sources.auth import CredentialsLike
from drydock.analyzer.sources.base import ImageSource
from drydock.analyzer.sources.blobstore import DirStore, TarStore
from drydock.analyzer.sources.compression import DecompressionLimits
from drydock.analyzer.sources.directory import DirectorySource
from drydock.analyzer.sources.docker_archive import DockerArchiveSource
from drydock.analyzer.sources.oci_layout import OCILayoutSource
from drydock.analyzer.sources.reference import parse_reference, split_path_and_ref, split_scheme

if TYPE_CHECKING:  # the registry modules pull in httpx (≈ 0.15 s); local sources never need it
    from drydock.analyzer.sources.registry_client import RegistrySettings


def open_source(
    input: str,  # noqa: A002 - the public name the orchestrator uses
    *,
    credentials: CredentialsLike | None = None,
    insecure: bool = False,
    platform: str = "linux/amd64",
    docker_config: str | PathLike[str] | None = None,
    scratch_dir: str | PathLike[str] | None = None,
    limits: DecompressionLimits | None = None,
    settings: RegistrySettings | None = None,
) -> ImageSource:
    """``scratch_dir`` is accepted for interface stability; no source needs scratch space,
    since archives are read in place and registry blobs are streamed."""
    del scratch_dir
    scheme, rest = split_scheme(input)
    if scheme == "registry":
        from drydock.analyzer.sources.registry import RegistryAccess, RegistrySource

        registry = parse_reference(rest).registry
        access = RegistryAccess.build(registry, credentials, insecure, docker_config, settings)
        return RegistrySource(rest, access=access, platform=platform, limits=limits)
    if scheme == "dir":
        return DirectorySource(rest, reference=input)
    if scheme == "docker-archive":
        path, ref = split_path_and_ref(rest, os.path.isfile)
        return DockerArchiveSource(path, ref, reference=input, limits=limits)
    is_archive = scheme == "oci-archive"
    path, ref = split_path_and_ref(rest, os.path.isfile if is_archive else os.path.isdir)
    store = TarStore(path) if is_archive else DirStore(path)
    return OCILayoutSource(store, reference=input, ref=ref, platform=platform, limits=limits, scheme=scheme)
