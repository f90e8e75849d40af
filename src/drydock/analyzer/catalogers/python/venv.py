"""Virtual environments (``pyvenv.cfg``) and which site-packages directories see each other.

An installed distribution can only import what its interpreter's ``sys.path`` holds: a venv's
own site-packages, plus the matching system site-packages when the venv was created with
``include-system-site-packages = true``. Dependency edges between installed distributions are
therefore resolved per group of directories, as syft's python-installed-package-cataloger does,
so a venv package never "depends on" a same-named distribution of another environment.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass

PYVENV_PATTERN = "**/pyvenv.cfg"
_SITE_DIRS = ("site-packages", "dist-packages")


@dataclass(frozen=True, slots=True)
class VirtualEnv:
    """One ``pyvenv.cfg``: where it is, the interpreter version, whether system packages show."""

    path: str
    version: str = ""
    include_system_site_packages: bool = False

    def major_minor(self) -> str:
        parts = self.version.split(".")
        return ".".join(parts[:2]) if len(parts) >= 2 else ""


def parse_pyvenv_cfg(text: str, path: str) -> VirtualEnv:
    """``key = value`` lines; comments, blank and malformed lines are skipped, the last entry wins.

    ``version`` is what ``python -m venv`` writes; virtualenv and uv write ``version_info``
    instead (``3.12.1.final.0``), so that is the fallback. Keys are matched exactly (a key with
    a space in it is another key), values are trimmed and compared case-insensitively.
    """
    fields: dict[str, str] = {}
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        key, sep, value = line.partition("=")
        if sep:
            fields[key.strip()] = value.strip()
    return VirtualEnv(
        path=path,
        version=fields.get("version") or fields.get("version_info", ""),
        include_system_site_packages=fields.get("include-system-site-packages", "").lower() == "true",
    )


def site_packages_dir(path: str) -> str:
    """The nearest enclosing ``site-packages``/``dist-packages`` directory of a file, else ""."""
    parts = posixpath.dirname(path).split("/")
    for i in range(len(parts) - 1, -1, -1):
        if parts[i] in _SITE_DIRS:
            return "/".join(parts[: i + 1])
    return ""


def _only(matches: list[str]) -> str:
    """Zero or several candidates cannot be reasoned about: no match then."""
    return matches[0] if len(matches) == 1 else ""


def venv_site_packages(venv: VirtualEnv, site_dirs: list[str]) -> str:
    """The venv's own ``<venv>/lib/pythonX.Y/site-packages`` among the directories found."""
    search = f"{posixpath.dirname(venv.path)}/lib/python{venv.major_minor()}/site-packages"
    return _only([d for d in sorted(set(site_dirs)) if search in d])


def system_site_packages(venv: VirtualEnv, site_dirs: list[str]) -> str:
    """The system ``…/pythonX.Y/*-packages`` directory a venv with system packages also sees."""
    pattern = re.compile(rf"(?:^|/)python{re.escape(venv.major_minor())}/[^/]*-packages$")
    return _only([d for d in sorted(set(site_dirs)) if pattern.search(d)])


def site_groups(venvs: list[VirtualEnv], site_dirs: list[str]) -> list[list[str]]:
    """Directories whose packages resolve against each other, earlier ones winning a name.

    Every directory no venv claims stands alone (a system or user site); a venv's directory
    stands alone too, or comes first before the system directory of the same Python version
    when the venv includes system site-packages.
    """
    claimed = {v: venv_site_packages(v, site_dirs) for v in venvs}
    global_dirs = sorted(set(site_dirs) - {d for d in claimed.values() if d})
    groups = [[d] for d in global_dirs]
    for venv, own in claimed.items():
        if venv.include_system_site_packages:
            groups.append([own, system_site_packages(venv, global_dirs)])
        else:
            groups.append([own])
    return groups
