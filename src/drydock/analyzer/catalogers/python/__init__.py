"""Python catalogers: installed distributions and lock/requirements files (imports register them)."""

from drydock.analyzer.catalogers.python import installed, project  # noqa: F401
