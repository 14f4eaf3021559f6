"""Strict decoding of the deterministic CBOR subset the card uses.

The card must reject what general decoders accept silently: non-shortest
integers, indefinite lengths, unsorted or duplicate map keys, tags, floats,
simple values and trailing bytes. `loads` takes cbor2's decoding only when it
stays inside that subset: it re-encodes to exactly the same bytes, holds
nothing but integers (in the 64-bit CBOR range), byte and text strings,
arrays and integer-keyed maps in key order, and keeps to the depth and item
limits. Anything else goes to our own decoder, which names the precise fault;
so `loads` and `strict_loads` accept the same inputs with the same values
(a property test checks this).
"""

from __future__ import annotations

from typing import Any

import cbor2

from cards.errors import Malformed

MAX_DEPTH = 4
MAX_ITEMS = 256

CborValue = int | bytes | str | list[Any] | dict[int, Any]


def dumps(value: Any) -> bytes:
    """Deterministic encoding (RFC 8949 §4.2.1) of ints, strings, arrays and int-keyed maps."""
    return bytes(cbor2.dumps(value, canonical=True))


def loads(data: bytes) -> CborValue:
    """Decode exactly one deterministic CBOR item that fills `data`."""
    try:
        value = cbor2.loads(data)
    except (cbor2.CBORDecodeError, ValueError, TypeError, OverflowError, RecursionError):
        pass
    else:
        # cbor2 keeps map keys in their encoded order: a plain re-encoding that
        # matches, with keys sorted, is the deterministic encoding.
        if _in_subset(value) and cbor2.dumps(value) == data:
            return value  # type: ignore[no-any-return]
    return strict_loads(data)


_MIN_INT, _MAX_INT = -(2**64), 2**64 - 1
_INT_ONLY = {int}


def _in_subset(value: Any) -> bool:
    """Whether cbor2's value could only have come from the subset `strict_loads` takes."""
    return 0 < _items(value, 0) <= MAX_ITEMS


def _items(value: Any, depth: int) -> int:
    """How many items `value` holds (itself included), or -1 if it leaves the subset.

    Runs on every card verified, so scalar children are checked inline.
    """
    kind = type(value)
    if kind is bytes or kind is str:
        return 1
    if kind is int:
        # Larger integers decode from bignum tags, which the card refuses.
        return 1 if _MIN_INT <= value <= _MAX_INT else -1
    if kind is list:
        children: Any = value
        total = 1
    elif kind is dict:
        keys = list(value)
        if keys:
            if set(map(type, keys)) != _INT_ONLY:
                return -1
            ordered = sorted(keys)
            if ordered[0] < _MIN_INT or ordered[-1] > _MAX_INT:
                return -1
            if ordered[0] < 0:
                ordered.sort(key=_key_order)
            if keys != ordered:
                return -1
        children = value.values()
        total = 1 + len(keys)
    else:
        return -1
    if value and depth + 1 > MAX_DEPTH:
        return -1  # the children would sit deeper than the strict decoder goes
    for child in children:
        child_kind = type(child)
        if (
            child_kind is bytes
            or child_kind is str
            or (child_kind is int and _MIN_INT <= child <= _MAX_INT)
        ):
            total += 1
            continue
        count = _items(child, depth + 1)
        if count < 0:
            return -1
        total += count
    return total


def _key_order(key: int) -> tuple[int, int]:
    # Deterministic CBOR sorts keys by their encoded bytes: every unsigned integer
    # (major type 0) before every negative one (major type 1), each by magnitude.
    return (0, key) if key >= 0 else (1, -1 - key)


def strict_loads(data: bytes) -> CborValue:
    """Our own decoder: slower, and names the exact fault of a non-deterministic item."""
    decoder = _Decoder(data)
    value = decoder.item(depth=0)
    if decoder.pos != len(data):
        raise Malformed(
            f"{len(data) - decoder.pos} trailing byte(s) after the CBOR body",
            code="trailing_bytes",
        )
    return value


class _Decoder:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0
        self.items = 0

    def take(self, count: int) -> bytes:
        end = self.pos + count
        if end > len(self.data):
            raise Malformed("CBOR body ends inside an item", code="truncated")
        chunk = self.data[self.pos : end]
        self.pos = end
        return chunk

    def head(self) -> tuple[int, int]:
        initial = self.take(1)[0]
        major, info = initial >> 5, initial & 0x1F
        if major in (6, 7):
            kind = "tag" if major == 6 else "float or simple value"
            raise Malformed(f"CBOR {kind} is not allowed in a card", code="wrong_type")
        if info < 24:
            return major, info
        if info == 31:
            raise Malformed("indefinite-length CBOR item", code="non_canonical")
        if info > 27:
            raise Malformed(f"reserved CBOR additional info {info}", code="cbor_invalid")
        size = 1 << (info - 24)
        argument = int.from_bytes(self.take(size), "big")
        smallest = 24 if size == 1 else 1 << (4 * size)
        if argument < smallest:
            raise Malformed("CBOR integer or length not in shortest form", code="non_canonical")
        return major, argument

    def item(self, depth: int) -> CborValue:
        self.items += 1
        if self.items > MAX_ITEMS or depth > MAX_DEPTH:
            raise Malformed("CBOR body nests or repeats too deeply", code="too_large")
        start = self.pos
        major, argument = self.head()
        if major == 0:
            return argument
        if major == 1:
            return -1 - argument
        if major == 2:
            return self.take(argument)
        if major == 3:
            try:
                return self.take(argument).decode("utf-8")
            except UnicodeDecodeError as exc:
                raise Malformed("text string is not valid UTF-8", code="invalid_utf8") from exc
        if major == 4:
            if argument > MAX_ITEMS:
                raise Malformed("CBOR array too long", code="too_large")
            return [self.item(depth + 1) for _ in range(argument)]
        return self.map(argument, depth, start)

    def map(self, count: int, depth: int, start: int) -> dict[int, Any]:
        if count > MAX_ITEMS:
            raise Malformed("CBOR map too large", code="too_large")
        result: dict[int, Any] = {}
        previous = b""
        for _ in range(count):
            key_start = self.pos
            key = self.item(depth + 1)
            encoded_key = self.data[key_start : self.pos]
            if not isinstance(key, int):
                raise Malformed("CBOR map key is not an integer", code="wrong_type")
            if key in result:
                raise Malformed(f"duplicate map key {key}", code="duplicate_key")
            if encoded_key < previous:
                raise Malformed("CBOR map keys not in deterministic order", code="non_canonical")
            previous = encoded_key
            result[key] = self.item(depth + 1)
        return result
