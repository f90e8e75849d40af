"""binary-classifier-cataloger: runtimes installed without package metadata (python, node,
openjdk, redis, nginx ... built from source or copied in), recognised by file name and a
version string inside the file.

This is a resolver ``Cataloger`` rather than a per-file scanner because syft's classifiers are
not per-file: the go toolchain's version may sit in a sibling ``VERSION`` file, Firefox's in
``application.ini``, python's and ruby's in the shared library the launcher links, and matches
of one product in several files are merged into one package. Only files whose *name* matches a
classifier glob are read, so the cost on large images stays bounded.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

from packageurl import PackageURL

from drydock.analyzer.catalogers.base import CatalogContext, register_cataloger
from drydock.analyzer.catalogers.binary.classifiers import Classifier, Identity, default_classifiers
from drydock.analyzer.catalogers.binary.matchers import Hit, MatchContext
from drydock.analyzer.filetree import FileResolver, FileTooLarge, glob_to_regex
from drydock.analyzer.model import CatalogResult, FileEntry, FileType, Location, Package, PackageType

CATALOGER_NAME = "binary-classifier-cataloger"

# files read only as supporting evidence (see classifiers: supporting / shared_library)
_SUPPORTING_GLOBS = (
    "**/VERSION*",
    "**/application.ini",
    "**/libpython*.so*",
    "**/libruby.so*",
    "**/libjli.so",
    "**/libjulia.so*",
)


class ResolverLookup:
    """``FileLookup`` over a FileResolver: globbing resolves symlinks to real regular files."""

    def __init__(self, resolver: FileResolver) -> None:
        self._resolver = resolver

    def glob(self, pattern: str) -> list[str]:
        found = (real_file(self._resolver, e) for e in self._resolver.glob(pattern))
        return sorted({e.path for e in found if e is not None})

    def read(self, path: str) -> bytes | None:
        try:
            return self._resolver.read_bytes(path)
        except (FileNotFoundError, FileTooLarge, OSError):
            return None


def real_file(resolver: FileResolver, entry: FileEntry) -> FileEntry | None:
    """The regular file an entry stands for (symlinks followed), or None."""
    real = resolver.resolve(entry.path) if entry.type is FileType.SYMLINK else entry
    return real if real is not None and real.type is FileType.REGULAR else None


def cpe_strings(identity: Identity, groups: dict[str, str]) -> list[str]:
    """CPEs with the found version filled in; openjdk 8 style ``1.8.0_352`` goes into the CPE
    as version ``1.8.0`` with update ``update352`` (syft's template for that classifier)."""
    version, update = groups["version"], "*"
    if groups.get("primary") and groups.get("update"):
        version, update = groups["primary"], "update" + groups["update"]
    return [
        f"cpe:2.3:a:{vp}:{_cpe_escape(version)}:{_cpe_escape(update)}:*:*:*:*:*:*" for vp in identity.cpes
    ]


def _cpe_escape(value: str) -> str:
    if value == "*":
        return value
    return "".join(c if c.isalnum() or c in "._-" else "\\" + c for c in value)


def purl_string(identity: Identity, version: str) -> str:
    base = PackageURL.from_string(identity.purl + "@0")
    return base._replace(version=version).to_string()


def _package(identity: Identity, hit: Hit, real: str, access: str, layer: str | None) -> Package:
    version = hit.groups["version"]
    locations = [Location(real, layer, "primary")]
    locations += [Location(path, None, role) for path, role in hit.evidence]
    return Package(
        name=identity.package,
        version=version,
        type=PackageType.BINARY,
        found_by=CATALOGER_NAME,
        locations=locations,
        purl=purl_string(identity, version),
        cpes=cpe_strings(identity, hit.groups),
        metadata_type="BinarySignature",
        metadata={"Matches": [{"classifier": identity.cls, "realPath": real, "virtualPath": access}]},
    )


@dataclass(slots=True)
class _Merger:
    """Same product found by several classifiers or in several files → one package carrying
    every location and every classifier match, in discovery order (syft's mergePackages)."""

    packages: list[Package] = field(default_factory=list)
    _by_key: dict[tuple[str, str, str | None], Package] = field(default_factory=dict)

    def add(self, pkg: Package) -> None:
        key = (pkg.name, pkg.version, pkg.purl)
        existing = self._by_key.get(key)
        if existing is None:
            self._by_key[key] = pkg
            self.packages.append(pkg)
            return
        known = {loc.path for loc in existing.locations}
        existing.locations.extend(loc for loc in pkg.locations if loc.path not in known)
        existing.metadata["Matches"].extend(pkg.metadata["Matches"])
        existing.cpes.extend(c for c in pkg.cpes if c not in existing.cpes)


@functools.cache
def _prefilter() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """Two regexes that together accept every path some classifier glob accepts: one over
    "/<basename>" for the ``**/name`` globs (nearly all), one over the full path for the rest.
    A whole image tree is filtered in one cheap pass; only survivors meet each classifier."""
    globs = list(dict.fromkeys(g for c in default_classifiers() for g in c.globs))
    by_name = [g[3:] for g in globs if g.startswith("**/") and "/" not in g[3:]]
    by_path = [g for g in globs if not (g.startswith("**/") and "/" not in g[3:])]
    return _union([glob_to_regex("/" + n) for n in by_name]), _union([glob_to_regex(g) for g in by_path])


def _union(patterns: list[re.Pattern[str]]) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p.pattern})" for p in patterns) or r"(?!)")


def _maybe_classified(path: str) -> bool:
    name_rx, path_rx = _prefilter()
    return bool(name_rx.match(path[path.rfind("/") :]) or path_rx.match(path))


def _candidates(
    resolver: FileResolver, classifiers: tuple[Classifier, ...]
) -> list[list[tuple[str, FileEntry]]]:
    """Per classifier, the (access path, real entry) pairs its globs select, one per real file."""
    pool = sorted((e for e in resolver.entries() if _maybe_classified(e.path)), key=lambda e: e.path)
    out: list[list[tuple[str, FileEntry]]] = []
    for cls in classifiers:
        rxs = [glob_to_regex(g) for g in cls.globs]
        seen: set[str] = set()
        picked: list[tuple[str, FileEntry]] = []
        for entry in pool:
            if not any(rx.match(entry.path) for rx in rxs):
                continue
            real = real_file(resolver, entry)
            if real is not None and real.path not in seen:
                seen.add(real.path)
                picked.append((entry.path, real))
        out.append(picked)
    return out


@register_cataloger
class BinaryClassifierCataloger:
    name = CATALOGER_NAME
    patterns = tuple(dict.fromkeys(g for c in default_classifiers() for g in c.globs)) + _SUPPORTING_GLOBS

    def catalog(self, resolver: FileResolver, context: CatalogContext) -> CatalogResult:
        classifiers = default_classifiers()
        lookup = ResolverLookup(resolver)
        per_classifier = _candidates(resolver, classifiers)
        # read each file once, however many classifiers look at it, then report in classifier
        # order (which fixes package and match order, as in syft)
        hits: dict[tuple[int, str], list[Hit]] = {}
        by_path: dict[str, list[int]] = {}
        for idx, picked in enumerate(per_classifier):
            for _, real in picked:
                by_path.setdefault(real.path, []).append(idx)
        result = CatalogResult()
        for path, indexes in by_path.items():
            data = lookup.read(path)
            if data is None:
                result.warnings.append(f"{CATALOGER_NAME}: cannot read {path}")
                continue
            ctx = MatchContext(path=path, data=data, lookup=lookup)
            for idx in indexes:
                found = classifiers[idx].identity.matcher(ctx)
                if found:
                    hits[(idx, path)] = found
        merger = _Merger()
        for idx, picked in enumerate(per_classifier):
            for access, real in picked:
                for hit in hits.get((idx, real.path), []):
                    identity = hit.identity or classifiers[idx].identity
                    merger.add(_package(identity, hit, real.path, access, real.layer))
        result.packages.extend(merger.packages)
        return result
