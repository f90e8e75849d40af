"""Python lock files: poetry.lock, Pipfile.lock, pdm.lock and uv.lock (incl. uv script locks).

Each parser returns packages whose metadata (syft's ``Python*LockEntry``) carries enough of the
dependency graph for ``specification`` to derive ``dependency-of`` relationships.
"""

from __future__ import annotations

from typing import Any

from drydock.analyzer.catalogers.dependency_graph import ProvidesRequires, Specification
from drydock.analyzer.catalogers.lockfile_util import as_dict, as_list, as_str, primary
from drydock.analyzer.catalogers.python.common import (
    new_package,
    package_ref,
    requirement_name,
)
from drydock.analyzer.model import Package

CATALOGER = "python-package-cataloger"
DEFAULT_INDEX = "https://pypi.org/simple"


def _poetry_dependency(name: str, spec: Any) -> list[dict[str, Any]]:
    """A [package.dependencies] value: a version string, a table, or a list of tables."""
    if isinstance(spec, str):
        return [{"Name": name, "Version": spec}]
    out = []
    for item in spec if isinstance(spec, list) else [spec]:
        if not isinstance(item, dict):
            continue
        dep: dict[str, Any] = {"Name": name, "Version": as_str(item.get("version"))}
        if item.get("markers"):
            dep["Markers"] = as_str(item.get("markers"))
        if item.get("optional") is True:
            dep["Optional"] = True
        if isinstance(item.get("extras"), list):
            dep["Extras"] = [as_str(e) for e in item["extras"]]
        out.append(dep)
    return out


def parse_poetry_lock(doc: dict[str, Any], path: str) -> list[Package]:
    packages = []
    for raw in as_list(doc.get("package")):
        entry = as_dict(raw)
        name, version = as_str(entry.get("name")), as_str(entry.get("version"))
        if not name:
            continue
        deps = [d for k, v in as_dict(entry.get("dependencies")).items() for d in _poetry_dependency(k, v)]
        extras = [
            {"Name": extra, "Dependencies": [as_str(d) for d in as_list(reqs)]}
            for extra, reqs in as_dict(entry.get("extras")).items()
        ]
        metadata: dict[str, Any] = {
            "Index": as_str(as_dict(entry.get("source")).get("url")) or DEFAULT_INDEX,
            "Dependencies": sorted(deps, key=lambda d: d["Name"]),
            "Extras": extras,
        }
        packages.append(
            new_package(name, version, CATALOGER, [primary(path)], "PythonPoetryLockEntry", metadata)
        )
    return packages


def parse_pipfile_lock(doc: dict[str, Any], path: str) -> list[Package]:
    sources = {
        as_str(s.get("name")): as_str(s.get("url"))
        for s in map(as_dict, as_list(as_dict(doc.get("_meta")).get("sources")))
    }
    default_index = next(iter(sources.values()), DEFAULT_INDEX)
    packages = []
    for section in ("default",):  # syft reports runtime packages only, not "develop"
        for name, raw in sorted(as_dict(doc.get(section)).items()):
            entry = as_dict(raw)
            version = as_str(entry.get("version")).lstrip("=").strip()
            metadata = {
                "Index": sources.get(as_str(entry.get("index")), default_index),
                "Hashes": [as_str(h) for h in as_list(entry.get("hashes"))],
            }
            packages.append(
                new_package(name, version, CATALOGER, [primary(path)], "PythonPipfileLockEntry", metadata)
            )
    return packages


def _pdm_files(entry: dict[str, Any]) -> list[dict[str, Any]]:
    files = []
    for f in map(as_dict, as_list(entry.get("files"))):
        algorithm, _, value = as_str(f.get("hash")).partition(":")
        files.append({"URL": as_str(f.get("file")), "Digest": {"Algorithm": algorithm, "Value": value}})
    return files


def parse_pdm_lock(doc: dict[str, Any], path: str) -> list[Package]:
    """pdm writes one [[package]] per extras combination; they merge into the base package."""
    merged: dict[tuple[str, str], dict[str, Any]] = {}
    variants: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for entry in map(as_dict, as_list(doc.get("package"))):
        key = (as_str(entry.get("name")), as_str(entry.get("version")))
        if not key[0]:
            continue
        deps = [as_str(d) for d in as_list(entry.get("dependencies"))]
        if entry.get("extras"):
            variants.setdefault(key, []).append(
                {
                    "Extras": [as_str(e) for e in as_list(entry.get("extras"))],
                    "Dependencies": deps,
                    "Files": _pdm_files(entry),
                    "Marker": as_str(entry.get("marker")),
                }
            )
            merged.setdefault(
                key,
                {
                    "Summary": as_str(entry.get("summary")),
                    "RequiresPython": as_str(entry.get("requires_python")),
                },
            )
            continue
        merged[key] = {
            "Summary": as_str(entry.get("summary")),
            "Files": _pdm_files(entry),
            "Marker": as_str(entry.get("marker")),
            "RequiresPython": as_str(entry.get("requires_python")),
            "Dependencies": deps,
        }
    packages = []
    for key, metadata in merged.items():
        extras = variants.get(key, [])
        for extra in extras:
            if extra["Files"] == metadata.get("Files"):
                extra["Files"] = []
        if extras:
            metadata["Extras"] = extras
        packages.append(
            new_package(key[0], key[1], CATALOGER, [primary(path)], "PythonPdmLockEntry", metadata)
        )
    return packages


def _uv_dependency(raw: Any) -> dict[str, Any]:
    dep = as_dict(raw)
    out: dict[str, Any] = {"Name": as_str(dep.get("name"))}
    if dep.get("marker"):
        out["Markers"] = as_str(dep.get("marker"))
    if isinstance(dep.get("extra"), list):
        out["Extras"] = [as_str(e) for e in dep["extra"]]
    return out


def _uv_index(source: dict[str, Any]) -> str:
    """The registry URL, or for local projects the path/URL the source names."""
    for key in ("registry", "virtual", "editable", "path", "directory", "git", "url"):
        if source.get(key):
            return as_str(source[key])
    return ""


def parse_uv_lock(doc: dict[str, Any], path: str) -> list[Package]:
    packages = []
    for entry in map(as_dict, as_list(doc.get("package"))):
        name = as_str(entry.get("name"))
        if not name:
            continue
        metadata: dict[str, Any] = {
            "Index": _uv_index(as_dict(entry.get("source"))),
            "Dependencies": [_uv_dependency(d) for d in as_list(entry.get("dependencies"))],
            "Extras": [
                {"Name": extra, "Dependencies": [as_str(as_dict(d).get("name")) for d in as_list(deps)]}
                for extra, deps in as_dict(entry.get("optional-dependencies")).items()
            ],
        }
        packages.append(
            new_package(
                name, as_str(entry.get("version")), CATALOGER, [primary(path)], "PythonUvLockEntry", metadata
            )
        )
    return packages


def _structured_requires(deps: list[dict[str, Any]]) -> list[str]:
    out = []
    for dep in deps:
        if dep.get("Optional"):
            continue
        out.append(package_ref(dep["Name"]))
        out.extend(package_ref(dep["Name"], extra) for extra in dep.get("Extras") or [])
    return out


def _string_requires(deps: list[str]) -> list[str]:
    out = []
    for dep in deps:
        name = requirement_name(dep)
        if name:
            out.append(package_ref(name))
    return out


def specification(pkg: Package) -> Specification:
    """What a lock-file package provides and requires (extras as variants)."""
    meta = pkg.metadata
    provides = [package_ref(pkg.name)]
    variants: list[ProvidesRequires] = []
    if pkg.metadata_type == "PythonPdmLockEntry":
        requires = _string_requires(meta.get("Dependencies") or [])
        for extra in meta.get("Extras") or []:
            variants.append(
                ProvidesRequires(
                    provides=[package_ref(pkg.name, e) for e in extra["Extras"]],
                    requires=_string_requires(extra["Dependencies"]),
                )
            )
    else:
        requires = _structured_requires(meta.get("Dependencies") or [])
        for extra in meta.get("Extras") or []:
            variants.append(
                ProvidesRequires(
                    provides=[package_ref(pkg.name, extra["Name"])],
                    requires=_string_requires(extra["Dependencies"]),
                )
            )
    return Specification(main=ProvidesRequires(provides=provides, requires=requires), variants=variants)
