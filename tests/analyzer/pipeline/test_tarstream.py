"""The forward-only tar reader against archives written by tarfile in every format."""

from __future__ import annotations

import io
import tarfile

import pytest

from drydock.analyzer.tarstream import TarFormatError, TarReader

from .imagekit import directory, file, hardlink, layer, symlink

LONG = "a/" + "very-long-directory-name/" * 8 + "file.txt"


def _members(data: bytes) -> list[tuple[str, str, int, int, str, bytes]]:
    out = []
    reader = TarReader(io.BytesIO(data))
    for m in reader:
        out.append((m.name.rstrip("/"), m.typeflag, m.mode, m.size, m.linkname, reader.read_data()))
    return out


@pytest.mark.parametrize("fmt", [tarfile.USTAR_FORMAT, tarfile.GNU_FORMAT, tarfile.PAX_FORMAT])
def test_formats_agree_with_tarfile(fmt: int) -> None:
    data = layer(
        directory("etc"),
        file("etc/passwd", "root:x:0:0\n", mode=0o640),
        file(LONG, b"x" * 1000),
        symlink("etc/link", "/" + LONG if fmt != tarfile.USTAR_FORMAT else "passwd"),
        hardlink("etc/hard", "etc/passwd"),
        file("usr/bin/su", b"\x7fELF", mode=0o4755),
        fmt=fmt,
    )
    got = _members(data)
    with tarfile.open(fileobj=io.BytesIO(data), mode="r") as tar:
        want = [
            (
                ti.name,
                ti.type.decode() if ti.type != b"\0" else "0",
                ti.mode,
                ti.size,
                ti.linkname,
                tar.extractfile(ti).read() if ti.isreg() else b"",
            )
            for ti in tar.getmembers()
        ]
    assert [(n, t, m, s, l) for n, t, m, s, l, _ in got] == [(n, t, m, s, l) for n, t, m, s, l, _ in want]
    assert [d for *_, d in got] == [d for *_, d in want]
    assert ("usr/bin/su", "0", 0o4755, 4, "", b"\x7fELF") in got


def test_pax_unicode_and_large_uid() -> None:
    name = "opt/ünïcødé-" + "x" * 120
    data = layer(file(name, "hi", uid=3_000_000, gid=70_000))
    reader = TarReader(io.BytesIO(data))
    (m,) = list(reader)
    assert (m.name, m.uid, m.gid, m.size) == (name, 3_000_000, 70_000, 2)


def test_gnu_base256_numbers() -> None:
    data = layer(file("big-uid", "x", uid=0o7777777 + 5), fmt=tarfile.GNU_FORMAT)
    (m,) = list(TarReader(io.BytesIO(data)))
    assert m.uid == 0o7777777 + 5


def test_bad_checksum_is_a_format_error() -> None:
    data = bytearray(layer(file("a", "x"), file("b", "y")))
    data[1024 + 10] ^= 0xFF  # inside the second header's name
    with pytest.raises(TarFormatError, match="checksum at offset 1024"):
        _members(bytes(data))


def test_truncated_data_is_a_format_error() -> None:
    data = layer(file("a", b"z" * 5000))
    with pytest.raises(TarFormatError, match="truncated"):
        _members(data[: 512 + 1000])


def test_truncated_header_is_a_format_error() -> None:
    data = layer(file("a", "x"))
    with pytest.raises(TarFormatError, match="truncated"):
        _members(data[:300])


def test_unconsumed_data_is_skipped_and_end_without_zero_blocks_is_clean() -> None:
    data = layer(file("a", b"1" * 700), file("b", b"2" * 10))
    names = [m.name for m in TarReader(io.BytesIO(data[: 512 * 2 + 1024 + 512]))]
    assert names == ["a", "b"]


def test_oversized_pax_header_is_rejected() -> None:
    ti = tarfile.TarInfo("x")
    ti.pax_headers = {"comment": "c" * (2 * 1024 * 1024)}
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as tar:
        tar.addfile(ti, io.BytesIO(b""))
    with pytest.raises(TarFormatError, match="exceeds"):
        _members(buf.getvalue())


def test_data_larger_than_the_read_buffer() -> None:
    big = bytes(range(256)) * (3 * 4096 + 7)  # ~3 MiB, not block aligned
    got = _members(layer(file("big", big), file("after", "ok")))
    assert got[0][5] == big and got[1][0] == "after" and got[1][5] == b"ok"
