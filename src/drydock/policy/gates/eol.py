"""End-of-life gates of earlier bundle generations: named so validation can say a rule uses a
retired gate (and which gate replaced it) instead of calling it unknown."""

from __future__ import annotations

EOL_GATES: dict[str, str | None] = {
    "anchoresec": "vulnerabilities",
    "dockerfilecheck": "dockerfile",
    "filecheck": "files",
    "fileparse_passwd": "passwd_file",
    "gemcheck": "ruby_gems",
    "npmcheck": "npms",
    "imagecheck": None,
    "licblacklist": "licenses",
    "metadatacheck": "metadata",
    "pkgblacklist": "packages",
    "pkgcheck": "packages",
    "pkgdiff": None,
    "secretcheck": "secret_scans",
    "suiddiff": "files",
}
