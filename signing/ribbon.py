"""Ribbon retrieval: a few bits for every key of a set, in about 1.05 bits per key and bit.

A static function after Dillinger and Walzer's standard ribbon (arXiv:2103.02515): each
key hashes to a start slot `s` and a 128-bit coefficient row `c` (lowest bit set), and
the structure stores a solution `Z` of `slots` rows of `bits` bits such that, for every
key, the XOR of the rows `Z[s + j]` with bit `j` of `c` set is the key's value. The
banded rows are eliminated as keys arrive (a few XORs a key), then solved from the last
slot back. A key outside the set reads an arbitrary value: the caller decides what a
value means (revocation_filter.py layers a fingerprint screen in front).

Keys hash as SHA-256(HASH_DOMAIN ‖ seed (4 bytes, big-endian) ‖ key): bytes 0–7
big-endian modulo `slots - 127` give the start, bytes 8–23 big-endian the row (bit 0
forced to 1), bytes 24–31 big-endian a fingerprint for the caller. The solution is stored
plane by plane (bit 0 of every row, then bit 1, ...), each plane `ceil(slots / 8)` bytes
with slot `i` at bit `i % 8` of byte `i // 8`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

WIDTH = 128
HASH_DOMAIN = b"ehcard/ribbon/v1"
_MASK = (1 << WIDTH) - 1
# Slots beyond the keys: a 128-wide standard ribbon of a million keys is solvable with
# about 4 % more; every failed try widens the margin and takes the next seed.
FIRST_OVERHEAD = 0.05
MAX_TRIES = 8


class RibbonError(ValueError):
    """A ribbon could not be built, or its stored form is malformed."""


def _hashes(keys: Iterable[bytes], seed: int, slots: int) -> Iterator[tuple[int, int, int]]:
    """(start, row, fingerprint) of every key, one at a time (a list of two million would
    hold some 300 MB)."""
    prefix = hashlib.sha256(HASH_DOMAIN + seed.to_bytes(4, "big"))
    span = slots - WIDTH + 1
    number = int.from_bytes
    for key in keys:
        digest = prefix.copy()
        digest.update(key)
        d = digest.digest()
        yield number(d[0:8], "big") % span, number(d[8:24], "big") | 1, number(d[24:32], "big")


@dataclass(frozen=True)
class Ribbon:
    seed: int
    slots: int
    bits: int
    solution: bytes

    def __post_init__(self) -> None:
        if not 1 <= self.bits <= 32:
            raise RibbonError(f"a ribbon stores 1 to 32 bits a key, not {self.bits}")
        if self.slots < WIDTH or not 0 <= self.seed < 2**32:
            raise RibbonError("a ribbon has at least 128 slots and a 32-bit seed")
        if len(self.solution) != self.bits * self.plane_bytes:
            raise RibbonError(
                f"a ribbon of {self.slots} slots and {self.bits} bits has "
                f"{self.bits * self.plane_bytes} bytes, not {len(self.solution)}"
            )

    @property
    def plane_bytes(self) -> int:
        return (self.slots + 7) // 8

    def value(self, key: bytes) -> int:
        """The value stored for `key` (arbitrary for a key not in the set)."""
        start, row, _ = next(_hashes((key,), self.seed, self.slots))
        return self._value(start, row)

    def matches(self, key: bytes) -> bool:
        """Whether the value stored for `key` is its own fingerprint (see `build`)."""
        return bool(self.matching([key]))

    def matching(self, keys: Sequence[bytes]) -> list[bytes]:
        """The keys whose stored value is their own fingerprint's low `bits` bits."""
        mask = (1 << self.bits) - 1
        return [
            key
            for key, (start, row, fingerprint) in zip(
                keys, _hashes(keys, self.seed, self.slots), strict=True
            )
            if self._value(start, row) == fingerprint & mask
        ]

    def _value(self, start: int, row: int) -> int:
        first, shift = divmod(start, 8)
        value = 0
        for plane in range(self.bits):
            offset = plane * self.plane_bytes + first
            window = int.from_bytes(self.solution[offset : offset + 17], "little") >> shift
            value |= ((window & row).bit_count() & 1) << plane
        return value


def build(keys: Sequence[bytes], values: Sequence[int] | None, bits: int, seed: int = 0) -> Ribbon:
    """A ribbon giving each key its value (below 2**bits); keys must be distinct.

    With `values` None each key's value is its own fingerprint's low `bits` bits (a
    filter's screen), which changes with the seed a retry takes."""
    if values is not None and len(keys) != len(values):
        raise RibbonError("one value a key")
    overhead = FIRST_OVERHEAD
    for attempt in range(MAX_TRIES):
        slots = int(len(keys) * (1 + overhead)) + WIDTH
        ribbon = _try_build(keys, values, bits, seed + attempt, slots)
        if ribbon is not None:
            return ribbon
        overhead += 0.02
    raise RibbonError(f"no ribbon after {MAX_TRIES} tries: are the keys distinct?")


def _try_build(
    keys: Sequence[bytes], values: Sequence[int] | None, bits: int, seed: int, slots: int
) -> Ribbon | None:
    rows = [0] * slots
    results = [0] * slots
    mask = (1 << bits) - 1
    given = iter(values) if values is not None else None
    for start, row, fingerprint in _hashes(keys, seed, slots):
        value = next(given) if given is not None else fingerprint & mask
        while True:
            present = rows[start]
            if present == 0:
                rows[start] = row
                results[start] = value
                break
            row ^= present
            value ^= results[start]
            if row == 0:
                if value:
                    return None  # this key's row depends on earlier ones, its value does not
                break
            shift = (row & -row).bit_length() - 1
            row >>= shift
            start += shift
    plane_bytes = (slots + 7) // 8
    solution = bytearray(bits * plane_bytes)
    for plane in range(bits):
        window = 0
        base = plane * plane_bytes
        for slot in range(slots - 1, -1, -1):
            row = rows[slot]
            bit = ((results[slot] >> plane) ^ ((row >> 1) & window).bit_count()) & 1 if row else 0
            if bit:
                solution[base + (slot >> 3)] |= 1 << (slot & 7)
            window = ((window << 1) | bit) & _MASK
    return Ribbon(seed, slots, bits, bytes(solution))
