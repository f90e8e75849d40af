"""Anchore's legacy Feed Service data and vunnel result envelopes; GitHub advisories.

The feed service served pages ``{"data": [...], "next_token": ...}`` whose items are os records
(``{"Vulnerability": ...}``), GHSA records (``{"Advisory": ..., "Vulnerability": {}}``) or NVD 1.1
items; vunnel writes the same records wrapped in ``{"identifier", "item", "schema"}``. Every
item shape is recognised independently, so mixed directories (a local feed repo, a vunnel
workspace's ``results/``) parse in one pass.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from drydock.feeds.drivers.base import Driver, register
from drydock.feeds.drivers.io import load_json
from drydock.feeds.drivers.nvd import nvd11_to_api2, nvd_record
from drydock.feeds.drivers.osv import OsvParser
from drydock.feeds.records import Record, Vulnerability
from drydock.feeds.vunnel_format import from_vunnel_github, from_vunnel_os_record

#: Files in a feed-service tree that describe the tree rather than hold records.
LISTING_FILES = {"index.json", "metadata.json", "checksums", "listing.json"}


def item_records(item: dict[str, Any]) -> list[Vulnerability]:
    if "item" in item and "identifier" in item:
        return item_records(item["item"])
    if item.get("Advisory"):
        return [from_vunnel_github(item)]
    if item.get("Vulnerability"):
        return [from_vunnel_os_record(item)]
    if isinstance(item.get("cve"), dict) and "CVE_data_meta" in item["cve"]:
        return [nvd_record(nvd11_to_api2(item))]
    raise ValueError(f"unrecognised feed item with keys {sorted(item)[:5]}")


def page_items(doc: Any) -> list[dict[str, Any]]:
    if isinstance(doc, dict) and isinstance(doc.get("data"), list):
        return doc["data"]
    if isinstance(doc, list):
        return doc
    if isinstance(doc, dict):
        return [doc]
    raise ValueError("not a feed page, record list or record")


class FeedItemsDriver(Driver):
    def discover(self, paths: Path | str | Any) -> list[Path]:
        return [p for p in super().discover(paths) if p.name not in LISTING_FILES]

    def parse_file(self, path: Path) -> Iterator[Record]:
        yield from self.convert_each(page_items(load_json(path)), self.records_for, str(path))

    def records_for(self, item: dict[str, Any]) -> list[Vulnerability]:
        return item_records(item)


@register
class AnchoreFeedDriver(FeedItemsDriver):
    """Legacy Anchore Feed Service pages (``/v1/service/feeds/<feed>/<group>``) and vunnel results."""

    name = "anchore-feed"
    namespaces = ("*",)
    default_urls = ("https://ancho.re/v1/service/feeds",)

    def fetch(self, workspace: Path, client: Any) -> list[Path]:
        raise NotImplementedError("the hosted Anchore feed service was retired; import data drops instead")


@register
class GithubDriver(FeedItemsDriver):
    """GitHub advisories: vunnel GHSA envelopes, feed-service ``github:*`` pages, GHSA OSV JSON."""

    name = "github"
    namespaces = ("github:*",)
    default_urls = ("https://github.com/github/advisory-database/archive/refs/heads/main.tar.gz",)

    def records_for(self, item: dict[str, Any]) -> list[Vulnerability]:
        if "affected" in item and "id" in item:  # OSV form of the advisory database
            return list(OsvParser(self).records(item))
        inner = item.get("item", item) if "identifier" in item else item
        if not inner.get("Advisory"):
            raise ValueError("not a GitHub advisory (no 'Advisory' record)")
        return [from_vunnel_github(inner)]
