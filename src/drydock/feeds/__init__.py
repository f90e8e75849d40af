"""Vulnerability feed drivers and the normalized record model they produce."""
