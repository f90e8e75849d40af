"""Images pulled from a Registry v2 / OCI distribution registry, plus the registry operations the
catalog service needs (``resolve_digest``, ``list_tags``, ``check_auth``) and ``push_image``.

Verification guarantees:

* Manifests fetched by digest must hash to that digest; manifests fetched by tag must hash to
  the ``Docker-Content-Digest`` header when the registry sends one. Each platform manifest
  selected from an index and each config must match the size and digest of its descriptor.
  Manifests, indexes and configs larger than ``MAX_DOCUMENT_BYTES`` are refused.
* Layer blobs are streamed, never buffered whole; a blob longer than its descriptor size is
  cut off with a ``SourceError``; the sha256 of the streamed bytes is checked against the
  layer digest (and the uncompressed stream against ``diff_id``) when the stream ends.
* Docker schema 1 manifests are refused with a clear error. For an index, the platform is
  chosen by os/arch/variant (default ``linux/amd64``); no match lists the available ones.
* Credentials: explicit, or from the docker ``config.json`` given as ``docker_config``
  (credential helpers are out of scope, see ``auth``). No config is read unless one is given.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from os import PathLike
from typing import Any, BinaryIO

import httpx

from drydock.analyzer.sources.auth import (
    Credentials,
    CredentialsLike,
    as_credentials,
    credentials_from_docker_config,
)
from drydock.analyzer.sources.base import DigestMismatch, ImageInfo, LayerRef, SourceError
from drydock.analyzer.sources.blob_reader import BlobReader
from drydock.analyzer.sources.common import CachedInfoSource, identity_fields
from drydock.analyzer.sources.compression import DecompressionLimits, verified_layer
from drydock.analyzer.sources.manifest import (
    DOCKER_SCHEMA1,
    MANIFEST_ACCEPT,
    MAX_DOCUMENT_BYTES,
    Descriptor,
    Platform,
    check_blob,
    document_kind,
    index_entries,
    layer_refs,
    load_json_object,
    parse_image_manifest,
    select_platform,
    sha256_digest,
    validate_digest,
)
from drydock.analyzer.sources.reference import ImageReference, parse_reference
from drydock.analyzer.sources.registry_client import RegistryClient, RegistrySettings, expect_status

ACCEPT_WITH_SCHEMA1 = ", ".join((MANIFEST_ACCEPT, *DOCKER_SCHEMA1))
MAX_TAG_PAGES = 1000


@dataclass(frozen=True, slots=True)
class RegistryAccess:
    """Everything needed to open a client, kept picklable for worker processes."""

    credentials: Credentials | None = None
    insecure: bool = False
    settings: RegistrySettings = RegistrySettings()

    @classmethod
    def build(
        cls,
        registry: str,
        credentials: CredentialsLike | None = None,
        insecure: bool = False,
        docker_config: str | PathLike[str] | None = None,
        settings: RegistrySettings | None = None,
    ) -> RegistryAccess:
        creds = as_credentials(credentials)
        if creds is None and docker_config is not None:
            creds = credentials_from_docker_config(registry, docker_config)
        return cls(creds, insecure, settings or RegistrySettings())

    def client(self, ref: ImageReference) -> RegistryClient:
        return RegistryClient(
            ref.api_host, credentials=self.credentials, insecure=self.insecure, settings=self.settings
        )


def pull_scope(ref: ImageReference) -> str:
    return f"repository:{ref.wire_repository}:pull"


def push_scope(ref: ImageReference) -> str:
    return f"repository:{ref.wire_repository}:pull,push"


def _read_limited(response: httpx.Response, limit: int, what: str) -> bytes:
    body = bytearray()
    for chunk in response.iter_bytes():
        body += chunk
        if len(body) > limit:
            response.close()
            raise SourceError(f"{what} is larger than {limit} bytes")
    return bytes(body)


def fetch_manifest(client: RegistryClient, ref: ImageReference, target: str) -> tuple[bytes, str, str]:
    """GET a manifest by tag or digest → (bytes, media type, verified digest)."""
    what = (
        f"manifest {ref.name}:{target}"
        if not target.startswith("sha256:")
        else f"manifest {ref.name}@{target}"
    )
    response = client.request(
        "GET",
        f"/v2/{ref.wire_repository}/manifests/{target}",
        scope=pull_scope(ref),
        headers={"Accept": ACCEPT_WITH_SCHEMA1},
        stream=True,
    )
    expect_status(response, (200,), what)
    body = _read_limited(response, MAX_DOCUMENT_BYTES, what)
    digest = sha256_digest(body)
    claimed = target if target.startswith("sha256:") else response.headers.get("docker-content-digest")
    if claimed and claimed.startswith("sha256:") and claimed != digest:
        raise DigestMismatch(f"{what}: digest mismatch: expected {claimed}, got {digest}")
    media_type = response.headers.get("content-type", "").split(";")[0].strip()
    return body, media_type, digest


def fetch_blob_bytes(client: RegistryClient, ref: ImageReference, descriptor: Descriptor, what: str) -> bytes:
    if descriptor.size > MAX_DOCUMENT_BYTES:
        raise SourceError(f"{what} is larger than {MAX_DOCUMENT_BYTES} bytes")
    response = client.request(
        "GET", f"/v2/{ref.wire_repository}/blobs/{descriptor.digest}", scope=pull_scope(ref), stream=True
    )
    expect_status(response, (200,), f"{what} {descriptor.digest}")
    data = _read_limited(response, descriptor.size, what)
    check_blob(data, descriptor, what)
    return data


class RegistrySource(CachedInfoSource):
    scheme = "registry"

    def __init__(
        self,
        reference: str,
        *,
        access: RegistryAccess | None = None,
        platform: str = "linux/amd64",
        limits: DecompressionLimits | None = None,
    ) -> None:
        self.reference = reference
        self.ref = parse_reference(reference)
        self.access = access or RegistryAccess()
        self.platform = Platform.parse(platform)
        self.limits = limits or DecompressionLimits()
        self._client: RegistryClient | None = None

    def __getstate__(self) -> dict[str, Any]:
        state = self.__dict__.copy()
        state["_client"] = None
        return state

    def client(self) -> RegistryClient:
        if self._client is None:
            self._client = self.access.client(self.ref)
        return self._client

    def _load_info(self) -> ImageInfo:
        client, ref = self.client(), self.ref
        top_bytes, media_type, top_digest = fetch_manifest(client, ref, ref.manifest_ref)
        top = load_json_object(top_bytes, f"manifest of {ref}")
        manifest_bytes, manifest, manifest_digest = top_bytes, top, top_digest
        index_bytes = index_digest = None
        if document_kind(top, media_type) == "index":
            entry = select_platform(index_entries(top), self.platform)
            manifest_bytes, entry_type, manifest_digest = fetch_manifest(client, ref, entry.digest)
            check_blob(manifest_bytes, entry, f"platform manifest for {self.platform}")
            manifest = load_json_object(manifest_bytes, f"platform manifest {entry.digest}")
            if document_kind(manifest, entry.media_type or entry_type) != "image":
                raise SourceError(f"index entry {entry.digest} is not an image manifest")
            index_bytes, index_digest = top_bytes, top_digest
        config_desc, layer_descs = parse_image_manifest(manifest)
        config_bytes = fetch_blob_bytes(client, ref, config_desc, "image config")
        config = load_json_object(config_bytes, "image config")
        return ImageInfo(
            reference=self.reference,
            manifest=manifest,
            manifest_bytes=manifest_bytes,
            config=config,
            config_bytes=config_bytes,
            layers=layer_refs(layer_descs, config),
            manifest_digest=manifest_digest,
            index_digest=index_digest,
            index_bytes=index_bytes,
            config_digest=config_desc.digest,
            **identity_fields([ref], top_digest),
        )

    @contextmanager
    def open_layer(self, layer: LayerRef) -> Iterator[BinaryIO]:
        validate_digest(layer.digest, "layer")
        raw = BlobReader(
            self.client(),
            f"/v2/{self.ref.wire_repository}/blobs/{layer.digest}",
            scope=pull_scope(self.ref),
            size=layer.size,
            name=layer.digest,
        )
        with verified_layer(
            raw,  # type: ignore[arg-type]
            name=layer.digest,
            expected_digest=layer.digest,
            expected_diff_id=layer.diff_id,
            limits=self.limits,
        ) as stream:
            yield stream

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None


# -- registry operations for the catalog service -----------------------------------------------


@contextmanager
def _client_for(ref: ImageReference, access: RegistryAccess | None) -> Iterator[RegistryClient]:
    client = (access or RegistryAccess()).client(ref)
    try:
        yield client
    finally:
        client.close()


def resolve_digest(reference: str, *, access: RegistryAccess | None = None) -> str:
    """The digest a tag currently points to (the index digest for multi-platform images), via
    HEAD; falls back to GET and hashing when the registry sends no ``Docker-Content-Digest``."""
    ref = parse_reference(reference)
    if ref.digest:
        return ref.digest
    with _client_for(ref, access) as client:
        response = client.request(
            "HEAD",
            f"/v2/{ref.wire_repository}/manifests/{ref.manifest_ref}",
            scope=pull_scope(ref),
            headers={"Accept": ACCEPT_WITH_SCHEMA1},
        )
        expect_status(response, (200,), f"manifest {ref}")
        digest = response.headers.get("docker-content-digest", "")
        if digest.startswith("sha256:"):
            return validate_digest(digest, f"Docker-Content-Digest of {ref}")
        return fetch_manifest(client, ref, ref.manifest_ref)[2]


def list_tags(repository: str, *, access: RegistryAccess | None = None, page_size: int = 1000) -> list[str]:
    """All tags of a repository (``registry/repo``; a tag or digest in the input is ignored),
    following ``Link: <...>; rel="next"`` pagination."""
    ref = parse_reference(repository)
    tags: list[str] = []
    path: str | None = f"/v2/{ref.wire_repository}/tags/list?n={page_size}"
    with _client_for(ref, access) as client:
        for _ in range(MAX_TAG_PAGES):
            if path is None:
                return tags
            response = client.request("GET", path, scope=pull_scope(ref))
            expect_status(response, (200,), f"tags of {ref.name}")
            page = load_json_object(response.content, f"tag list of {ref.name}")
            page_tags = page.get("tags") or []
            if not isinstance(page_tags, list) or not all(isinstance(t, str) for t in page_tags):
                raise SourceError(f"tag list of {ref.name} is malformed")
            tags.extend(page_tags)
            path = _next_link(response)
    raise SourceError(f"tag list of {ref.name} has more than {MAX_TAG_PAGES} pages")


def _next_link(response: httpx.Response) -> str | None:
    link = response.headers.get("link")
    if not link or 'rel="next"' not in link:
        return None
    target = link.split(";", 1)[0].strip().strip("<>")
    return str(response.url.join(target))


def check_auth(registry: str, *, access: RegistryAccess | None = None) -> None:
    """Ping ``/v2/`` with the credentials; return if accepted, raise ``AuthError`` if refused,
    ``SourceError`` if the registry is unreachable or not a registry."""
    ref = ImageReference(registry, "ping", "latest")
    with _client_for(ref, access) as client:
        response = client.request("GET", "/v2/", scope=None)
        expect_status(response, (200,), f"registry {registry}")


# -- push (used by tests and tools; no skopeo needed) ------------------------------------------


def push_image(
    reference: str,
    manifest: bytes,
    blobs: Mapping[str, bytes],
    *,
    access: RegistryAccess | None = None,
) -> str:
    """Upload ``blobs`` (digest → content; already present ones are skipped), then PUT the
    manifest (image or index) under the reference's tag or digest. Returns the manifest digest.
    Chunked uploads are used when ``settings.upload_chunk_size`` is set."""
    ref = parse_reference(reference)
    access = access or RegistryAccess()
    doc = load_json_object(manifest, "manifest to push")
    kind = document_kind(doc)
    media_type = doc.get("mediaType") or (
        "application/vnd.oci.image.index.v1+json"
        if kind == "index"
        else "application/vnd.oci.image.manifest.v1+json"
    )
    with _client_for(ref, access) as client:
        for digest, data in blobs.items():
            check_blob(
                data, Descriptor("", validate_digest(digest, "blob to push"), len(data)), "blob to push"
            )
            _push_blob(client, ref, digest, data, access.settings.upload_chunk_size)
        response = client.request(
            "PUT",
            f"/v2/{ref.wire_repository}/manifests/{ref.manifest_ref}",
            scope=push_scope(ref),
            headers={"Content-Type": media_type},
            content=manifest,
        )
        expect_status(response, (201,), f"push manifest {ref}")
    return sha256_digest(manifest)


def _push_blob(
    client: RegistryClient, ref: ImageReference, digest: str, data: bytes, chunk_size: int | None
) -> None:
    scope = push_scope(ref)
    head = client.request("HEAD", f"/v2/{ref.wire_repository}/blobs/{digest}", scope=scope)
    if head.status_code == 200:
        return
    response = client.request("POST", f"/v2/{ref.wire_repository}/blobs/uploads/", scope=scope)
    expect_status(response, (202,), f"start upload of {digest}")
    location = _location(client, response)
    if chunk_size:
        for start in range(0, len(data), chunk_size):
            chunk = data[start : start + chunk_size]
            response = client.request(
                "PATCH",
                location,
                scope=scope,
                content=chunk,
                headers={
                    "Content-Type": "application/octet-stream",
                    "Content-Range": f"{start}-{start + len(chunk) - 1}",
                },
            )
            expect_status(response, (202,), f"upload chunk of {digest}")
            location = _location(client, response)
        data = b""
    url = httpx.URL(location).copy_merge_params({"digest": digest})
    response = client.request(
        "PUT", str(url), scope=scope, content=data, headers={"Content-Type": "application/octet-stream"}
    )
    expect_status(response, (201,), f"finish upload of {digest}")


def _location(client: RegistryClient, response: httpx.Response) -> str:
    location = response.headers.get("location")
    if not location:
        raise SourceError("registry upload response has no Location header")
    return str(httpx.URL(client.base_url()).join(location))
