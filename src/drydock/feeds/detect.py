"""Which driver reads a given file or folder, from its first bytes.

``drydock feeds import /some/mirror`` should need no flags: a folder whose files all sniff as
one driver is imported by that driver (drivers that join several files, like Debian's lists,
see them together); a mixed folder is split into its children, each detected on its own.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import islice
from pathlib import Path

_HEAD_BYTES = 8192
_SAMPLE_FILES = 40
BUNDLE_SUFFIXES = (".tar.zst", ".tar.gz", ".tgz", ".tar")

Rule = tuple[str, Callable[[str, str], bool]]


def _has(*needles: str) -> Callable[[str, str], bool]:
    return lambda name, head: all(n in head for n in needles)


_OSV_ID = re.compile(
    r'(?m)^\s*"?id"?\s*:\s*"?(PYSEC|GO|RUSTSEC|OSV|ALSA|ALBA|ALEA|RLSA|RXSA|BIT|USN|UBUNTU|DSA|DLA|CGA|GHSA)-'
)

#: First matching rule wins; order puts the most specific signatures first.
RULES: tuple[Rule, ...] = (
    ("kev", _has('"catalogVersion"')),
    # npm registry package documents ("packuments"), one per file or in an _all_docs page.
    ("npm", _has('"dist-tags"', '"versions"')),
    # Debian's tracker JSON (package -> CVE -> releases) and vunnel's legacy debian dumps.
    ("debian", lambda name, head: '"releases"' in head and '"CVE-' in head and '"scope"' in head),
    ("debian", lambda name, head: name.startswith("vulnerabilities-debian")),
    ("epss", lambda name, head: head.startswith("#model_version") or head.lower().startswith("cve,epss")),
    ("anchore-feed", lambda name, head: '"identifier"' in head and '"schema"' in head and '"item"' in head),
    ("anchore-feed", lambda name, head: '"next_token"' in head or '"NamespaceName"' in head),
    ("anchore-feed", lambda name, head: name == "metadata.json" and '"groups"' in head),
    (
        "nvd",
        lambda name, head: '"resultsPerPage"' in head or ('"configurations"' in head and '"CVE-' in head),
    ),
    (
        "github",
        lambda name, head: bool(_OSV_ID.search(head)) and '"id": "GHSA-' in head and '"affected"' in head,
    ),
    ("osv", lambda name, head: bool(_OSV_ID.search(head)) and ("affected" in head or "modified" in head)),
    (
        "rhel",
        lambda name, head: (
            '"threat_severity"' in head or '"package_state"' in head or '"affected_release"' in head
        ),
    ),
    ("alpine", lambda name, head: "distroversion" in head and "packages" in head),
    ("suse-cvrf", _has("<cvrfdoc")),
    (
        "oracle",
        lambda name, head: "oval_definitions" in head and ("ELSA" in head or "oracle" in head.lower()),
    ),
    ("sles", lambda name, head: "oval_definitions" in head and "SUSE" in head),
    (
        "mariner",
        lambda name, head: "oval_definitions" in head and ("Mariner" in head or "Azure Linux" in head),
    ),
    ("amazon", lambda name, head: "<updates" in head or ("<rss" in head and "ALAS" in head)),
    ("ubuntu", lambda name, head: "Candidate:" in head and "PublicDate:" in head),
    (
        "debian",
        lambda name, head: (
            bool(re.search(r"(?m)^\[\d\d \w{3} \d{4}\] (DSA|DLA)-", head)) or head.startswith("CVE-")
        ),
    ),
)


def sniff_file(path: Path) -> str | None:
    """The driver for one file, or None when no signature matches."""
    try:
        with path.open("rb") as fh:
            head = fh.read(_HEAD_BYTES).decode("utf-8", errors="replace")
    except OSError:
        return None
    return next((driver for driver, rule in RULES if rule(path.name, head)), None)


def is_bundle(path: Path) -> bool:
    return path.is_file() and path.name.endswith(BUNDLE_SUFFIXES)


@dataclass(frozen=True, slots=True)
class Source:
    """One unit to import: a driver and the paths it reads together."""

    driver: str
    path: Path


def _visible_files(folder: Path) -> Iterator[Path]:
    for p in sorted(folder.rglob("*")):
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(folder).parts):
            yield p


def _files(folder: Path) -> list[Path]:
    """A sample spread over the folder's children, so that a mirror whose first sub-folder
    alone holds more than a sample's worth of files (``alpine/`` before ``nvd/``) is not
    handed whole to the first sub-folder's driver."""
    children = sorted(c for c in folder.iterdir() if not c.name.startswith("."))
    share = max(1, _SAMPLE_FILES // max(1, len(children)))
    out: list[Path] = []
    for child in children:
        if child.is_file():
            out.append(child)
        elif child.is_dir():
            out.extend(islice(_visible_files(child), share))
    return out


def detect(path: Path, *, warn: Callable[[str], None] = lambda m: None) -> list[Source]:
    """Sources under ``path``: the whole of it for one driver, or its children split up."""
    if is_bundle(path):
        return [Source("bundle", path)]
    if path.is_file():
        driver = sniff_file(path)
        if driver is None:
            warn(f"{path}: no feed driver recognises this file; skipped")
            return []
        return [Source(driver, path)]
    if not path.is_dir():
        warn(f"{path}: not found; skipped")
        return []
    votes = Counter(d for d in map(sniff_file, _files(path)) if d is not None)
    if len(votes) == 1:
        return [Source(next(iter(votes)), path)]
    children = sorted(c for c in path.iterdir() if not c.name.startswith("."))
    return [src for child in children for src in detect(child, warn=warn)]
