"""CBOR diagnostic notation (RFC 8949 §8) of raw bytes, faults included.

Written for the vectors, so it shows how bytes are encoded, not only what
they mean: a non-shortest head carries its encoding indicator (`1_2` is 1 in
a 4-byte argument, `[_0 ...]` an array whose length took one extra byte),
indefinite lengths print as `[_ ...]`, `{_ ...}` and `(_ ...)`, floats always
carry their width (`_1` half, `_2` single, `_3` double), map keys print in
their encoded order with duplicates kept, and bytes after the first item
print as a CBOR sequence (`item, item`). Text escapes invisible characters
(`\\u202e`), so a bidi override stands out. Bytes that are not CBOR at all
(truncated, reserved additional information, a stray break, invalid UTF-8)
give None.
"""

from __future__ import annotations

import math
import struct
import unicodedata

_MAX_DEPTH = 64
_BREAK = object()
_SIMPLE = {20: "false", 21: "true", 22: "null", 23: "undefined"}
_FLOAT_FORMATS = {25: (">e", 2, "_1"), 26: (">f", 4, "_2"), 27: (">d", 8, "_3")}
_INVISIBLE = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})


class _Unreadable(Exception):
    """The bytes are not a sequence of well-formed CBOR items."""


def diagnose(data: bytes) -> str | None:
    """Diagnostic notation of `data` read as a CBOR sequence, or None if it is not one."""
    reader = _Reader(data)
    items: list[str] = []
    try:
        while reader.pos < len(data):
            item = reader.item(0)
            if item is _BREAK:
                return None
            items.append(str(item))
    except _Unreadable:
        return None
    return ", ".join(items) if items else None


class _Reader:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0

    def take(self, count: int) -> bytes:
        if self.pos + count > len(self.data):
            raise _Unreadable
        chunk = self.data[self.pos : self.pos + count]
        self.pos += count
        return chunk

    def head(self) -> tuple[int, int, int | None, str]:
        """(major type, additional info, argument or None if indefinite, encoding indicator)."""
        initial = self.take(1)[0]
        major, info = initial >> 5, initial & 0x1F
        if info < 24:
            return major, info, info, ""
        if info == 31:
            return major, info, None, "_"
        if info > 27:
            raise _Unreadable
        size = 1 << (info - 24)
        argument = int.from_bytes(self.take(size), "big")
        longer_than_needed = argument < 24 if size == 1 else argument < 1 << (4 * size)
        return major, info, argument, f"_{info - 24}" if longer_than_needed else ""

    def item(self, depth: int) -> object:
        if depth > _MAX_DEPTH:
            raise _Unreadable
        start = self.pos
        major, info, argument, indicator = self.head()
        if major == 7:
            self.pos = start  # simple values and floats read their own bytes
            return self.simple(info)
        if argument is None:
            return self.indefinite(major, depth)
        if major in (0, 1):
            return f"{argument if major == 0 else -1 - argument}{indicator}"
        if major == 2:
            return f"h'{self.take(argument).hex()}'{indicator}"
        if major == 3:
            return f"{_text(self.take(argument))}{indicator}"
        if major == 6:
            return f"{argument}({self.value(depth + 1)})"
        if major == 4:
            items = [self.value(depth + 1) for _ in range(argument)]
            return f"[{indicator + ' ' if indicator else ''}{', '.join(items)}]"
        pairs = [f"{self.value(depth + 1)}: {self.value(depth + 1)}" for _ in range(argument)]
        return f"{{{indicator + ' ' if indicator else ''}{', '.join(pairs)}}}"

    def value(self, depth: int) -> str:
        item = self.item(depth)
        if item is _BREAK:
            raise _Unreadable
        return str(item)

    def indefinite(self, major: int, depth: int) -> str:
        if major in (0, 1, 6):
            raise _Unreadable
        parts: list[str] = []
        while True:
            if major in (2, 3):
                # Chunks of an indefinite string must be definite strings of the same type.
                if self.pos < len(self.data) and self.data[self.pos] == 0xFF:
                    self.pos += 1
                    break
                chunk_major = self.data[self.pos] >> 5 if self.pos < len(self.data) else -1
                if chunk_major != major:
                    raise _Unreadable
            item = self.item(depth + 1)
            if item is _BREAK:
                break
            if major == 5:
                parts.append(f"{item}: {self.value(depth + 1)}")
            else:
                parts.append(str(item))
        if major in (2, 3) and not parts:
            return "''_" if major == 2 else '""_'
        opening, closing = {2: ("(_ ", ")"), 3: ("(_ ", ")"), 4: ("[_ ", "]"), 5: ("{_ ", "}")}[
            major
        ]
        return f"{opening}{', '.join(parts)}{closing}"

    def simple(self, info: int) -> object:
        self.take(1)
        if info in _FLOAT_FORMATS:
            fmt, size, indicator = _FLOAT_FORMATS[info]
            return f"{_float(struct.unpack(fmt, self.take(size))[0])}{indicator}"
        if info == 31:
            return _BREAK
        if info in _SIMPLE:
            return _SIMPLE[info]
        if info < 24:
            return f"simple({info})"
        if info == 24:
            value = self.take(1)[0]
            if value < 32:
                raise _Unreadable  # RFC 8949 §3.3: not well-formed
            return f"simple({value})"
        raise _Unreadable


def _float(value: float) -> str:
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    text = repr(value)
    mantissa, e, exponent = text.partition("e")
    if not e:
        return text
    # As RFC 8949 Appendix A writes them: 1.0e+300, 5.960464477539063e-8.
    return f"{mantissa if '.' in mantissa else mantissa + '.0'}e{int(exponent):+d}"


def _text(raw: bytes) -> str:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _Unreadable from exc
    out = ['"']
    for char in text:
        if char in '"\\':
            out.append("\\" + char)
        elif unicodedata.category(char) in _INVISIBLE:
            out.append(
                f"\\u{ord(char):04x}"
                if ord(char) < 0x10000
                else "".join(
                    f"\\u{unit:04x}" for unit in struct.unpack(">2H", char.encode("utf-16-be"))
                )
            )
        else:
            out.append(char)
    out.append('"')
    return "".join(out)
