"""Catalogers: one module per ecosystem, each registering itself in ``base``, whose tables say
which modules to import and when."""
