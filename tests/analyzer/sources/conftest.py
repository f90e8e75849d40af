"""Real-registry fixtures for the source tests (session-scoped, loopback only)."""

from tests.support.fixtures import auth_registry, registry, token_registry

__all__ = ["auth_registry", "registry", "token_registry"]
