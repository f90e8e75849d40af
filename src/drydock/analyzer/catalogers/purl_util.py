"""Package URLs spelled the way syft (packageurl-go) spells them.

packageurl-python leaves ``:`` and ``/`` unescaped inside qualifier values and ``/`` inside a
name, and lower-cases some types' names; syft escapes both and keeps the name's case. SBOM consumers and vulnerability matchers compare PURLs as strings, so
the language catalogers build them here to keep one spelling.
"""

from __future__ import annotations

import functools
from urllib.parse import quote

from packageurl import PackageURL

_NAME_TOKEN = "drydocknameplaceholder"


def package_url(
    type_: str,
    name: str,
    version: str = "",
    namespace: str = "",
    qualifiers: dict[str, str] | None = None,
) -> str:
    """A PURL string; qualifier values are fully percent-encoded, empty ones dropped, keys sorted.

    The name is kept as given (packageurl-python would lower-case npm names; syft does not).
    """
    pairs = tuple(sorted((k, v) for k, v in (qualifiers or {}).items() if v))
    return _package_url(type_, name, version, namespace, pairs)


@functools.lru_cache(maxsize=65536)
def _package_url(
    type_: str, name: str, version: str, namespace: str, pairs: tuple[tuple[str, str], ...]
) -> str:
    """Cached: images repeat the same package in many places (nested node_modules, venvs)."""
    core = PackageURL(
        type=type_, namespace=namespace or None, name=_NAME_TOKEN, version=version or None
    ).to_string()
    core = core.replace(_NAME_TOKEN, quote(name, safe=""), 1)
    if pairs:
        core += "?" + "&".join(f"{k}={quote(v, safe='')}" for k, v in pairs)
    return core
