"""Start and stop a real registry (CNCF distribution, Debian package ``docker-registry``) on
127.0.0.1 for tests; pytest-independent.

    reg = start_registry(tmp_dir)                              # open
    reg = start_registry(tmp_dir, htpasswd=("tester", "secret"))  # basic auth (bcrypt)
    reg = start_registry(tmp_dir, token=TokenAuth(realm, service, issuer, cert_pem_path))
    ...
    reg.stop()

``reg.host`` is ``127.0.0.1:<port>`` (use it in references), ``reg.blob_file(digest)`` is where
the registry stores a blob (to tamper with it), ``push(reg, "repo:tag", artifact)`` pushes an
image or index built with ``tests.support.images``.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

from drydock.analyzer.sources.auth import Credentials
from drydock.analyzer.sources.registry import RegistryAccess, push_image
from tests.support.images import Artifact
from tests.support.token_server import TokenServer

REGISTRY_BIN = "docker-registry"


def registry_available() -> bool:
    return shutil.which(REGISTRY_BIN) is not None and shutil.which("htpasswd") is not None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass(frozen=True)
class TokenAuth:
    realm: str  # token endpoint URL
    service: str
    issuer: str
    root_cert: Path  # PEM certificate whose key signs the tokens


@dataclass
class RunningRegistry:
    host: str
    storage: Path
    process: subprocess.Popen[bytes]
    log: Path
    credentials: Credentials | None = None
    token_server: TokenServer | None = None  # set for token-auth registries started by the fixtures

    @property
    def url(self) -> str:
        return f"http://{self.host}"

    def blob_file(self, digest: str) -> Path:
        hex_digest = digest.split(":", 1)[1]
        return self.storage / "docker/registry/v2/blobs/sha256" / hex_digest[:2] / hex_digest / "data"

    def access(self, **kwargs: object) -> RegistryAccess:
        """Access with this registry's credentials unless overridden."""
        kwargs.setdefault("credentials", self.credentials)
        return RegistryAccess(**kwargs)  # type: ignore[arg-type]

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def _auth_block(workdir: Path, htpasswd: tuple[str, str] | None, token: TokenAuth | None) -> str:
    if htpasswd is not None:
        user, password = htpasswd
        line = subprocess.run(
            ["htpasswd", "-Bbn", user, password], check=True, capture_output=True, text=True
        ).stdout
        (workdir / "htpasswd").write_text(line)
        return f"auth:\n  htpasswd:\n    realm: test-registry\n    path: {workdir / 'htpasswd'}\n"
    if token is not None:
        return (
            f"auth:\n  token:\n    realm: {token.realm}\n    service: {token.service}\n"
            f"    issuer: {token.issuer}\n    rootcertbundle: {token.root_cert}\n"
        )
    return ""


def start_registry(
    workdir: Path,
    *,
    htpasswd: tuple[str, str] | None = None,
    token: TokenAuth | None = None,
    timeout: float = 15.0,
) -> RunningRegistry:
    """Start a registry with filesystem storage under ``workdir`` on a free loopback port and
    wait until ``/v2/`` answers."""
    workdir.mkdir(parents=True, exist_ok=True)
    port = free_port()
    storage = workdir / "data"
    config = workdir / "config.yml"
    config.write_text(
        "version: 0.1\nlog:\n  level: warn\n  accesslog:\n    disabled: true\n"
        f"storage:\n  filesystem:\n    rootdirectory: {storage}\n  delete:\n    enabled: true\n"
        "  cache:\n    blobdescriptor: inmemory\n"
        f"http:\n  addr: 127.0.0.1:{port}\n  secret: test-only-secret\n"
        "health:\n  storagedriver:\n    enabled: false\n" + _auth_block(workdir, htpasswd, token)
    )
    log = workdir / "registry.log"
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [REGISTRY_BIN, "serve", str(config)],
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
    reg = RunningRegistry(
        f"127.0.0.1:{port}", storage, process, log, Credentials(*htpasswd) if htpasswd else None
    )
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"registry exited with {process.returncode}: {log.read_text()[-2000:]}")
        try:
            if httpx.get(f"{reg.url}/v2/", timeout=1).status_code in (200, 401):
                return reg
        except httpx.TransportError:
            pass
        time.sleep(0.05)
    reg.stop()
    raise RuntimeError(f"registry did not answer within {timeout}s: {log.read_text()[-2000:]}")


def push(
    reg: RunningRegistry, reference: str, artifact: Artifact, access: RegistryAccess | None = None
) -> str:
    """Push an image, or an index with its images (by digest first), to ``reg``; ``reference``
    is ``repo:tag`` relative to the registry. Returns the pushed manifest's digest."""
    access = access or reg.access()
    repo = reference.split(":", 1)[0].split("@", 1)[0]
    for child in artifact.children():
        push_image(f"{reg.host}/{repo}@{child.digest}", child.manifest_bytes, child.blobs(), access=access)
    own_blobs = {} if artifact.children() else artifact.blobs()
    return push_image(f"{reg.host}/{reference}", artifact.manifest_bytes, own_blobs, access=access)
