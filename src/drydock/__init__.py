"""Drydock: container image security platform (Anchore v1 API compatible)."""

__version__ = "0.1.0"
