"""A bounded reader for PHP's ``serialize()`` format (PEAR/PECL registry files).

Only data types are decoded (null, bool, int, float, string, array, object-as-dict); there is
no class instantiation, lengths are checked against the input and nesting is capped, so a
hostile registry file can only produce an error.
"""

from __future__ import annotations

from typing import Any

MAX_DEPTH = 64


class PhpUnserializeError(ValueError):
    """The input is not valid serialized PHP data."""


class _Reader:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0

    def expect(self, token: bytes) -> None:
        if not self.data.startswith(token, self.pos):
            raise PhpUnserializeError(f"expected {token!r} at offset {self.pos}")
        self.pos += len(token)

    def until(self, stop: bytes) -> bytes:
        end = self.data.find(stop, self.pos)
        if end < 0:
            raise PhpUnserializeError(f"unterminated value at offset {self.pos}")
        chunk = self.data[self.pos : end]
        self.pos = end + len(stop)
        return chunk

    def integer(self, stop: bytes) -> int:
        raw = self.until(stop)
        try:
            return int(raw)
        except ValueError as exc:
            raise PhpUnserializeError(f"bad integer {raw!r}") from exc

    def string(self) -> str:
        length = self.integer(b":")
        if length < 0 or self.pos + length + 2 > len(self.data):
            raise PhpUnserializeError("string length out of range")
        self.expect(b'"')
        raw = self.data[self.pos : self.pos + length]
        self.pos += length
        self.expect(b'"')
        return raw.decode("utf-8", errors="replace")

    def entries(self, depth: int) -> dict[Any, Any]:
        count = self.integer(b":")
        if count < 0 or count > len(self.data):
            raise PhpUnserializeError("element count out of range")
        self.expect(b"{")
        out: dict[Any, Any] = {}
        for _ in range(count):
            key = self.value(depth + 1)
            if isinstance(key, (dict, list)) or key is None:
                raise PhpUnserializeError("array key must be a scalar")
            out[key] = self.value(depth + 1)
        self.expect(b"}")
        return out

    def value(self, depth: int = 0) -> Any:
        if depth > MAX_DEPTH:
            raise PhpUnserializeError("nesting too deep")
        if self.pos + 1 >= len(self.data) and self.data[self.pos : self.pos + 1] != b"N":
            raise PhpUnserializeError("unexpected end of data")
        kind = self.data[self.pos : self.pos + 1]
        self.pos += 1
        if kind == b"N":
            self.expect(b";")
            return None
        self.expect(b":")
        if kind == b"b":
            return self.integer(b";") != 0
        if kind == b"i":
            return self.integer(b";")
        if kind == b"d":
            raw = self.until(b";")
            try:
                return float(raw)
            except ValueError as exc:
                raise PhpUnserializeError(f"bad float {raw!r}") from exc
        if kind == b"s":
            text = self.string()
            self.expect(b";")
            return text
        if kind == b"a":
            return self.entries(depth)
        if kind == b"O":
            self.string()  # class name: objects are read as plain property maps
            self.expect(b":")
            return self.entries(depth)
        raise PhpUnserializeError(f"unsupported type {kind!r} at offset {self.pos - 1}")


def unserialize(data: bytes) -> Any:
    return _Reader(data).value()
