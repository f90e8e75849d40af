"""What was analyzed, as every SBOM format names it.

``ImageAnalysis.source`` is the pipeline's summary of the ``ImageInfo``
(``image_metadata.source_summary``: scheme, reference, manifestDigest, imageId, registry,
repository, tag, repoTags, repoDigests, layers). This module is the only place that reads it,
so the writers agree on the subject's name, version and identity.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from packageurl import PackageURL

from drydock.analyzer.model import ImageAnalysis

DIRECTORY_SCHEMES = frozenset({"dir", "directory", "file"})


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _strings(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list | tuple):
        return ()
    return tuple(v for v in value if isinstance(v, str) and v)


@dataclass(frozen=True, slots=True)
class SourceDescription:
    """The subject of the SBOM: an image (``is_image``) or a directory tree."""

    scheme: str
    user_input: str
    name: str
    version: str  # manifest digest for images, "" for directories
    image_id: str
    manifest_digest: str
    registry: str
    repository: str
    tags: tuple[str, ...]
    repo_digests: tuple[str, ...]

    @property
    def is_image(self) -> bool:
        return self.scheme not in DIRECTORY_SCHEMES

    @property
    def id(self) -> str:
        """Stable 16-hex identity, like syft's source id: the image id when there is one."""
        basis = self.image_id or self.manifest_digest or f"{self.scheme}:{self.user_input}"
        return hashlib.sha256(basis.encode()).hexdigest()[:16]

    @property
    def purl(self) -> str | None:
        """``pkg:oci`` purl of the image, when its digest is known (as the purl spec asks)."""
        if not self.is_image or not self.manifest_digest:
            return None
        repository = self.repository or self.name.split("@")[0].rsplit(":", 1)[0]
        if not repository:
            return None
        qualifiers = {}
        if self.registry or "/" in repository:
            location = f"{self.registry}/{repository}" if self.registry else repository
            qualifiers["repository_url"] = location
        return PackageURL(
            type="oci",
            name=repository.rsplit("/", 1)[-1].lower(),
            version=self.manifest_digest,
            qualifiers=qualifiers,
        ).to_string()


def describe_source(analysis: ImageAnalysis) -> SourceDescription:
    src = analysis.source if isinstance(analysis.source, dict) else {}
    scheme = _text(src.get("scheme")) or "unknown"
    user_input = _text(src.get("reference"))
    registry = _text(src.get("registry"))
    repository = _text(src.get("repository"))
    tags = _strings(src.get("repoTags"))
    manifest_digest = _text(src.get("manifestDigest"))
    if scheme in DIRECTORY_SCHEMES:
        name = user_input.removeprefix(f"{scheme}:") or "."
    elif repository:
        tag = _text(src.get("tag"))
        name = (f"{registry}/" if registry else "") + repository + (f":{tag}" if tag else "")
    else:
        name = tags[0] if tags else user_input or manifest_digest or "image"
    return SourceDescription(
        scheme=scheme,
        user_input=user_input,
        name=name,
        version=manifest_digest if scheme not in DIRECTORY_SCHEMES else "",
        image_id=_text(src.get("imageId")),
        manifest_digest=manifest_digest,
        registry=registry,
        repository=repository,
        tags=tags,
        repo_digests=_strings(src.get("repoDigests")),
    )
