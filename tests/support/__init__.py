"""Shared test helpers: image builders, a real registry runner and pytest fixtures."""
