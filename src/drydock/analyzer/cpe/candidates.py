"""Vendor/product candidates for a package, as syft's cpegenerate guesses them.

Packaging metadata rarely names an NVD vendor, so candidates are derived from the name, its
separator variants and sub-selections (``jenkins-ci-tools`` → ``jenkins``, ``jenkins-ci``),
ecosystem metadata (Java group IDs, gem authors, RPM vendor, apk origin...), and curated
per-ecosystem additions/removals (``data/cpe/candidates.json``). Each candidate carries
flags saying which of the generic transforms may still be applied to it.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources
from typing import Any
from urllib.parse import urlsplit

from drydock.analyzer.model import Package

KNOWN_VENDORS = frozenset({"apache"})


@dataclass(frozen=True, slots=True)
class Candidate:
    value: str
    no_sub_selections: bool = False
    no_delimiter_variations: bool = False


class CandidateSet:
    """An insertion-ordered set of candidates (order only makes output deterministic)."""

    def __init__(self, values: Iterable[str] = ()) -> None:
        self._items: dict[Candidate, None] = {}
        self.add_values(*values)

    def add(self, *candidates: Candidate) -> None:
        for c in candidates:
            self._items.setdefault(c, None)

    def add_values(self, *values: str, no_sub: bool = False, no_delim: bool = False) -> None:
        self.add(*(Candidate(v, no_sub, no_delim) for v in values))

    def union(self, other: CandidateSet | None) -> None:
        if other is not None:
            self.add(*other._items)

    def remove_values(self, *values: str) -> None:
        drop = set(values)
        self._items = {c: None for c in self._items if c.value not in drop}

    def clear(self) -> None:
        self._items.clear()

    def candidates(self) -> list[Candidate]:
        return list(self._items)

    def values(self) -> list[str]:
        return list(dict.fromkeys(c.value for c in self._items))

    def __len__(self) -> int:
        return len(self._items)


# --- curated tables -------------------------------------------------------------------------


@functools.lru_cache(maxsize=1)
def _tables() -> dict[str, Any]:
    text = resources.files("drydock.analyzer").joinpath("data/cpe/candidates.json").read_text()
    return json.loads(text)


def _entries(kind: str, pkg_type: str) -> dict[str, dict[str, list[str]]]:
    return _tables()[kind].get(pkg_type, {})


def additional_vendors(pkg_type: str, name: str, vendor: str) -> list[str]:
    """Keys are ``name``, ``name|vendor`` or ``|vendor`` (any name with that vendor)."""
    table = _entries("additions", pkg_type)
    out: list[str] = []
    for key in (f"{name}|{vendor}", name, f"|{vendor}"):
        out += table.get(key, {}).get("vendors", [])
    return out


def additional_products(pkg_type: str, name: str) -> list[str]:
    return _entries("additions", pkg_type).get(name, {}).get("products", [])


def vendors_to_remove(pkg_type: str, name: str) -> list[str]:
    return _entries("removals", pkg_type).get(name, {}).get("vendors", [])


def products_to_remove(pkg_type: str, name: str) -> list[str]:
    return _entries("removals", pkg_type).get(name, {}).get("products", [])


# --- string helpers --------------------------------------------------------------------------


def normalize_person_name(name: str) -> str:
    name = name.strip().lower()
    for sep in ("-", " ", "."):
        name = name.replace(sep, "_")
    return name.removeprefix("the_")


def normalize_name(name: str) -> str:
    return name.split(",")[0].strip().lower().replace(" ", "")


def strip_email_suffix(email: str) -> str:
    return email.split("@")[0]


def sub_selections(field: str) -> list[str]:
    """``jenkins-ci-tools`` → ``[jenkins, jenkins-ci, jenkins-ci-tools]`` (separators kept)."""
    results: list[str] = []
    last_sep = ""
    for raw in re.findall(r"[^-_]*[-_]|[^-_]+$", field):
        candidate = raw.strip("-_")
        if candidate:
            results.append(results[-1] + last_sep + candidate if results else candidate)
        last_sep = raw[-1]
    return results


def add_delimiter_variations(cands: CandidateSet) -> None:
    for c in cands.candidates():
        if c.no_delimiter_variations:
            continue
        if "-" in c.value:
            cands.add(Candidate(c.value.replace("-", "_"), c.no_sub_selections, c.no_delimiter_variations))
        if "_" in c.value:
            cands.add(Candidate(c.value.replace("_", "-"), c.no_sub_selections, c.no_delimiter_variations))


def add_sub_selections(cands: CandidateSet) -> None:
    for c in cands.candidates():
        if not c.no_sub_selections:
            cands.add_values(*sub_selections(c.value))


def add_digit_variations(values: Iterable[str]) -> list[str]:
    """Binary classifier names often carry a major version (``Qt5``); NVD names do not."""
    out = list(values)
    for v in list(out):
        stripped = v.rstrip("0123456789")
        if stripped and stripped != v and stripped not in out:
            out.append(stripped)
    return out


_URL_PREFIX_VENDORS = {
    "https://www.gnu.org/": "gnu",
    "https://developer.gnome.org/": "gnome",
    "https://www.ruby-lang.org/": "ruby-lang",
    "https://llvm.org/": "llvm",
    "https://www.isc.org/": "isc",
    "https://musl.libc.org/": "musl-libc",
    "https://www.mozilla.org/": "mozilla",
    "https://www.x.org/": "x.org",
    "https://w1.fi/": "w1.fi",
}
_FORGE_VENDOR_RE = re.compile(r"^(?:https|http|git)://(?:github|gitlab)\.com/(?P<vendor>[\w\-]*?)/.*$")


def vendors_from_url(url: str) -> CandidateSet:
    out = CandidateSet()
    for prefix, vendor in _URL_PREFIX_VENDORS.items():
        if url.startswith(prefix):
            out.add_values(vendor, no_sub=True, no_delim=True)
            return out
    match = _FORGE_VENDOR_RE.match(url)
    if match:
        out.add_values(match.group("vendor"), no_sub=True, no_delim=True)
    return out


# --- per-ecosystem ---------------------------------------------------------------------------


def mapping(container: Any, key: str) -> dict[str, Any]:
    """``container[key]`` if both are dicts, else {}: metadata comes from every cataloger and
    from untrusted files, so a field of the wrong shape is treated as absent."""
    value = container.get(key) if isinstance(container, dict) else None
    return value if isinstance(value, dict) else {}


def text(container: Any, key: str) -> str:
    value = container.get(key) if isinstance(container, dict) else None
    return value if isinstance(value, str) else ""


def strings(container: Any, key: str) -> list[str]:
    value = container.get(key) if isinstance(container, dict) else None
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def python_project_vendors(v: str) -> list[str]:
    return [] if v.endswith("project") else [f"{v}project", f"{v}_project"]


def vendors_for_python(pkg: Package) -> CandidateSet:
    m, out = pkg.metadata, CandidateSet()
    if text(m, "Author"):
        name = normalize_person_name(text(m, "Author"))
        out.add_values(name, *python_project_vendors(name), no_sub=True, no_delim=True)
    if text(m, "AuthorEmail"):
        name = normalize_person_name(strip_email_suffix(text(m, "AuthorEmail")))
        out.add_values(name, no_sub=True)
        out.add_values(*python_project_vendors(name), no_sub=True, no_delim=True)
    return out


def vendors_for_ruby(pkg: Package) -> CandidateSet:
    m, out = pkg.metadata, CandidateSet()
    for author in strings(m, "Authors"):
        out.add_values(normalize_person_name(strip_email_suffix(author)), no_sub=True)
    if text(m, "Homepage"):
        out.union(vendors_from_url(text(m, "Homepage")))
    return out


def vendors_for_javascript(pkg: Package) -> CandidateSet:
    out = CandidateSet()
    for key in ("URL", "Homepage"):
        if text(pkg.metadata, key):
            out.union(vendors_from_url(text(pkg.metadata, key)))
    return out


def vendors_for_rpm(pkg: Package) -> CandidateSet:
    out = CandidateSet()
    vendor = text(pkg.metadata, "Vendor")
    if vendor:
        out.add_values(normalize_name(vendor), no_sub=True)
    return out


_APK_STREAM_RE = re.compile(r"^(?P<stream>[a-zA-Z][\w-]*?)(?P<streamVersion>-?\d[\d.]*?)($|-(?P<sub>[a-zA-Z][\w-]*?)?)$")
_APK_PREFIX_TYPES = {"py-": "python", "ruby-": "gem"}


def _apk_upstream(pkg: Package) -> tuple[str, str] | None:
    """(upstream name, ecosystem) of an apk, e.g. ``py3-foo`` → (foo, python); versioned
    streams (``openssl1.1-compat``) lose the stream version."""
    name = text(pkg.metadata, "Package") or pkg.name
    match = _APK_STREAM_RE.match(name)
    if match and match.group("stream"):
        name = f"{match.group('stream')}-{match.group('sub')}" if match.group("sub") else match.group("stream")
    for prefix, ecosystem in _APK_PREFIX_TYPES.items():
        if name.startswith(prefix) and name[len(prefix) :]:
            return name[len(prefix) :], ecosystem
    return (name, "apk") if name else None


def vendors_for_apk(pkg: Package) -> CandidateSet:
    out = CandidateSet()
    upstream = _apk_upstream(pkg)
    if upstream:
        name, ecosystem = upstream
        out.add_values(name, *additional_vendors(ecosystem, name, name))
        out.remove_values(*vendors_to_remove(ecosystem, name))
        if ecosystem == "python":
            for v in python_project_vendors(name):
                out.add_values(v, *additional_vendors("python", v, v))
                out.remove_values(*vendors_to_remove("python", v))
    out.union(vendors_from_url(text(pkg.metadata, "URL")))
    return out


def products_for_apk(pkg: Package) -> CandidateSet:
    out = CandidateSet()
    upstream = _apk_upstream(pkg)
    if upstream:
        name, ecosystem = upstream
        out.add_values(name, *additional_products(ecosystem, name))
        out.remove_values(*products_to_remove(ecosystem, name))
    return out


def normalize_dotnet(name: str) -> str:
    name = name.strip().lower().removesuffix(".dll")
    for sep in ("-", " ", "."):
        name = name.replace(sep, "_")
    return name


def _dotnet_names(pkg: Package, field: str) -> list[str]:
    m = pkg.metadata
    if pkg.metadata_type == "DotnetPortableExecutableEntry":
        return [text(m, field)]
    names = [text(m, "Name")]
    if pkg.metadata_type == "DotnetDepsEntry":
        names += [text(pe, field) for pe in mapping(m, "Executables").values()]
    return names


def products_for_dotnet(pkg: Package) -> CandidateSet:
    out = CandidateSet()
    names = [n for n in _dotnet_names(pkg, "ProductName") if n]
    for suffix in ("", "_.net"):
        for name in names:
            if suffix and name.endswith(suffix):
                continue
            out.add_values(normalize_dotnet(name) + suffix, no_sub=True, no_delim=True)
    return out


def vendors_for_dotnet(pkg: Package) -> CandidateSet:
    out = CandidateSet()
    out.add_values(*(normalize_dotnet(n) for n in _dotnet_names(pkg, "CompanyName") if n), no_sub=True, no_delim=True)
    return out


_WP_VENDOR_URL_RE = re.compile(r"^https?://(www.)?(?P<vendor>.+)\.\w/?")


def _wp_name(name: str) -> str:
    return name.strip().lower().replace(" ", "_")


def vendors_for_wordpress(pkg: Package) -> CandidateSet:
    m, out = pkg.metadata, CandidateSet()
    if text(m, "Author"):
        out.add_values(text(m, "Author").lower())
    match = _WP_VENDOR_URL_RE.match(text(m, "AuthorURI"))
    if match and match.group("vendor"):
        out.add_values(match.group("vendor").lower())
    if not len(out):
        out.add_values(f"{_wp_name(pkg.name)}_project")
    return out


def products_for_wordpress(pkg: Package) -> CandidateSet:
    return CandidateSet([_wp_name(pkg.name), _wp_name(text(pkg.metadata, "PluginInstallDirectory"))])


def _go_parts(name: str) -> tuple[str, list[str]] | None:
    try:
        url = urlsplit("http://" + name)
        host = url.hostname or ""
    except ValueError:
        return None
    return host, url.path.strip("/").split("/")


def product_for_go(name: str) -> str:
    parts = _go_parts(name)
    if parts is None:
        return ""
    host, path = parts
    if host in ("golang.org", "gopkg.in"):
        return "/".join(path)
    if host == "google.golang.org":
        return path[0]
    return "/".join(path[1:]) if len(path) >= 2 else ""


def vendor_for_go(name: str) -> str:
    parts = _go_parts(name)
    if parts is None:
        return ""
    host, path = parts
    special = {"google.golang.org": "google", "golang.org": "golang", "gopkg.in": ""}
    if host in special:
        return special[host]
    return path[0] if len(path) >= 2 else ""
