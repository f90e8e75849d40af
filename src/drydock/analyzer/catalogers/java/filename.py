"""Name and version guessed from a Java archive's file name (the last resort, as in syft).

``commons-text-1.8.jar`` → (commons-text, 1.8); ``guava-r06.jar`` → (guava, r06);
``pkg-maven_4.3.2.jar`` → (pkg-maven, 4.3.2). The pattern is syft's, rewritten for Python:
Go's ``(?U)`` (swap greedy and lazy) is spelled out as explicit lazy quantifiers.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from drydock.analyzer.model import PackageType

if TYPE_CHECKING:
    from drydock.analyzer.catalogers.java.manifest import JavaManifest

_VERSION = r"(?P<version>(?:\d.*?|build\d+?.*?|rc??\d+?))"
# a name is dash-joined words that start with a letter; the version starts at the first
# dash-separated group that starts with a digit, "build<N>" or "r<N>"/"rc<N>"
_NAME_AND_VERSION = re.compile(
    r"^(?P<name>(?:[a-z][\w.]*?(?:\.[a-z][\w.]*?)*?-??)+?)(?:-" + _VERSION + r")??$", re.IGNORECASE
)
# some jars use "_<version>" or ".<version>" instead
_SECONDARY_VERSION = re.compile(r"[._-](?P<version>\d.*|build\d+.*|rc?\d+)$", re.IGNORECASE)
_GROUP_PREFIXED = re.compile(r"^(?:[a-z][a-z0-9]*\.){2,}(?P<artifact>[a-z][\w-]*)$", re.IGNORECASE)

_JAVA_EXTENSIONS = frozenset({"jar", "war", "ear", "lpkg", "par", "sar", "nar", "kar", "rar"})
_JENKINS_EXTENSIONS = frozenset({"jpi", "hpi"})


@dataclass(frozen=True, slots=True)
class ArchiveFilename:
    raw: str
    name: str
    version: str

    @property
    def extension(self) -> str:
        return posixpath.splitext(self.raw)[1].lstrip(".")

    @property
    def package_type(self) -> PackageType:
        ext = self.extension.lower()
        if ext in _JAVA_EXTENSIONS:
            return PackageType.JAVA_ARCHIVE
        if ext in _JENKINS_EXTENSIONS:
            return PackageType.JENKINS_PLUGIN
        return PackageType.UNKNOWN

    def name_without_group(self, manifest: JavaManifest) -> str:
        """``com.atlassian.gadgets.atlassian-gadgets-api`` → ``atlassian-gadgets-api``; names
        whose dotted form is the module name itself (org.eclipse.*) are kept whole."""
        m = _GROUP_PREFIXED.match(self.name)
        if m is None or manifest.get("Automatic-Module-Name") == self.name:
            return self.name
        return m.group("artifact")


def parse_archive_filename(raw: str) -> ArchiveFilename:
    base = posixpath.basename(raw)
    stem = posixpath.splitext(base)[0]
    m = _NAME_AND_VERSION.match(stem)
    name = (m.group("name") or "") if m else ""
    version = (m.group("version") or "") if m else ""
    if not version and name:
        sm = _SECONDARY_VERSION.search(name)
        if sm:
            version = sm.group("version")
            name = name[: len(name) - len(version) - 1]
    return ArchiveFilename(raw=raw, name=name, version=version)
