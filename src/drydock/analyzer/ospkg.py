"""Pieces every OS package cataloger (dpkg, apk, rpm) needs in exactly the same form.

PURL qualifiers and licence fields must be spelled identically across ecosystems because
vulnerability matching and SBOM consumers compare them verbatim; keeping one implementation
here is what guarantees that. (``dependency-of`` edges come from the shared
``catalogers.dependency_graph`` resolver, as for language packages.)
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Iterator, Mapping

from boolean import ParseError
from license_expression import ExpressionError, Licensing, get_spdx_licensing
from packageurl import PackageURL

from drydock.analyzer.filetree import FileResolver, FileTooLarge
from drydock.analyzer.model import CatalogResult, Distro, FileType

_PERCENT_ESCAPE = re.compile(r"%[0-9a-f]{2}")


def build_purl(
    purl_type: str,
    namespace: str | None,
    name: str,
    version: str | None,
    qualifiers: Mapping[str, str],
    distro: Distro | None,
) -> str:
    """A PURL with syft's qualifier rules: empty values dropped, ``distro=<id>-<version_id>``
    added when the release is known, percent-escapes upper-cased (packageurl-python writes
    ``%2b`` where syft and the purl spec examples write ``%2B``)."""
    quals = {k: v for k, v in qualifiers.items() if v}
    if distro is not None and distro.id:
        quals["distro"] = f"{distro.id}-{distro.version_id}" if distro.version_id else distro.id
    purl = PackageURL(
        type=purl_type, namespace=namespace or None, name=name, version=version or None, qualifiers=quals
    ).to_string()
    return _PERCENT_ESCAPE.sub(lambda m: m.group(0).upper(), purl)


@functools.lru_cache(maxsize=1)
def _spdx_licensing() -> Licensing:
    return get_spdx_licensing()  # loads the SPDX list once, on first use


@functools.lru_cache(maxsize=4096)
def _is_spdx_expression(value: str) -> bool:
    try:
        return not _spdx_licensing().validate(value).errors
    except (ExpressionError, ParseError, AttributeError):  # AttributeError: e.g. "MIT AND"
        return False


def split_license_field(raw: str) -> list[str]:
    """A package manager's free-text licence field as licence values.

    A valid SPDX expression ("Apache-2.0 OR MIT") is one licence statement and stays whole;
    anything else ("MIT BSD GPL2+", as apk and opkg write lists) is split on whitespace.
    """
    value = raw.strip()
    if not value:
        return []
    if _is_spdx_expression(value):
        return [value]
    return value.split()


def read_databases(
    resolver: FileResolver,
    patterns: Iterable[str],
    cataloger: str,
    result: CatalogResult,
    skip: Callable[[str], bool] = lambda _: False,
) -> Iterator[tuple[str, bytes]]:
    """(path, content) of every regular file matching ``patterns``; files that cannot be read
    become warnings on ``result`` so one bad database never stops the others."""
    for entry in resolver.glob_any(patterns):
        if entry.type is not FileType.REGULAR or skip(entry.path):
            continue
        try:
            yield entry.path, resolver.read_bytes(entry.path)
        except (FileNotFoundError, FileTooLarge) as exc:
            result.warnings.append(f"{cataloger}: {entry.path}: {exc}")
