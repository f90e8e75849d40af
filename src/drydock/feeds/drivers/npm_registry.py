"""npm registry package documents ("packuments") → the ``packages`` feed, group ``npm``.

What the ``npms`` policy gate needs is the registry's view of each package: which versions were
published and which one the ``latest`` dist-tag points at. Inputs, all read offline:

* one packument per file, as ``GET https://registry.npmjs.org/<name>`` returns it (full or the
  abbreviated ``application/vnd.npm.install-v1+json`` form), which is also how a Verdaccio
  mirror stores them (``storage/<name>/package.json``);
* a JSON list of packuments;
* a CouchDB ``_all_docs?include_docs=true`` page (``{"rows": [{"doc": packument}]}``), the
  replication form Anchore's feed service read.

Online sync downloads the packuments whose URLs are configured for this driver
(``feeds.drivers.npm.urls``): the public registry no longer offers a full listing.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx

from drydock.feeds.drivers.base import Driver, download, local_name_for, register
from drydock.feeds.drivers.io import load_json
from drydock.feeds.records import PackageVersions, Record


@register
class NpmRegistryDriver(Driver):
    name = "npm"
    namespaces = ("npm",)

    def parse_file(self, path: Path) -> Iterator[Record]:
        data = load_json(path)
        if isinstance(data, dict) and isinstance(data.get("rows"), list):
            documents = [row.get("doc") for row in data["rows"] if isinstance(row, dict)]
        elif isinstance(data, list):
            documents = data
        else:
            documents = [data]
        yield from self.convert_each(documents, _package_versions, str(path))

    def fetch(self, workspace: Path, client: httpx.Client) -> list[Path]:
        """Packument URLs end in the bare package name: saved as ``<name>.json`` so a directory
        of them is read back like any other JSON input."""
        target = workspace / "input"
        target.mkdir(parents=True, exist_ok=True)
        return [download(client, url, target / f"{local_name_for(url)}.json") for url in self.urls]


def _package_versions(document: Any) -> Iterator[PackageVersions]:
    if not isinstance(document, dict) or not isinstance(document.get("versions"), dict):
        raise TypeError("not an npm package document (no versions object)")
    name = document["name"]
    if not isinstance(name, str) or not name:
        raise ValueError("package document without a name")
    versions = tuple(str(v) for v in document["versions"])
    latest = (document.get("dist-tags") or {}).get("latest")
    yield PackageVersions("npm", name, versions, str(latest) if latest in document["versions"] else None)
