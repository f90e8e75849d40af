"""Image analysis: sources, streaming squash, catalogers, SBOM output."""
