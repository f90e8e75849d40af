"""Registry credentials and authentication challenges (pure parsing; no network).

Credentials come either explicitly or from a Docker ``config.json`` (``auths`` entries with a
base64 ``auth`` field or ``username``/``password``). Credential helpers (``credsStore``,
``credHelpers``) and ``identitytoken`` (OAuth refresh tokens) are *out of scope*: an entry that
only has those yields no credentials, and the registry will answer with an ``AuthError``.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

from drydock.analyzer.sources.base import SourceError
from drydock.analyzer.sources.reference import DOCKER_HUB

_DOCKER_HUB_CONFIG_KEYS = (
    "https://index.docker.io/v1/",
    "index.docker.io",
    "docker.io",
    "registry-1.docker.io",
)
_CHALLENGE_PARAM_RE = re.compile(r'([A-Za-z][\w-]*)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]+))')


@dataclass(frozen=True, slots=True)
class Credentials:
    username: str
    password: str

    def basic_header(self) -> str:
        token = base64.b64encode(f"{self.username}:{self.password}".encode()).decode()
        return f"Basic {token}"

    def __repr__(self) -> str:  # never leak the secret into logs or tracebacks
        return f"Credentials(username={self.username!r}, password='***')"


CredentialsLike = Credentials | tuple[str, str]


def as_credentials(value: CredentialsLike | None) -> Credentials | None:
    if value is None or isinstance(value, Credentials):
        return value
    username, password = value
    return Credentials(username, password)


def default_docker_config() -> Path:
    base = os.environ.get("DOCKER_CONFIG")
    return Path(base) / "config.json" if base else Path.home() / ".docker" / "config.json"


def _config_key_host(key: str) -> str:
    """``https://host:port/v1/`` → ``host:port``, as docker stores registries under URLs."""
    host = re.sub(r"^[a-z]+://", "", key.strip())
    return host.split("/", 1)[0].lower()


def credentials_from_docker_config(
    registry: str, config_path: str | os.PathLike[str] | None = None
) -> Credentials | None:
    """Look ``registry`` up in a docker ``config.json``; a missing file means no credentials."""
    path = Path(config_path) if config_path is not None else default_docker_config()
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise SourceError(f"cannot read docker config {path}: {exc}") from exc
    return parse_docker_config(raw, registry, str(path))


def parse_docker_config(raw: bytes, registry: str, origin: str = "docker config") -> Credentials | None:
    try:
        doc = json.loads(raw)
    except ValueError as exc:
        raise SourceError(f"{origin} is not valid JSON: {exc}") from exc
    auths = doc.get("auths") if isinstance(doc, dict) else None
    if not isinstance(auths, dict):
        return None
    wanted = (
        {_config_key_host(k) for k in _DOCKER_HUB_CONFIG_KEYS}
        if registry == DOCKER_HUB
        else {registry.lower()}
    )
    for key, entry in auths.items():
        if _config_key_host(key) in wanted and isinstance(entry, dict):
            return _entry_credentials(entry, key, origin)
    return None


def _entry_credentials(entry: dict[str, object], key: str, origin: str) -> Credentials | None:
    username, password = entry.get("username"), entry.get("password")
    if isinstance(username, str) and isinstance(password, str) and username:
        return Credentials(username, password)
    auth = entry.get("auth")
    if not isinstance(auth, str) or not auth:
        return None
    try:
        decoded = base64.b64decode(auth, validate=True).decode()
    except (binascii.Error, UnicodeDecodeError) as exc:
        raise SourceError(f"{origin}: 'auth' for {key} is not valid base64 user:password") from exc
    user, sep, secret = decoded.partition(":")
    if not sep or not user:
        raise SourceError(f"{origin}: 'auth' for {key} is not of the form user:password")
    return Credentials(user, secret)


@dataclass(frozen=True, slots=True)
class Challenge:
    scheme: str  # "basic" | "bearer" (lowercase)
    params: dict[str, str]


def parse_challenge(header: str) -> Challenge:
    """Parse one ``WWW-Authenticate`` value (registries send a single challenge)."""
    scheme, _, rest = header.strip().partition(" ")
    params = {
        m.group(1).lower(): (m.group(2) if m.group(2) is not None else m.group(3))
        for m in _CHALLENGE_PARAM_RE.finditer(rest)
    }
    params = {k: v.replace('\\"', '"') for k, v in params.items()}
    return Challenge(scheme.lower(), params)
