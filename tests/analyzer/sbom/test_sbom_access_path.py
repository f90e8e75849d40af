"""Nested archives: the access path (``outer.war:WEB-INF/lib/inner.jar``) reaches the analysis
document, syft JSON (``accessPath``) and CycloneDX (a location property), end to end from a real
directory scan."""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

import pytest

from drydock.analyzer.analyze import analyze
from drydock.analyzer.config import AnalyzerConfig
from drydock.analyzer.document import from_document, to_document
from drydock.analyzer.model import ImageAnalysis
from drydock.analyzer.sbom import render

INNER = "WEB-INF/lib/commons-lang3-3.12.0.jar"
COPY = "WEB-INF/plugins/commons-lang3-3.12.0.jar"


def _zip(entries: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in entries.items():
            zf.writestr(name, data)
    return buf.getvalue()


@pytest.fixture(scope="module")
def analysis(tmp_path_factory: pytest.TempPathFactory) -> ImageAnalysis:
    root = tmp_path_factory.mktemp("rootfs")
    inner = _zip({"META-INF/MANIFEST.MF": b"Manifest-Version: 1.0\nImplementation-Version: 3.12.0\n"})
    war = _zip({"META-INF/MANIFEST.MF": b"Manifest-Version: 1.0\n", INNER: inner, COPY: inner})
    (root / "app").mkdir()
    (root / "app" / "shop-1.0.war").write_bytes(war)
    return analyze(f"dir:{root}", AnalyzerConfig(workers=1))


def _by_access(analysis: ImageAnalysis) -> dict[str, Any]:
    return {p.locations[0].access: p for p in analysis.packages if p.type == "java-archive"}


def test_each_nested_copy_is_its_own_package_with_its_access_path(analysis: ImageAnalysis) -> None:
    found = _by_access(analysis)
    war = "/app/shop-1.0.war"
    assert set(found) == {war, f"{war}:{INNER}", f"{war}:{COPY}"}
    assert all(p.locations[0].path == war for p in found.values())  # the real file a layer holds
    assert found[war].locations[0].access_path is None
    assert len({p.id for p in found.values()}) == 3


def test_document_round_trip_keeps_access_paths(analysis: ImageAnalysis) -> None:
    doc = json.loads(json.dumps(to_document(analysis)))
    paths = [loc.get("accessPath") for p in doc["packages"] for loc in p["locations"]]
    assert sorted(filter(None, paths)) == [f"/app/shop-1.0.war:{INNER}", f"/app/shop-1.0.war:{COPY}"]
    assert from_document(doc).packages == analysis.packages


def test_syft_json_and_cyclonedx_name_the_nested_archive(analysis: ImageAnalysis) -> None:
    syft = json.loads(render(analysis, "json"))
    access = {loc["accessPath"] for a in syft["artifacts"] for loc in a["locations"]}
    assert f"/app/shop-1.0.war:{INNER}" in access and "/app/shop-1.0.war" in access
    bom = json.loads(render(analysis, "cyclonedx-json"))
    props = [
        {p["name"]: p["value"] for p in c.get("properties", [])}
        for c in bom["components"]
        if c["name"] in ("commons-lang3", "shop")
    ]
    nested = sorted(p.get("syft:location:0:accessPath", "") for p in props)
    assert nested == ["", f"/app/shop-1.0.war:{INNER}", f"/app/shop-1.0.war:{COPY}"]
    assert all(p["syft:location:0:path"] == "/app/shop-1.0.war" for p in props)
