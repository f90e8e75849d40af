"""Amazon Linux: ALAS RSS feeds + per-advisory HTML pages, and yum ``updateinfo.xml``.

The RSS feed lists advisories (id, severity, CVEs, date); the fixed packages exist only on each
advisory's HTML page ("New Packages"), so an RSS item without its page cannot be turned into a
record and is counted as skipped. ``updateinfo.xml`` from the repositories carries everything in
one structured file and is the better input when available.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from email.utils import parsedate_to_datetime
from html.parser import HTMLParser
from pathlib import Path
from xml.etree.ElementTree import Element

import httpx

from drydock.feeds.drivers.base import DATA_ERRORS, Driver, download, register
from drydock.feeds.drivers.io import find_all, find_child, iter_xml_elements, read_text, text_of
from drydock.feeds.records import (
    AffectedPackage,
    FixAvailability,
    FixState,
    Record,
    Severity,
    VersionFormat,
    Vulnerability,
)

#: Release -> path segment of its advisories on alas.aws.amazon.com.
LINK_PREFIX = {"2023": "AL2023/", "2022": "AL2022/", "2": "AL2/", "1": ""}
_TITLE = re.compile(r"^(ALAS\S*?-\d{4}-\d+)\s*\((\w+)\)")
_CHANNEL = re.compile(r"Amazon Linux (2023|2022|2|AMI)\b")
_RPM = re.compile(r"^(?P<name>.+)-(?P<version>[^-]+-[^-]+)\.(?P<arch>[^.]+)$")
_CVE = re.compile(r"CVE-\d{4}-\d+")


class _AlasPage(HTMLParser):
    """Collects the text of the ``issue_overview`` and ``new_packages`` blocks of an ALAS page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.sections: dict[str, list[str]] = {"issue_overview": [], "new_packages": []}
        self._stack: list[str | None] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "div":
            self._stack.append(dict(attrs).get("id"))
        elif tag == "br" and self._current():
            self.sections[self._current()].append("\n")  # type: ignore[index]

    def handle_endtag(self, tag: str) -> None:
        if tag == "div" and self._stack:
            self._stack.pop()

    def handle_data(self, data: str) -> None:
        current = self._current()
        if current:
            self.sections[current].append(data)

    def _current(self) -> str | None:
        return next((s for s in reversed(self._stack) if s in self.sections), None)


def parse_alas_page(text: str) -> tuple[str, list[tuple[str, str, str]]]:
    """(description, [(name, version-release, arch)]) from an ALAS HTML page."""
    page = _AlasPage()
    page.feed(text)
    overview = "".join(page.sections["issue_overview"]).strip()
    description = re.sub(r"\s*\n\s*", "", overview.removeprefix("Issue Overview:")).strip()
    packages = []
    for line in "".join(page.sections["new_packages"]).splitlines():
        match = _RPM.match(line.strip().replace("\xa0", ""))
        if match:
            packages.append((match["name"], match["version"], match["arch"]))
    return description, packages


def _affected(packages: list[tuple[str, str, str]], date: str | None) -> list[AffectedPackage]:
    """One entry per package name (the per-arch builds share a version)."""
    seen: dict[str, AffectedPackage] = {}
    for name, version, _arch in packages:
        seen.setdefault(
            name,
            AffectedPackage(
                name=name,
                version_format=VersionFormat.RPM,
                fixed_versions=[version],
                fix_state=FixState.FIXED,
                fix_available=FixAvailability(date, "advisory") if date else None,
            ),
        )
    return list(seen.values())


_FEED_FILE = re.compile(r"^(2|2022|2023)_rss")


def _rss_items(root_path: Path) -> tuple[str, list[dict[str, str]]]:
    """(namespace, items). The release comes from the file name when it was saved as
    ``<release>_rss.xml`` (AL2's feed calls itself "Amazon Linux AMI"), else the channel title."""
    items: list[dict[str, str]] = []
    by_name = _FEED_FILE.match(root_path.name)
    namespace = f"amzn:{by_name.group(1)}" if by_name else None
    for elem in iter_xml_elements(root_path, {"title", "item"}):
        if elem.tag == "title" and namespace is None:
            channel = _CHANNEL.search(text_of(elem))
            namespace = "amzn:" + (
                "1" if channel and channel.group(1) == "AMI" else channel.group(1) if channel else ""
            )
        elif elem.tag == "item":
            items.append({child.tag: text_of(child) for child in elem})
    if not namespace or namespace == "amzn:":
        raise ValueError("RSS channel title does not name an Amazon Linux release")
    return namespace, items


@register
class AmazonDriver(Driver):
    name = "amazon"
    namespaces = ("amzn:*",)
    default_urls = tuple(f"https://alas.aws.amazon.com/{r}/alas.rss" for r in ("AL2", "AL2022", "AL2023"))
    file_patterns = ("*.xml", "*_rss*", "ALAS-*", "mock_*")

    def fetch(self, workspace: Path, client: httpx.Client) -> list[Path]:
        """Each release's RSS feed, then every advisory page not downloaded yet (pages never change)."""
        target = workspace / "input"
        target.mkdir(parents=True, exist_ok=True)
        fetched: list[Path] = []
        for url in self.urls:
            release = next((r for r, prefix in LINK_PREFIX.items() if prefix and f"/{prefix}" in url), "1")
            feed = download(client, url, target / f"{release}_rss.xml")
            fetched.append(feed)
            pages = target / f"{release}_html"
            pages.mkdir(exist_ok=True)
            for item in _rss_items(feed)[1]:
                title = _TITLE.match(item.get("title", ""))
                if title and item.get("link") and not (pages / title.group(1)).exists():
                    fetched.append(download(client, item["link"], pages / title.group(1)))
        return fetched

    def parse_files(self, files: list[Path]) -> Iterator[Record]:
        pages: dict[tuple[str, str], Path] = {}
        feeds: list[Path] = []
        for path in files:
            head = path.read_bytes()[:512].lower()
            if b"<rss" in head:
                feeds.append(path)
            elif b"<updates" in head:
                yield from self.guard_file(path, self._updateinfo)
            elif b"<html" in head or b"<!doctype html" in head:
                pages[(path.parent.name, path.name)] = path
            else:
                self.stats.skip("bad-file", f"{path}: not an ALAS RSS feed, HTML page or updateinfo.xml")
        for path in feeds:
            yield from self.guard_file(path, lambda p: self._rss(p, pages))

    def _rss(self, path: Path, pages: dict[tuple[str, str], Path]) -> Iterator[Vulnerability]:
        namespace, items = _rss_items(path)
        for item in items:
            try:
                record = self._rss_record(namespace, item, pages)
            except DATA_ERRORS as exc:
                self.stats.skip("bad-record", f"{path}: {item.get('title')!r}: {exc}")
                continue
            if record is not None:
                yield record

    def _rss_record(
        self, namespace: str, item: dict[str, str], pages: dict[tuple[str, str], Path]
    ) -> Vulnerability | None:
        title = _TITLE.match(item["title"])
        if title is None:
            raise ValueError("title is not 'ALAS-YYYY-N (severity): package'")
        alas_id = title.group(1)
        # Pages live in "<release>_html/<id>" in a vunnel workspace; fall back to any directory.
        release_dir = f"{namespace.split(':')[1]}_html"
        page = pages.get((release_dir, alas_id)) or next(
            (p for (_, n), p in pages.items() if n == alas_id), None
        )
        if page is None:
            self.stats.skip("missing-advisory-page", f"{alas_id}: no HTML page with its package list")
            return None
        description, packages = parse_alas_page(read_text(page)[0])
        date = parsedate_to_datetime(item["pubDate"]).date().isoformat() if item.get("pubDate") else None
        cves = _CVE.findall(item.get("description", ""))
        return Vulnerability(
            id=alas_id,
            namespace=namespace,
            severity=Severity.parse(title.group(2)),
            description=html.unescape(description),
            link=item.get("link"),
            aliases=cves,
            published=date,
            affected=_affected(packages, date),
            metadata={"cve_links": dict.fromkeys(cves)},  # ALAS pages link CVEs to no canonical URL
        )

    def _updateinfo(self, path: Path) -> Iterator[Vulnerability]:
        for elem in iter_xml_elements(path, {"update"}):
            try:
                record = _update_record(elem)
            except DATA_ERRORS as exc:
                self.stats.skip("bad-record", f"{path}: update {text_of(find_child(elem, 'id'))}: {exc}")
                continue
            yield record


_UPDATE_ID = re.compile(r"^ALAS(\d*)-(\d{4}-\d+)$")


def _update_record(elem: Element) -> Vulnerability:
    raw_id = text_of(find_child(elem, "id"))
    match = _UPDATE_ID.match(raw_id)
    if match is None:
        raise ValueError(f"unexpected update id {raw_id!r}")
    release = match.group(1) or "1"
    alas_id = f"ALAS-{match.group(2)}"
    issued = find_child(elem, "issued")
    date = (issued.get("date") or "")[:10] if issued is not None else None
    cves = [r.get("id", "") for r in find_all(elem, "reference") if r.get("type") == "cve"]
    packages = [
        (p.get("name", ""), f"{p.get('version')}-{p.get('release')}", p.get("arch", ""))
        for p in find_all(elem, "package")
    ]
    if not packages or not all(name for name, _, _ in packages):
        raise ValueError("update lists no packages")
    epochs = {p.get("name"): p.get("epoch") for p in find_all(elem, "package")}
    affected = _affected(packages, date)
    for a in affected:
        epoch = epochs.get(a.name)
        if epoch and epoch != "0":
            a.fixed_versions = [f"{epoch}:{a.fixed_versions[0]}"]
    return Vulnerability(
        id=alas_id,
        namespace=f"amzn:{release}",
        severity=Severity.parse(text_of(find_child(elem, "severity"))),
        description=text_of(find_child(elem, "description")),
        link=f"https://alas.aws.amazon.com/{LINK_PREFIX.get(release, '')}{alas_id}.html",
        aliases=cves,
        published=date,
        affected=affected,
    )
