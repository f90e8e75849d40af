"""Policy engine: Anchore-compatible bundles (format 1_0) evaluated against analyzed images.

Pure parts — :mod:`validation` (JSON → compiled :mod:`bundle`), :mod:`gates` (one module per
gate), :mod:`evaluate` (bundle + :mod:`context` → result document) — take no I/O, so the
server (:mod:`runner`, :mod:`service`, :mod:`views`, :mod:`watcher`) and ``drydock scan`` share
them. Vulnerability matching itself lives in :mod:`drydock.policy.matching`.
"""
