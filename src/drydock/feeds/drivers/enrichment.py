"""Enrichment feeds: CISA Known Exploited Vulnerabilities and FIRST EPSS scores.

These do not say what is vulnerable, only how urgent a CVE is, so they produce
:class:`KevEntry` / :class:`EpssScore` rather than vulnerabilities.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from drydock.feeds.drivers.base import Driver, register
from drydock.feeds.drivers.io import load_json, read_text
from drydock.feeds.records import EpssScore, KevEntry, Record

_CVE = re.compile(r"^CVE-\d{4}-\d{4,}$")


def kev_entry(item: dict[str, Any]) -> list[KevEntry]:
    if not _CVE.match(str(item.get("cveID", ""))):
        raise ValueError(f"bad cveID {item.get('cveID')!r}")
    return [
        KevEntry(
            cve_id=item["cveID"],
            vendor_project=item["vendorProject"],
            product=item["product"],
            vulnerability_name=item["vulnerabilityName"],
            date_added=item["dateAdded"],
            short_description=item["shortDescription"],
            required_action=item["requiredAction"],
            due_date=item["dueDate"],
            known_ransomware_campaign_use=item.get("knownRansomwareCampaignUse"),
            notes=item.get("notes"),
            cwes=tuple(item.get("cwes") or ()),
        )
    ]


@register
class KevDriver(Driver):
    name = "kev"
    namespaces = ("kev",)
    default_urls = ("https://www.cisa.gov/sites/default/files/feeds/known_exploited_vulnerabilities.json",)

    def parse_file(self, path: Path) -> Iterator[Record]:
        doc = load_json(path)
        # A catalog, or (vunnel single-entry fixtures) one bare entry.
        items = doc.get("vulnerabilities") if isinstance(doc, dict) and "vulnerabilities" in doc else [doc]
        if not isinstance(items, list):
            raise TypeError("KEV catalog 'vulnerabilities' is not a list")
        yield from self.convert_each(items, kev_entry, str(path))


def _header_fields(line: str) -> dict[str, str]:
    """``#model_version:v2023.03.01,score_date:2025-02-20T00:00:00+0000`` -> dict."""
    return dict(part.split(":", 1) for part in line.lstrip("#").strip().split(",") if ":" in part)


@register
class EpssDriver(Driver):
    name = "epss"
    namespaces = ("epss",)
    default_urls = ("https://epss.cyentia.com/epss_scores-current.csv.gz",)
    file_patterns = ("*.csv", "*.csv.gz")

    def parse_file(self, path: Path) -> Iterator[Record]:
        text, _ = read_text(path)
        lines = io.StringIO(text)
        header = _header_fields(lines.readline())
        date = header.get("score_date", "")[:10]
        if not re.match(r"^\d{4}-\d{2}-\d{2}$", date):
            raise ValueError("EPSS file has no score_date in its '#model_version' comment")
        reader = csv.DictReader(lines)
        if reader.fieldnames is None or not {"cve", "epss", "percentile"} <= set(reader.fieldnames):
            raise ValueError(f"EPSS columns {reader.fieldnames} lack cve/epss/percentile")
        model = header.get("model_version")
        yield from self.convert_each(reader, lambda row: [_epss_row(row, date, model)], str(path))


def _epss_row(row: dict[str, str], date: str, model: str | None) -> EpssScore:
    if not _CVE.match(row["cve"] or ""):
        raise ValueError(f"bad CVE id {row['cve']!r}")
    epss, percentile = float(row["epss"]), float(row["percentile"])
    if not (0.0 <= epss <= 1.0 and 0.0 <= percentile <= 1.0):
        raise ValueError(f"{row['cve']}: probability out of range")
    return EpssScore(cve=row["cve"], epss=epss, percentile=percentile, date=date, model_version=model)
