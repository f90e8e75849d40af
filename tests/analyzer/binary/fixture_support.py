"""Shared fixture locations for the java / golang / binary cataloger tests."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[3]
PKGDB = REPO.parent / "shared" / "fixtures" / "pkgdb"


def load_case(case_dir: Path) -> dict[str, Any]:
    return json.loads((case_dir / "expected.json").read_text())


def scan_root(case_dir: Path, expected: dict[str, Any]) -> Path:
    return (case_dir / expected.get("scan_root", ".")).resolve()


def materialize_symlinks(case_dir: Path, dest: Path) -> Path:
    """Copy a case into ``dest``, turning the upstream symlinks back into symlinks.

    The corpus stores a relative symlink (busybox -> ./[ , libjulia-internal.so ->
    libjulia-internal.so.1.8) as a tiny file holding the target path; scanners must see the
    link, as syft's test does, so the copy recreates it.
    """
    import shutil

    shutil.copytree(case_dir, dest, symlinks=True)
    for d in [dest, *(p for p in dest.rglob("*") if p.is_dir() and not p.is_symlink())]:
        d.chmod(0o755)  # the corpus is read-only; links are swapped in place
    for path in sorted(p for p in dest.rglob("*") if p.is_file() and p.stat().st_size < 256):
        try:
            target = path.read_text().strip()
        except UnicodeDecodeError:
            continue
        if (
            target
            and "\n" not in target
            and (path.parent / target).is_file()
            and (path.parent / target) != path
        ):
            path.chmod(0o644)
            path.unlink()
            path.symlink_to(target)
    return dest


def license_key(lic: Any) -> tuple[str, str, str, tuple[str, ...], tuple[str, ...]]:
    """An expected licence (in any of the corpus' spellings) or a model License, reduced to
    (value, spdx, type, urls, location paths) for comparison."""
    if isinstance(lic, str):
        return (lic, "", "declared", (), ())
    if not isinstance(lic, dict):
        return (
            lic.value,
            lic.spdx_expression or "",
            lic.type,
            tuple(lic.urls),
            tuple(loc.path.lstrip("/") for loc in lic.locations),
        )
    low = {k.lower(): v for k, v in lic.items()}
    urls = low.get("urls") or ([low["url"]] if low.get("url") else [])
    locs = low.get("locations") or ([low["location"]] if low.get("location") else [])
    return (
        low.get("value", ""),
        low.get("spdxexpression", ""),
        low.get("type", "declared"),
        tuple(urls),
        tuple(p.lstrip("/") for p in locs),
    )


def package_view(p: Any, metadata: dict[str, Any] | None = None) -> dict[str, Any]:
    """A model Package as the fields the corpus expectations state (paths made relative)."""
    return {
        "name": p.name,
        "version": p.version,
        "type": str(p.type),
        "purl": p.purl or "",
        "language": p.language,
        "locations": [loc.path.lstrip("/") for loc in p.locations],
        "licenses": sorted(license_key(lic) for lic in p.licenses),
        "metadataType": p.metadata_type or "",
        "metadata": p.metadata if metadata is None else metadata,
    }


def expected_view(p: dict[str, Any], metadata: dict[str, Any] | None = None) -> dict[str, Any]:
    """An expected package object in the same shape (absent field = zero value)."""
    return {
        "name": p["name"],
        "version": p.get("version", ""),
        "type": p.get("type", ""),
        "purl": p.get("purl", ""),
        "language": p.get("language", ""),
        "locations": [loc.lstrip("/") for loc in p.get("locations", [])],
        "licenses": sorted(license_key(lic) for lic in p.get("licenses") or []),
        "metadataType": p.get("metadataType", ""),
        "metadata": p.get("metadata", {}) if metadata is None else metadata,
    }
