"""SNOMED CT identifiers: the Verhoeff check digit every SCTID ends with.

A syntactic check, independent of any value set: an id whose last digit is not
its Verhoeff check digit is a typing or packing error, whatever terminology
release the reader holds (SNOMED CT Technical Implementation Guide, "SCTID
check digit"). The browser verifier mirrors it in static/verify/snomed.js.
"""

from __future__ import annotations

from functools import lru_cache

# Verhoeff (1969): multiplication in the dihedral group D5, and the position permutation.
_MULTIPLY = (
    (0, 1, 2, 3, 4, 5, 6, 7, 8, 9),
    (1, 2, 3, 4, 0, 6, 7, 8, 9, 5),
    (2, 3, 4, 0, 1, 7, 8, 9, 5, 6),
    (3, 4, 0, 1, 2, 8, 9, 5, 6, 7),
    (4, 0, 1, 2, 3, 9, 5, 6, 7, 8),
    (5, 9, 8, 7, 6, 0, 4, 3, 2, 1),
    (6, 5, 9, 8, 7, 1, 0, 4, 3, 2),
    (7, 6, 5, 9, 8, 2, 1, 0, 4, 3),
    (8, 7, 6, 5, 9, 3, 2, 1, 0, 4),
    (9, 8, 7, 6, 5, 4, 3, 2, 1, 0),
)
_PERMUTE = (
    (0, 1, 2, 3, 4, 5, 6, 7, 8, 9),
    (1, 5, 7, 6, 2, 8, 3, 0, 9, 4),
    (5, 8, 0, 3, 7, 9, 6, 1, 4, 2),
    (8, 9, 1, 6, 0, 4, 3, 5, 2, 7),
    (9, 4, 5, 3, 1, 2, 6, 8, 7, 0),
    (4, 2, 8, 6, 5, 7, 3, 9, 0, 1),
    (2, 7, 9, 3, 8, 0, 6, 4, 1, 5),
    (7, 0, 4, 6, 9, 1, 3, 2, 5, 8),
)


# Allergy ids come from a small vocabulary, so their checks are cached like code unpackings.
@lru_cache(maxsize=4096)
def check_digit_ok(sctid: str) -> bool:
    """Whether the decimal id `sctid` ends with its Verhoeff check digit."""
    if not sctid.isascii() or not sctid.isdigit():
        return False
    check = 0
    for position, digit in enumerate(reversed(sctid)):
        check = _MULTIPLY[check][_PERMUTE[position % 8][int(digit)]]
    return check == 0
