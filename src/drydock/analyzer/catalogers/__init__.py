"""Catalogers: one module per ecosystem, each registering itself in ``base``."""
