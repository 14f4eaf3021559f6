"""Compact, reversible packings that keep the card inside QR version 10.

Each `pack_*` has an `unpack_*` that raises `Malformed(code="out_of_range")`
for any value the packer could not have produced, so every packed form has
exactly one meaning.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, timedelta
from functools import lru_cache

from cards.errors import Malformed

EPOCH = date(1970, 1, 1)
BIRTH_EPOCH = date(1900, 1, 1)

_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
ATC_PATTERN = re.compile(r"^[A-Z]\d\d[A-Z][A-Z]\d\d$")
ICD10_PATTERN = re.compile(r"^[A-Z]\d\d(\.\d)?$")
LANGUAGE_PATTERN = re.compile(r"^[a-z]{2,3}$")
PHONE_PATTERN = re.compile(r"^\+[1-9]\d{6,14}$")
# Codes come from a small vocabulary, so their unpackings are cached.
CODE_CACHE_SIZE = 4096
_ATC_LIMIT = 26 * 100 * 26 * 26 * 100
_ICD10_LIMIT = 26 * 100 * 11
_LANGUAGE_LIMIT = 27**3


def _out_of_range(what: str) -> Malformed:
    return Malformed(f"{what} is out of range", code="out_of_range")


def day_number(day: date) -> int:
    return (day - EPOCH).days


@lru_cache(maxsize=CODE_CACHE_SIZE)
def from_day_number(number: int) -> date:
    if not 0 <= number <= 65535:
        raise _out_of_range(f"day number {number}")
    return EPOCH + timedelta(days=number)


def pack_atc(code: str) -> bytes:
    """A 7-character ATC code in 4 bytes."""
    l1, d1, l2, l3, d2 = code[0], code[1:3], code[3], code[4], code[5:7]
    value = (
        ((_LETTERS.index(l1) * 100 + int(d1)) * 26 + _LETTERS.index(l2)) * 26 + _LETTERS.index(l3)
    ) * 100 + int(d2)
    return value.to_bytes(4, "big")


@lru_cache(maxsize=CODE_CACHE_SIZE)
def unpack_atc(packed: bytes) -> str:
    value = int.from_bytes(packed, "big")
    if value >= _ATC_LIMIT:
        raise _out_of_range("ATC code")
    value, d2 = divmod(value, 100)
    value, l3 = divmod(value, 26)
    value, l2 = divmod(value, 26)
    l1, d1 = divmod(value, 100)
    return f"{_LETTERS[l1]}{d1:02d}{_LETTERS[l2]}{_LETTERS[l3]}{d2:02d}"


def pack_icd10(code: str) -> bytes:
    """An ICD-10 code (A00 to Z99.9) in 2 bytes."""
    subdivision = int(code[4]) + 1 if len(code) == 5 else 0
    value = (_LETTERS.index(code[0]) * 100 + int(code[1:3])) * 11 + subdivision
    return value.to_bytes(2, "big")


@lru_cache(maxsize=CODE_CACHE_SIZE)
def unpack_icd10(packed: bytes) -> str:
    value = int.from_bytes(packed, "big")
    if value >= _ICD10_LIMIT:
        raise _out_of_range("ICD-10 code")
    value, subdivision = divmod(value, 11)
    letter, digits = divmod(value, 100)
    code = f"{_LETTERS[letter]}{digits:02d}"
    return f"{code}.{subdivision - 1}" if subdivision else code


def pack_language(code: str) -> bytes:
    """An ISO 639-1 or 639-3 code in 2 bytes (three base-27 letters, 0 = none)."""
    letters = [ord(c) - 96 for c in code] + [0] * (3 - len(code))
    return ((letters[0] * 27 + letters[1]) * 27 + letters[2]).to_bytes(2, "big")


@lru_cache(maxsize=CODE_CACHE_SIZE)
def unpack_language(packed: bytes) -> str:
    value = int.from_bytes(packed, "big")
    first, rest = divmod(value, 27 * 27)
    second, third = divmod(rest, 27)
    if value >= _LANGUAGE_LIMIT or first == 0 or second == 0:
        raise _out_of_range("language code")
    return "".join(chr(96 + n) for n in (first, second, third) if n)


def pack_phone(phone: str) -> bytes:
    """An E.164 number as the shortest big-endian integer (no leading zero byte)."""
    value = int(phone[1:])
    return value.to_bytes((value.bit_length() + 7) // 8, "big")


def unpack_phone(packed: bytes) -> str:
    if not packed or packed[0] == 0:
        raise Malformed("phone number not in shortest form", code="non_canonical")
    phone = f"+{int.from_bytes(packed, 'big')}"
    if not PHONE_PATTERN.match(phone):
        raise _out_of_range("phone number")
    return phone


def pack_birth(year: int, month: int | None, day: int | None) -> int:
    """Days since 1900-01-01 for a full date; -1 - (year - 1900) for a year alone."""
    if month is None or day is None:
        return -1 - (year - 1900)
    return (date(year, month, day) - BIRTH_EPOCH).days


def unpack_birth(value: int) -> tuple[int, int | None, int | None]:
    if value < 0:
        year = 1900 + (-1 - value)
        if year > 2199:
            raise _out_of_range("birth year")
        return year, None, None
    if value > 65535:
        raise _out_of_range("birth date")
    born = BIRTH_EPOCH + timedelta(days=value)
    return born.year, born.month, born.day


# Names: NFC text. A name written in one non-Latin script packs to one byte a
# letter (UTF-8 takes two for Arabic and Cyrillic, three for Ethiopic and
# Georgian): a 2-byte window start W, then each letter as its offset from W.
_WINDOW_SPAN = 0xFC
ZWNJ = "\u200c"  # zero-width non-joiner: part of the spelling of many Persian names
_WINDOW_PUNCTUATION = {ZWNJ: 0xFC, " ": 0xFD, "-": 0xFE, "'": 0xFF}
_PUNCTUATION_OF_BYTE = {v: k for k, v in _WINDOW_PUNCTUATION.items()}
NAME_PUNCTUATION = frozenset(" -'.")
FORBIDDEN_NAME_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})


_PUNCTUATION_DELETE = str.maketrans("", "", " -'.")
# The apostrophes keyboards and autocorrect type (N’Diaye, Марʼяна): a card carries the
# ASCII one, so a name has one spelling on the card, in the QR and in the holder index.
APOSTROPHES = "\u2019\u2018\u02bc\uff07"
_PLAIN_APOSTROPHES = str.maketrans(dict.fromkeys(APOSTROPHES, "'"))


def plain_apostrophes(name: str) -> str:
    """`name` with every usual apostrophe form written as the ASCII apostrophe."""
    return name.translate(_PLAIN_APOSTROPHES)


def check_name(name: str) -> str | None:
    """Why `name` cannot be printed safely on a card, or None when it can."""
    if not name or name != name.strip() or "  " in name:
        return "must not be empty or have leading, trailing or double spaces"
    if not unicodedata.is_normalized("NFC", name):
        return "must be in Unicode NFC form"
    if name.translate(_PUNCTUATION_DELETE).isalpha():
        return None  # letters only (category L): the common case, checked in C
    for before, char, after in zip(" " + name, name, name[1:] + " ", strict=False):
        if char == ZWNJ and not (before.isalpha() and after.isalpha()):
            return "has a zero-width non-joiner that is not between two letters"
    for char in name:
        category = unicodedata.category(char)
        if char == ZWNJ:
            continue
        # Cf covers the bidi overrides (U+202E ...) that could spoof a printed name.
        if category in FORBIDDEN_NAME_CATEGORIES or (
            category[0] not in "LM" and char not in NAME_PUNCTUATION
        ):
            return f"contains a character that is not allowed (U+{ord(char):04X})"
    return None


_WINDOW_PUNCTUATION_BYTES = bytes(_WINDOW_PUNCTUATION.values())
_WINDOW_PUNCTUATION_DELETE = str.maketrans("", "", "".join(_WINDOW_PUNCTUATION))


def pack_name(name: str) -> str | bytes:
    letters = name.translate(_WINDOW_PUNCTUATION_DELETE)
    if not letters:
        return name
    window = ord(min(letters))
    # The window start is two bytes: names above U+FFFF (rare historic scripts) stay UTF-8.
    span = ord(max(letters)) - window
    if not 0x80 <= window <= 0xFFFF or span >= _WINDOW_SPAN or "." in name:
        return name
    packed = window.to_bytes(2, "big") + bytes(
        _WINDOW_PUNCTUATION[c] if c in _WINDOW_PUNCTUATION else ord(c) - window for c in name
    )
    return packed if len(packed) < len(name.encode("utf-8")) else name


@lru_cache(maxsize=64)
def _window_table(window: int) -> dict[int, int]:
    """Byte -> code point of a packed name with this window start (a script has one or two)."""
    table = {offset: window + offset for offset in range(_WINDOW_SPAN)}
    table.update((byte, ord(char)) for byte, char in _PUNCTUATION_OF_BYTE.items())
    return table


def unpack_name(value: str | bytes) -> str:
    if isinstance(value, str):
        name = value
        # An ASCII name is never packed; any other must not have had a shorter packing.
        canonical = name.isascii() or pack_name(name) == name
    else:
        if len(value) < 3:
            raise Malformed("packed name too short", code="out_of_range")
        window = int.from_bytes(value[:2], "big")
        offsets = value[2:]
        letters = offsets.translate(None, _WINDOW_PUNCTUATION_BYTES)
        name = offsets.decode("latin-1").translate(_window_table(window))
        canonical = (
            window >= 0x80
            and bool(letters)
            and min(letters) == 0
            and len(value) < len(name.encode("utf-8", "surrogatepass"))
        )
    problem = check_name(name)
    if problem:
        raise Malformed(f"name {problem}", code="bad_name")
    if not canonical:
        raise Malformed("name not in its shortest packed form", code="non_canonical")
    return name
