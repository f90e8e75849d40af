"""Data files shipped with the analyzer (loaded with importlib.resources)."""
