"""Which Linux release an image is, from the files distributions leave behind.

The answer drives PURL namespaces/``distro`` qualifiers and vulnerability matching, so it
follows syft's precedence exactly: the first of os-release (two places), system-release-cpe,
redhat-release and the busybox binary that yields something wins; busybox is last because
most distros ship it too. Debian's ``/etc/debian_version`` then refines the point release,
which os-release leaves out.

Parsing is pure (``parse_*`` take text); ``identify_release`` is the only function that reads.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, fields

from drydock.analyzer.filetree import FileResolver, FileTooLarge
from drydock.analyzer.model import Distro

# busybox is a ~1 MB binary; anything much larger is not the busybox we are looking for.
MAX_RELEASE_FILE_BYTES = 8 * 1024 * 1024

DEBIAN_VERSION_PATH = "/etc/debian_version"


@dataclass(slots=True)
class Release:
    """syft's ``linux.Release``: every os-release field it keeps (empty string = absent)."""

    PrettyName: str = ""
    Name: str = ""
    ID: str = ""
    IDLike: tuple[str, ...] = ()
    Version: str = ""
    VersionID: str = ""
    VersionCodename: str = ""
    BuildID: str = ""
    ImageID: str = ""
    ImageVersion: str = ""
    Variant: str = ""
    VariantID: str = ""
    HomeURL: str = ""
    SupportURL: str = ""
    BugReportURL: str = ""
    PrivacyPolicyURL: str = ""
    CPEName: str = ""
    SupportEnd: str = ""

    def is_empty(self) -> bool:
        return all(not getattr(self, f.name) for f in fields(self))

    def to_distro(self) -> Distro:
        return Distro(
            id=self.ID,
            version_id=self.VersionID or None,
            id_like=self.IDLike,
            name=self.Name or None,
            pretty_name=self.PrettyName or None,
            version_codename=self.VersionCodename or None,
            cpe_name=self.CPEName or None,
        )


_OS_RELEASE_KEYS = {
    "PRETTY_NAME": "PrettyName",
    "NAME": "Name",
    "ID": "ID",
    "VERSION": "Version",
    "VERSION_ID": "VersionID",
    "VERSION_CODENAME": "VersionCodename",
    "BUILD_ID": "BuildID",
    "IMAGE_ID": "ImageID",
    "IMAGE_VERSION": "ImageVersion",
    "VARIANT": "Variant",
    "VARIANT_ID": "VariantID",
    "HOME_URL": "HomeURL",
    "SUPPORT_URL": "SupportURL",
    "BUG_REPORT_URL": "BugReportURL",
    "PRIVACY_POLICY_URL": "PrivacyPolicyURL",
    "CPE_NAME": "CPEName",
    "SUPPORT_END": "SupportEnd",
}

_UNESCAPES = (('\\"', '"'), ("\\$", "$"), ("\\\\", "\\"), ("\\`", "`"))


def _os_release_value(raw: str) -> str:
    """Shell-ish value unquoting as the os-release(5) reader syft uses does it."""
    value = raw.strip(" ")
    if '"' in value and len(value) >= 1 and value[0] == value[-1] and value[0] in "\"'":
        value = value.removeprefix("'").removeprefix('"').removesuffix("'").removesuffix('"')
    for escaped, plain in _UNESCAPES:
        value = value.replace(escaped, plain)
    return value


def parse_os_release_values(text: str) -> dict[str, str]:
    values: dict[str, str] = {}
    for line in text.split("\n"):
        line = line.removesuffix("\r")
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, raw = line.split("=", 1)
        values[key.strip(" ")] = _os_release_value(raw)
    return values


def parse_os_release(text: str) -> Release | None:
    values = parse_os_release_values(text)
    release = Release(IDLike=tuple(s for s in values.get("ID_LIKE", "").split(" ") if s.strip()))
    for key, attr in _OS_RELEASE_KEYS.items():
        setattr(release, attr, values.get(key, ""))
    return None if release.is_empty() else release


def _simple_release(pretty_name: str, name: str, version: str, cpe: str = "") -> Release:
    return Release(
        PrettyName=pretty_name,
        Name=name,
        ID=name,
        IDLike=(name,),
        Version=version,
        VersionID=version,
        CPEName=cpe,
    )


_BUSYBOX_RE = re.compile(rb"BusyBox v[\d.]+")


def parse_busybox(data: bytes) -> Release | None:
    match = _BUSYBOX_RE.search(data)
    if match is None:
        return None
    banner = match.group(0).decode("ascii")
    return _simple_release(banner, "busybox", banner.split(" ")[1].replace("v", ""))


# example: cpe:/o:centos:linux:6:GA
_SYSTEM_RELEASE_CPE_RE = re.compile(r"cpe:/o:(.*?):.*?:(.*?):.*?$", re.MULTILINE)


def parse_system_release_cpe(text: str) -> Release | None:
    match = _SYSTEM_RELEASE_CPE_RE.search(text)
    if match is None:
        return None
    vendor = match.group(1)
    return _simple_release(vendor, vendor.lower(), match.group(2), match.group(0))


# example: "CentOS release 6.10 (Final)"
_REDHAT_RELEASE_RE = re.compile(r"(?P<name>.*?)\srelease\s(?P<version>(?P<versionid>\d\.\d+).*)")

# redhat-release names of RHEL rebuilds, mapped to their os-release IDs.
_REDHAT_RELEASE_IDS = (
    ("red hat enterprise linux", "rhel"),
    ("centos", "centos"),
    ("almalinux", "almalinux"),
    ("rocky linux", "rocky"),
    ("scientific linux", "scientific"),
    ("oracle linux", "ol"),
)


def parse_redhat_release(text: str) -> Release | None:
    text = text.strip()
    match = _REDHAT_RELEASE_RE.search(text)
    if match is None:
        return None
    name, version, version_id = match.group("name"), match.group("version"), match.group("versionid")
    lowered = name.lower()
    known = next((rid for prefix, rid in _REDHAT_RELEASE_IDS if lowered.startswith(prefix)), None)
    rid = known or lowered
    if rid == "centos":
        version = version_id  # the parenthetical "(Final)" is not part of CentOS's version
    # rebuilds of RHEL are "like" rhel; an unknown name is only like itself
    id_like = (rid, "rhel") if known and known != "rhel" else (rid,)
    return Release(
        PrettyName=text, Name=name, ID=rid, IDLike=id_like, Version=version, VersionID=version_id
    )


def _text(parser: Callable[[str], Release | None]) -> Callable[[bytes], Release | None]:
    return lambda data: parser(data.decode("utf-8", errors="replace"))


# syft's order; busybox must stay last since other distros contain the busybox binary.
IDENTITY_FILES: tuple[tuple[str, Callable[[bytes], Release | None]], ...] = (
    ("/etc/os-release", _text(parse_os_release)),
    ("/usr/lib/os-release", _text(parse_os_release)),
    ("/etc/system-release-cpe", _text(parse_system_release_cpe)),
    ("/etc/redhat-release", _text(parse_redhat_release)),
    ("/bin/busybox", parse_busybox),
)

# What the squash must capture for distro detection.
DISTRO_PATTERNS: tuple[str, ...] = (*(path for path, _ in IDENTITY_FILES), DEBIAN_VERSION_PATH)

_DEBIAN_POINT_RELEASE_RE = re.compile(r"^\d+(?:\.\d+)?$")


def _read(resolver: FileResolver, path: str) -> bytes | None:
    try:
        entry = resolver.resolve(path)
        if entry is None or entry.size > MAX_RELEASE_FILE_BYTES:
            return None
        return resolver.read_bytes(path)
    except (FileNotFoundError, FileTooLarge, OSError):
        return None


def supplement_debian_version(release: Release, debian_version: str) -> None:
    """debian_version carries the point release (13.5) that os-release rounds off (13)."""
    if release.ID.lower() != "debian":
        return
    version = debian_version.strip()
    if _DEBIAN_POINT_RELEASE_RE.match(version):
        release.VersionID = version
        if not release.Version:
            release.Version = version


def identify_release(resolver: FileResolver) -> Release | None:
    for path, parse in IDENTITY_FILES:
        data = _read(resolver, path)
        if data is None:
            continue
        release = parse(data)
        if release is not None:
            debian_version = _read(resolver, DEBIAN_VERSION_PATH)
            if debian_version is not None:
                supplement_debian_version(release, debian_version.decode("utf-8", errors="replace"))
            return release
    return None


def detect_distro(resolver: FileResolver) -> Distro | None:
    release = identify_release(resolver)
    return release.to_distro() if release is not None else None
