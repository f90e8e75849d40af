"""Image metadata as the platform shows and gates on it: manifest, config (env, entrypoint,
cmd, user, exposed ports, labels, working dir, platform), history and the layers with the
history step that created each (Anchore's ``docker_history``/``layers`` content).

Pure: reads an ``ImageInfo`` and never fetches anything. Docker and OCI configs both keep the
runtime settings under ``config`` with Docker's capitalised keys; older Docker configs used
``container_config`` only, so that is the fallback.
"""

from __future__ import annotations

from typing import Any

from drydock.analyzer.sources.base import ImageInfo


def _runtime_config(config: dict[str, Any]) -> dict[str, Any]:
    rc = config.get("config") or config.get("container_config") or {}
    return rc if isinstance(rc, dict) else {}


def _as_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value] if isinstance(value, list) else []


def layer_history(info: ImageInfo) -> list[dict[str, Any]]:
    """Each layer with the non-empty history step that created it (history entries marked
    ``empty_layer`` made no layer). When history and layers disagree in count (squashed or
    hand-made images) the step is left out rather than guessed."""
    history = [h for h in info.config.get("history") or [] if isinstance(h, dict)]
    producing = [h for h in history if not h.get("empty_layer")]
    aligned = len(producing) == len(info.layers)
    out = []
    for i, layer in enumerate(info.layers):
        item: dict[str, Any] = {
            "index": i,
            "digest": layer.digest,
            "diffId": layer.diff_id,
            "mediaType": layer.media_type,
            "size": layer.size,
        }
        if aligned:
            step = producing[i]
            item["createdBy"] = step.get("created_by", "")
            item["created"] = step.get("created", "")
            if step.get("comment"):
                item["comment"] = step["comment"]
        out.append(item)
    return out


def image_metadata(info: ImageInfo) -> dict[str, Any]:
    config = info.config if isinstance(info.config, dict) else {}
    rc = _runtime_config(config)
    return {
        "manifest": info.manifest,
        "config": config,
        "history": [h for h in config.get("history") or [] if isinstance(h, dict)],
        "layers": layer_history(info),
        "env": _as_list(rc.get("Env")),
        "entrypoint": _as_list(rc.get("Entrypoint")),
        "cmd": _as_list(rc.get("Cmd")),
        "user": rc.get("User") or "",
        "exposedPorts": sorted((rc.get("ExposedPorts") or {}).keys()),
        "labels": dict(rc.get("Labels") or {}),
        "workingDir": rc.get("WorkingDir") or "",
        "volumes": sorted((rc.get("Volumes") or {}).keys()),
        "stopSignal": rc.get("StopSignal") or "",
        "architecture": config.get("architecture", ""),
        "os": config.get("os", ""),
        "variant": config.get("variant", ""),
        "created": config.get("created", ""),
        "author": config.get("author", ""),
        "imageSize": info.compressed_size,
        "layerCount": len(info.layers),
    }


def source_summary(info: ImageInfo, scheme: str) -> dict[str, Any]:
    """Identity of the analyzed image (``ImageAnalysis.source``)."""
    return {
        "scheme": scheme,
        "reference": info.reference,
        "manifestDigest": info.manifest_digest,
        "indexDigest": info.index_digest,
        "imageId": info.config_digest,
        "registry": info.registry,
        "repository": info.repository,
        "tag": info.tag,
        "repoTags": list(info.repo_tags),
        "repoDigests": list(info.repo_digests),
        "layers": [layer.digest for layer in info.layers],
        "diffIds": [layer.diff_id for layer in info.layers],
        "compressedSize": info.compressed_size,
    }
