"""Helpers to diff driver output against vunnel snapshot envelopes, field by field."""

from __future__ import annotations

import json
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7

from drydock.feeds.records import Vulnerability
from drydock.feeds.vunnel_format import to_vunnel_os_record

from .conftest import SCHEMAS


def load_snapshots(folder: Path) -> dict[tuple[str, str], dict[str, Any]]:
    """(namespace, lower-case id) -> snapshot item, for every envelope under ``folder``."""
    out = {}
    for path in sorted(folder.rglob("*.json")):
        env = json.loads(path.read_text())
        vuln = env["item"].get("Vulnerability") or {}
        adv = env["item"].get("Advisory") or {}
        ns = vuln.get("NamespaceName") or adv.get("namespace")
        vid = vuln.get("Name") or adv.get("ghsaId")
        if not vid:  # OSV pass-through envelopes are compared by the OSV tests
            continue
        out[(ns, vid.lower())] = env
    return out


_NVD_CVSS = "https://csrc.nist.gov/schema/nvd/api/2.0/external/cvss-v{}.json"


@cache
def _local_registry() -> Registry:
    """NVD's schema $refs NIST-hosted CVSS schemas; serve the vendored copies (tests are offline)."""
    resources = []
    for version in ("2.0", "3.0", "3.1"):
        contents = json.loads(
            (SCHEMAS / "vulnerability" / "nvd" / "cvss" / f"schema-v{version}.json").read_text()
        )
        resources.append((_NVD_CVSS.format(version), Resource.from_contents(contents, DRAFT7)))
    return Registry().with_resources(resources)


@cache
def _validator(kind: str, version: str) -> jsonschema.Validator:
    schema = json.loads((SCHEMAS / "vulnerability" / kind / f"schema-{version}.json").read_text())
    return jsonschema.validators.validator_for(schema)(schema, registry=_local_registry())


def validate(item: dict[str, Any], kind: str = "os", version: str = "1.1.0") -> None:
    errors = sorted(_validator(kind, version).iter_errors(item), key=str)
    assert not errors, [e.message for e in errors[:5]]


def _fixed_in_key(f: dict[str, Any]) -> tuple[str, ...]:
    return (f["Name"], f["Version"], str(f.get("Arch")), str(f.get("Module") or ""))


def normalize_fixed_in(f: dict[str, Any], drop: Iterable[str]) -> dict[str, Any]:
    """Drop excluded keys and treat absent/empty optional keys alike (vunnel varies per provider).

    ``Available`` of kind ``first-observed`` is always dropped: it is the date vunnel's own
    database first saw the fix, not feed data. Advisory-dated availability is compared.
    """
    out = {k: v for k, v in f.items() if k not in drop and v not in (None, "")}
    available = out.get("Available") or {}
    if available.get("Kind", available.get("kind")) == "first-observed":  # rhel spells it lower-case
        del out["Available"]
    if "VendorAdvisory" in out:  # an empty summary list is the same as none
        advisory = {k: v for k, v in out.pop("VendorAdvisory").items() if v != []}
        if advisory != {"NoAdvisory": False}:
            out["VendorAdvisory"] = advisory
    return out


def compare_os(
    expected_env: dict[str, Any],
    actual: Vulnerability,
    *,
    fixed_in_drop: Iterable[str] = (),
    vuln_drop: Iterable[str] = (),
    metadata_drop: Iterable[str] = (),
) -> None:
    """Assert the os-schema rendering of ``actual`` equals the snapshot, minus named exclusions."""
    expected = expected_env["item"]["Vulnerability"]
    got_item = to_vunnel_os_record(actual)
    validate(got_item)
    got = got_item["Vulnerability"]
    for key in metadata_drop:
        got["Metadata"].pop(key, None)
    for key in ("Name", "NamespaceName", "Severity", "Link", "Description", "CVSS", "Metadata"):
        if key in vuln_drop:
            continue
        assert got[key] == expected.get(key) or (not got[key] and not expected.get(key)), (
            f"{actual.namespace}/{actual.id} {key}: {got[key]!r} != {expected.get(key)!r}"
        )
    drop = tuple(fixed_in_drop)
    exp_fixed = sorted((normalize_fixed_in(f, drop) for f in expected["FixedIn"]), key=_fixed_in_key)
    got_fixed = sorted((normalize_fixed_in(f, drop) for f in got["FixedIn"]), key=_fixed_in_key)
    # Where vunnel replaced the date by its own first-observed date, our upstream-derived date
    # (e.g. Hydra release_date) has nothing to be compared with.
    undated = {_fixed_in_key(f) for f in exp_fixed if "Available" not in f}
    for f in got_fixed:
        if _fixed_in_key(f) in undated:
            f.pop("Available", None)
    assert got_fixed == exp_fixed, f"{actual.namespace}/{actual.id} FixedIn"
