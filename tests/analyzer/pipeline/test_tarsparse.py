"""GNU sparse members (old GNU ``S``, PAX 0.0/0.1/1.0) in archives written by GNU tar itself,
read back through the streaming reader and through a whole analysis."""

from __future__ import annotations

import hashlib
import io
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from drydock.analyzer import tarsparse
from drydock.analyzer.analyze import analyze
from drydock.analyzer.config import AnalyzerConfig
from drydock.analyzer.model import FileType
from drydock.analyzer.tarstream import TarReader

from .imagekit import MemorySource

pytestmark = pytest.mark.skipif(shutil.which("tar") is None, reason="needs GNU tar")

FORMATS = {
    "gnu": ["--format=gnu"],
    "pax-0.0": ["--format=pax", "--sparse-version=0.0"],
    "pax-0.1": ["--format=pax", "--sparse-version=0.1"],
    "pax-1.0": ["--format=pax", "--sparse-version=1.0"],
}
MiB = 1024 * 1024


def _holey(path: Path, segments: list[tuple[int, bytes]], size: int) -> bytes:
    """A file with data at the given offsets and holes (never written) elsewhere."""
    with path.open("wb") as fh:
        for offset, data in segments:
            fh.seek(offset)
            fh.write(data)
        fh.truncate(size)
    return path.read_bytes()


# data at the start, in the middle and at the end; and a map too long for one header (old
# GNU extension blocks, a 1.0 map spanning several blocks)
LAYOUTS = {
    "three": ([(0, b"head" * 1024), (MiB, b"HELLO" * 3000), (5 * MiB - 4096, b"T" * 4096)], 5 * MiB),
    "many": ([(i * 64 * 1024, bytes([65 + i % 26]) * 4096) for i in range(120)], 120 * 64 * 1024 + 8192),
}


@pytest.fixture(scope="module", params=sorted(LAYOUTS))
def sparse_file(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, bytes]:
    root = tmp_path_factory.mktemp("src")
    (root / "var/log").mkdir(parents=True)
    segments, size = LAYOUTS[request.param]
    content = _holey(root / "var/log/lastlog", segments, size)
    (root / "etc").mkdir()
    (root / "etc/after").write_text("read after the sparse member\n")
    return root, content


def _gnu_tar(root: Path, fmt: str, out: Path) -> bytes:
    subprocess.run(
        ["tar", "--sparse", *FORMATS[fmt], "-cf", str(out), "-C", str(root), "var/log/lastlog", "etc/after"],
        check=True,
    )
    data = out.read_bytes()
    assert len(data) < (root / "var/log/lastlog").stat().st_size  # really stored sparse
    return data


def _read_all(data: bytes, streamed: bool) -> dict[str, tuple[str, int, bytes]]:
    reader = TarReader(io.BytesIO(data))
    out = {}
    for m in reader:
        body = b"".join(bytes(c) for c in reader.data_chunks()) if streamed else reader.read_data()
        out[m.name] = (m.typeflag, m.size, body)
    return out


@pytest.mark.parametrize("streamed", [False, True])
@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_gnu_tar_sparse_members_read_back_as_the_real_file(
    sparse_file: tuple[Path, bytes], fmt: str, streamed: bool, tmp_path: Path
) -> None:
    root, content = sparse_file
    members = _read_all(_gnu_tar(root, fmt, tmp_path / "a.tar"), streamed)
    assert set(members) == {"var/log/lastlog", "etc/after"}  # real name, not GNUSparseFile.N/...
    typeflag, size, body = members["var/log/lastlog"]
    assert (typeflag, size) == ("0", len(content))
    assert body == content
    assert members["etc/after"][2] == b"read after the sparse member\n"


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_huge_sparse_file_is_recorded_without_expanding(
    sparse_file: tuple[Path, bytes], fmt: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root, content = sparse_file
    data = _gnu_tar(root, fmt, tmp_path / "a.tar")
    monkeypatch.setattr(tarsparse, "MAX_EXPANDED_BYTES", len(content) - 1)
    members = _read_all(data, streamed=False)
    typeflag, size, _ = members["var/log/lastlog"]
    assert (typeflag, size) == ("S", len(content))
    assert members["etc/after"][2] == b"read after the sparse member\n"


def _v1_map_start(data: bytes) -> int:
    """Offset of the 1.0 sparse map: the data of the member after the 'x' record's."""
    pax_size = int(data[124:136].rstrip(b"\0"), 8)
    return 512 + (pax_size + 511) // 512 * 512 + 512


def _at_v1_map(data: bytes, new: bytes) -> bytes:
    start = _v1_map_start(data)
    return data[:start] + new + data[start + len(new) :]


@pytest.mark.parametrize(
    ("fmt", "damage"),
    [
        ("pax-0.1", lambda d: d.replace(b"4096,", b"4095,", 1)),  # map no longer covers the data
        ("pax-1.0", lambda d: _at_v1_map(d, b"99999\n")),  # map runs past the member data
        ("pax-1.0", lambda d: _at_v1_map(d, b"x")),  # not a number
    ],
)
def test_inconsistent_map_is_a_warning_and_the_next_member_still_reads(
    sparse_file: tuple[Path, bytes], tmp_path: Path, fmt: str, damage: Any
) -> None:
    root, _ = sparse_file
    data = _gnu_tar(root, fmt, tmp_path / "a.tar")
    damaged = damage(data)
    assert len(damaged) == len(data) and damaged != data
    reader = TarReader(io.BytesIO(damaged))
    members = {m.name: (m.typeflag, m.warning, reader.read_data()) for m in reader}
    typeflag, warning, _ = members["var/log/lastlog"]
    assert typeflag == "S" and warning is not None and "sparse map" in warning
    assert members["etc/after"][2] == b"read after the sparse member\n"


@pytest.mark.parametrize("fmt", ["gnu", "pax-1.0"])
def test_analysis_records_the_real_size_and_digest(
    sparse_file: tuple[Path, bytes], fmt: str, tmp_path: Path
) -> None:
    root, content = sparse_file
    layer = _gnu_tar(root, fmt, tmp_path / "layer.tar")
    analysis = analyze(MemorySource([layer]), AnalyzerConfig(workers=1, scratch_dir=str(tmp_path)))
    entry = next(f for f in analysis.files if f.path == "/var/log/lastlog")
    assert (entry.type, entry.size) == (FileType.REGULAR, len(content))
    assert entry.digests["sha256"] == hashlib.sha256(content).hexdigest()
    assert not [w for w in analysis.warnings if "sparse" in w]


def test_analysis_records_an_oversized_sparse_file_without_content(
    sparse_file: tuple[Path, bytes], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root, content = sparse_file
    layer = _gnu_tar(root, "pax-1.0", tmp_path / "layer.tar")
    monkeypatch.setattr(tarsparse, "MAX_EXPANDED_BYTES", len(content) - 1)
    analysis = analyze(MemorySource([layer]), AnalyzerConfig(workers=1, scratch_dir=str(tmp_path)))
    entry = next(f for f in analysis.files if f.path == "/var/log/lastlog")
    assert (entry.type, entry.size, entry.digests) == (FileType.REGULAR, len(content), {})
    assert any("/var/log/lastlog: GNU sparse file recorded without content" in w for w in analysis.warnings)
    assert next(f for f in analysis.files if f.path == "/etc/after").digests
