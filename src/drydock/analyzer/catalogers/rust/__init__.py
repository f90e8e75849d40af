"""Rust catalogers (Cargo.lock files, cargo-auditable binaries); ``base.CATALOGER_TABLE`` and
``base.SCANNER_TABLE`` name their modules, which register them when imported."""
