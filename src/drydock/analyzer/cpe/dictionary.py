"""Authoritative CPEs from the NVD CPE dictionary, indexed by ecosystem package name.

When NVD's dictionary links a CPE to a registry page (pypi.org/project/x, npmjs.com/package/y
...), that CPE is the one vulnerability records use, so it beats any guess. ``build_index``
turns an NVD dictionary XML into the index; ``lookup`` serves the index shipped in
``data/cpe/cpe-index.json``.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from dataclasses import replace
from importlib import resources
from typing import IO, Any

from drydock.analyzer.cpe.attributes import CPEError, format_cpe, parse_cpe, sort_by_specificity
from drydock.analyzer.cpe.candidates import text
from drydock.analyzer.model import Package

NVD_DICTIONARY_SOURCE = "nvd-cpe-dictionary"

ECOSYSTEM_BY_TYPE = {
    "npm": "npm",
    "gem": "rubygems",
    "python": "pypi",
    "jenkins-plugin": "jenkins_plugins",
    "rust-crate": "rust_crates",
    "php-composer": "php_composer",
    "php-pecl": "php_pecl",
    "go-module": "go_modules",
    "wordpress-plugin": "wordpress_plugins",
}


@functools.lru_cache(maxsize=1)
def _index() -> dict[str, dict[str, list[str]]]:
    raw = resources.files("drydock.analyzer").joinpath("data/cpe/cpe-index.json").read_text()
    return json.loads(raw)["ecosystems"]


def lookup(pkg: Package) -> list[str]:
    """Dictionary CPEs for the package, with its version filled in (empty when unknown)."""
    ecosystem = ECOSYSTEM_BY_TYPE.get(str(pkg.type))
    if ecosystem is None:
        return []
    key = pkg.name
    if ecosystem == "wordpress_plugins":
        key = text(pkg.metadata, "PluginInstallDirectory")
    found = []
    for cpe in _index().get(ecosystem, {}).get(key, []):
        try:
            found.append(replace(parse_cpe(cpe), Version=pkg.version))
        except CPEError:
            continue
    return [format_cpe(a) for a in sort_by_specificity(found)]


# --- index generation ----------------------------------------------------------------------

_NS_DICT = "{http://cpe.mitre.org/dictionary/2.0}"
_NS_23 = "{http://scap.nist.gov/schema/cpe-extension/2.3}"


def _after(prefixes: tuple[str, ...], ref: str) -> str:
    for prefix in prefixes:
        ref = ref.removeprefix(prefix)
    return ref


def _first_segment(prefixes: tuple[str, ...]) -> Callable[[str], str]:
    return lambda ref: _after(prefixes, ref).split("?")[0].split("/")[0]


def _npm(ref: str) -> str:
    return ref.split("/v/")[0].split("?")[0].removeprefix("https://www.npmjs.com/package/")


def _jenkins_github(ref: str) -> str:
    repo = ref.removeprefix("https://github.com/jenkinsci/").split("/")[0]
    return repo.removesuffix("-plugin") if repo.endswith("-plugin") else ""


def _php_extension(prefixes: tuple[str, ...]) -> Callable[[str], str]:
    def name(ref: str) -> str:
        ref = _after(prefixes, ref)
        if ref.startswith("package/"):  # package/HTML_QuickForm/download
            return ref.removeprefix("package/").split("/")[0]
        if "?package=" in ref:  # package-changelog.php?package=xhprof&release=0.9.4
            parts = ref.split("?package=")[1].split("&")
            return parts[0] if len(parts) >= 2 else ""
        return ref

    return name


def _composer(ref: str) -> str:
    parts = ref.removeprefix("https://packagist.org/packages/").split("/")
    return f"{parts[0]}/{parts[1]}" if len(parts) >= 2 else ""


def _go(ref: str) -> str:
    name = ref.split("?")[0].removeprefix("https://pkg.go.dev/")
    return "" if name.startswith("vuln/") else name


_WP_PLUGINS = ("https://wordpress.org/plugins/", "https://plugins.trac.wordpress.org/browser/",
               "https://plugins.trac.wordpress.org/log/", "https://github.com/wp-plugins/",
               "https://www.wordfence.com/threat-intel/vulnerabilities/wordpress-plugins/")
_WP_THEMES = ("https://wordpress.org/themes/", "https://themes.trac.wordpress.org/browser/",
              "https://themes.trac.wordpress.org/log/",
              "https://www.wordfence.com/threat-intel/vulnerabilities/wordpress-themes/")
_RUBYGEMS = ("https://rubygems.org/gems/", "http://rubygems.org/gems/")
_PEAR = ("https://pear.php.net/", "http://pear.php.net/")
_PECL = ("https://pecl.php.net/", "http://pecl.php.net/")

def _segment(prefix: str) -> Callable[[str], str]:
    return lambda ref: ref.removeprefix(prefix).split("/")[0]


# (reference URL prefixes, ecosystem, package-name extractor, whether an empty name is still
# indexed — syft does so for some ecosystems), in syft's precedence order.
_REFERENCE_RULES: tuple[tuple[tuple[str, ...], str, Callable[[str], str], bool], ...] = (
    (("https://www.npmjs.com/package/",), "npm", _npm, True),
    (_RUBYGEMS, "rubygems", lambda r: _after(_RUBYGEMS, r).split("/")[0], True),
    (("https://github.com/ruby/",), "rubygems", _segment("https://github.com/ruby/"), True),
    (("https://pypi.org/project/",), "pypi", _segment("https://pypi.org/project/"), True),
    (("https://github.com/jenkinsci/",), "jenkins_plugins", _jenkins_github, False),
    (("https://plugins.jenkins.io/",), "jenkins_plugins", _segment("https://plugins.jenkins.io/"), False),
    (("https://crates.io/crates/",), "rust_crates", _segment("https://crates.io/crates/"), True),
    (_PEAR, "php_pear", _php_extension(_PEAR), False),
    (_PECL, "php_pecl", _php_extension(_PECL), False),
    (("https://packagist.org/packages/",), "php_composer", _composer, False),
    (("https://pkg.go.dev/",), "go_modules", _go, False),
    (_WP_PLUGINS, "wordpress_plugins", _first_segment(_WP_PLUGINS), False),
    (_WP_THEMES, "wordpress_themes", _first_segment(_WP_THEMES), False),
)


def _classify(ref: str) -> tuple[str, str] | None:
    for prefixes, ecosystem, extract, allow_empty in _REFERENCE_RULES:
        if ref.startswith(prefixes):
            name = extract(ref)
            return (ecosystem, name) if name or allow_empty else None
    return None


def _versionless(cpe: str) -> str:
    return format_cpe(replace(parse_cpe(cpe), Version="", Update=""))


def build_index(xml: IO[bytes]) -> dict[str, Any]:
    """The ``{"ecosystems": {eco: {name: [cpe, ...]}}}`` index of an NVD dictionary XML.

    Only application CPEs with registry references are kept; versions are dropped and a
    deprecated CPE is replaced by its successor."""
    from defusedxml.ElementTree import iterparse  # only the dictionary build reads XML

    index: dict[str, dict[str, set[str]]] = {}
    depth = 0
    for event, elem in iterparse(xml, events=("start", "end")):
        depth += 1 if event == "start" else -1
        if depth == 0:
            break  # end of the root element: like Go's decoder, ignore anything after it
        if event != "end" or elem.tag != f"{_NS_DICT}cpe-item":
            continue
        refs = [r.get("href", "") for r in elem.iter(f"{_NS_DICT}reference")]
        uri = elem.get("name", "")
        item23 = elem.find(f"{_NS_23}cpe23-item")
        successor = elem.find(f"{_NS_23}cpe23-item/{_NS_23}deprecation/{_NS_23}deprecated-by")
        name = item23.get("name", "") if item23 is not None else ""
        if successor is not None and successor.get("name"):
            name = successor.get("name", "")
        elem.clear()  # keep memory flat on the full (~500 MB) dictionary
        if not refs or not name:
            continue
        try:
            if parse_cpe(uri).Part in ("h", "o"):
                continue
            cpe = _versionless(name)
        except CPEError:
            continue
        for ref in refs:
            hit = _classify(ref)
            if hit is not None:
                index.setdefault(hit[0], {}).setdefault(hit[1], set()).add(cpe)
    return {"ecosystems": {eco: {n: sorted(c) for n, c in pkgs.items()} for eco, pkgs in index.items()}}


def index_json(index: dict[str, Any]) -> str:
    """Serialised as syft's generator writes it (Go's MarshalIndent: sorted keys, two-space
    indent, HTML-sensitive characters escaped)."""
    text = json.dumps(index, indent=2, sort_keys=True, ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
