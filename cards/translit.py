"""ICAO 9303 transliteration of names to the Latin letters of a travel document.

Covers Latin with diacritics, Cyrillic and Arabic script (the tables ICAO
publishes). For other scripts `icao_latin` returns None and the issuer
stores a Latin spelling on the card instead.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

from cards.packing import APOSTROPHES, ZWNJ

# Apostrophes (every usual form), the full stop and the zero-width non-joiner have no
# letter in a travel document's Latin name.
_DROPPED = frozenset("'." + ZWNJ + APOSTROPHES)

@cache
def _table() -> dict[str, Any]:
    text = resources.files("cards.valuesets").joinpath("data/icao9303.json").read_text("utf-8")
    table: dict[str, Any] = json.loads(text)
    return table


def icao_latin(name: str) -> str | None:
    """The ICAO 9303 Latin form of `name` (upper case, spaces kept), or None if uncovered."""
    table = _table()
    mapping: dict[str, str] = table["map"]
    final: dict[str, str] = table["final"]
    doubling: str = table["doubling"]
    upper = name.upper()
    out: list[str] = []
    previous = ""
    for index, char in enumerate(upper):
        if char == doubling:
            out.append(previous)
            continue
        if char in " -":
            out.append(" ")
            previous = ""
            continue
        if char in _DROPPED:
            previous = ""
            continue
        if "A" <= char <= "Z":
            letters = char
        elif char in final and (index + 1 == len(upper) or upper[index + 1] in " -"):
            letters = final[char]
        elif char in mapping:
            letters = mapping[char]
        else:
            return None
        out.append(letters)
        previous = letters
    return " ".join("".join(out).split())
