"""Vulnerability matching: packages of an image against the feed store's records (pure logic;
the index is built from the store by :mod:`drydock.policy.matching.index`)."""
