"""The one shared vulnerability index per runtime, apart from its users (evaluation, reports,
re-matching) so that they can depend on each other without an import cycle."""

from __future__ import annotations

from weakref import WeakKeyDictionary

from drydock.policy.matching.index import IndexCache
from drydock.runtime.context import Runtime

_caches: WeakKeyDictionary[Runtime, IndexCache] = WeakKeyDictionary()


def index_cache(runtime: Runtime) -> IndexCache:
    cache = _caches.get(runtime)
    if cache is None:
        cache = _caches[runtime] = IndexCache()
    return cache
