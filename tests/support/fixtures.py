"""Pytest fixtures for a real registry on loopback. Use from any test directory with
``pytest_plugins = ["tests.support.fixtures"]`` in a conftest, or import the fixtures.

* ``registry`` — open registry (session-scoped), a ``RunningRegistry``
* ``auth_registry`` — htpasswd basic auth, user ``tester`` / password ``secret``
* ``token_registry`` — bearer token auth through a ``TokenServer`` (same credentials);
  the server is ``token_registry.token_server``

All skip when the ``docker-registry`` binary (or ``htpasswd``) is not installed.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.registry import RunningRegistry, TokenAuth, registry_available, start_registry
from tests.support.token_server import TokenServer

USERNAME = "tester"
PASSWORD = "secret"


def _require_registry() -> None:
    if not registry_available():
        pytest.skip("docker-registry / htpasswd not installed")


@pytest.fixture(scope="session")
def registry(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningRegistry]:
    _require_registry()
    reg = start_registry(tmp_path_factory.mktemp("registry-open"))
    yield reg
    reg.stop()


@pytest.fixture(scope="session")
def auth_registry(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningRegistry]:
    _require_registry()
    reg = start_registry(tmp_path_factory.mktemp("registry-auth"), htpasswd=(USERNAME, PASSWORD))
    yield reg
    reg.stop()


@pytest.fixture(scope="session")
def token_registry(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningRegistry]:
    _require_registry()
    workdir = tmp_path_factory.mktemp("registry-token")
    server = TokenServer(USERNAME, PASSWORD).start()
    auth = TokenAuth(server.realm, server.service, server.issuer, server.write_cert(workdir / "signer.pem"))
    reg = start_registry(workdir, token=auth)
    reg.token_server = server
    yield reg
    reg.stop()
    server.stop()
