"""Image reference and source-input parsing (pure; no I/O except the path probe for archives).

Docker's normalisation rules are followed so that ``debian``, ``docker.io/library/debian:latest``
and ``index.docker.io/debian`` all name the same image:

* the first path element is a registry only if it contains ``.`` or ``:`` or is ``localhost``;
  otherwise the registry is ``docker.io``;
* ``library/`` is prepended only on the *wire path* of Docker Hub official images
  (``ImageReference.wire_repository``); ``repository`` keeps what the user wrote, minus the
  ``library/`` prefix, so that names display the way Docker displays them;
* the tag defaults to ``latest`` unless a digest is given.

Source inputs carry an optional scheme prefix (``registry:``, ``docker-archive:``, ``oci-dir:``,
``oci-archive:``, ``dir:``); without one the input is a registry reference.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from drydock.analyzer.sources.base import SourceError

DOCKER_HUB = "docker.io"
DOCKER_HUB_ALIASES = frozenset(
    {"docker.io", "index.docker.io", "registry-1.docker.io", "registry.hub.docker.com"}
)
DOCKER_HUB_API_HOST = "registry-1.docker.io"
SCHEMES = ("registry", "docker-archive", "oci-dir", "oci-archive", "dir")

_COMPONENT = r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*"
_REPOSITORY_RE = re.compile(rf"^{_COMPONENT}(?:/{_COMPONENT})*$")
_TAG_RE = re.compile(r"^[\w][\w.-]{0,127}$")
_DIGEST_RE = re.compile(r"^sha256:[a-f0-9]{64}$|^sha512:[a-f0-9]{128}$")
_HOST_RE = re.compile(
    r"^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?\.?)+(?::[0-9]{1,5})?$|^\[[0-9a-fA-F:]+\](?::[0-9]{1,5})?$"
)


@dataclass(frozen=True, slots=True)
class ImageReference:
    registry: str  # "docker.io", "quay.io", "127.0.0.1:5000"
    repository: str  # "debian", "library-less" for Docker Hub; "org/app" elsewhere
    tag: str | None  # None only when a digest is given without a tag
    digest: str | None = None

    @property
    def wire_repository(self) -> str:
        """The repository as the registry API wants it (``library/debian`` on Docker Hub)."""
        if self.registry == DOCKER_HUB and "/" not in self.repository:
            return f"library/{self.repository}"
        return self.repository

    @property
    def api_host(self) -> str:
        """The host serving the Registry API (Docker Hub's API lives on another host)."""
        return DOCKER_HUB_API_HOST if self.registry == DOCKER_HUB else self.registry

    @property
    def manifest_ref(self) -> str:
        """What to put after ``/manifests/``: the digest when pinned, else the tag."""
        return self.digest or self.tag or "latest"

    @property
    def name(self) -> str:
        return f"{self.registry}/{self.repository}"

    def with_digest(self, digest: str) -> ImageReference:
        return ImageReference(self.registry, self.repository, self.tag, digest)

    def __str__(self) -> str:
        out = self.name
        if self.tag:
            out += f":{self.tag}"
        if self.digest:
            out += f"@{self.digest}"
        return out


def parse_reference(s: str) -> ImageReference:
    """Parse a docker-style image reference; raise ``SourceError`` naming what is wrong."""
    text = s.strip()
    if not text:
        raise SourceError("empty image reference")
    remainder, digest = text, None
    if "@" in text:
        remainder, digest = text.split("@", 1)
        if not _DIGEST_RE.match(digest):
            raise SourceError(f"invalid digest in reference {s!r}: {digest!r}")
    registry, path = _split_registry(remainder)
    tag = None
    last = path.rsplit("/", 1)[-1]
    if ":" in last:
        path, tag = path.rsplit(":", 1)
        if not _TAG_RE.match(tag):
            raise SourceError(f"invalid tag in reference {s!r}: {tag!r}")
    if registry == DOCKER_HUB and path.startswith("library/") and path.count("/") == 1:
        path = path[len("library/") :]
    if not _REPOSITORY_RE.match(path):
        raise SourceError(f"invalid repository name in reference {s!r}: {path!r} (must be lowercase)")
    if tag is None and digest is None:
        tag = "latest"
    return ImageReference(registry, path, tag, digest)


def try_parse_reference(s: str) -> ImageReference | None:
    """``parse_reference`` for names read from image metadata, where a bad name is not fatal."""
    try:
        return parse_reference(s)
    except SourceError:
        return None


def _split_registry(remainder: str) -> tuple[str, str]:
    first, sep, rest = remainder.partition("/")
    if sep and ("." in first or ":" in first or first == "localhost"):
        if not _HOST_RE.match(first):
            raise SourceError(f"invalid registry host {first!r}")
        registry = DOCKER_HUB if first.lower() in DOCKER_HUB_ALIASES else first
        return registry, rest
    return DOCKER_HUB, remainder


def split_scheme(source_input: str) -> tuple[str, str]:
    """``"oci-dir:/x"`` → ``("oci-dir", "/x")``; no known prefix → ``("registry", input)``."""
    head, sep, rest = source_input.partition(":")
    if sep and head in SCHEMES:
        return head, rest
    return "registry", source_input


def split_path_and_ref(spec: str, exists: Callable[[str], bool]) -> tuple[str, str | None]:
    """Split ``path[:ref]`` where both the path and the ref may contain ``:``.

    The path is the shortest prefix ending before a ``:`` that exists (``exists`` is the probe,
    injected so this stays testable); when the whole spec exists it is all path.
    """
    if exists(spec):
        return spec, None
    for i, ch in enumerate(spec):
        if ch == ":" and i > 0 and exists(spec[:i]):
            ref = spec[i + 1 :]
            return spec[:i], ref or None
    raise SourceError(f"no such file or directory: {spec!r}")
