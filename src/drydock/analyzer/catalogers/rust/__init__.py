"""Rust catalogers: Cargo.lock files and cargo-auditable binaries (imports register them)."""

from drydock.analyzer.catalogers.rust import audit, cargo_lock  # noqa: F401
