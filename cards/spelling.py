"""Readable Latin spellings of names: the Latin line people read when no document spells it.

ICAO 9303 (cards/translit.py) is built to be reversible, so it marks Arabic
letters with X ("MXHMD"): right for machine matching, unreadable for a doctor.
Here a name in Arabic script is spelled from a table of common names and
their usual spellings, then by letter rules; Ethiopic and Georgian by letter
rules; Latin and Cyrillic keep their ICAO form, which is what their passports
print. The table and the rules are data (valuesets/data/names_latin.json),
shared with the browser twin static/verify/spelling.js.
"""

from __future__ import annotations

import json
import re
from functools import cache
from importlib import resources
from typing import Any

from cards.translit import icao_latin

_ARABIC = re.compile("[\u0600-\u06ff\u0750-\u077f]")
_PERSIAN_LETTERS = frozenset("پچژگیکټډړږښځڅڼګېۍ")
# Short vowels, shadda, sukun, superscript alef and tatweel: absent from most typed names.
_MARKS = re.compile("[\u064b-\u065f\u0670\u0640]")
_LETTER_FORMS = str.maketrans({
    "أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ی": "ي", "ئ": "ي", "ک": "ك", "ګ": "گ", "ؤ": "و",
    "ء": None, "\u200c": None,
})  # fmt: skip
_KEY_FORMS = str.maketrans({"ى": "ي", "ې": "ي", "ۍ": "ي"})
_VOWEL_LETTERS = frozenset("اىعةېۍ")
_GLIDES = frozenset("وي")
_SEPARATORS = re.compile(r"[\s\-\u1361]+")


@cache
def name_table() -> dict[str, Any]:
    """The name table and letter rules, as the browser receives them."""
    text = resources.files("cards.valuesets").joinpath("data/names_latin.json").read_text("utf-8")
    table: dict[str, Any] = json.loads(text)
    return table


@cache
def _names(persian: bool) -> dict[str, str]:
    table = name_table()
    section = table["names_persian" if persian else "names"]
    return {lookup_key(name): spelling for name, spelling in section.items()}


def letter_form(word: str) -> str:
    """An Arabic-script word without short vowels, its letters in one form per sound."""
    return _MARKS.sub("", word).translate(_LETTER_FORMS)


def lookup_key(word: str) -> str:
    return letter_form(word).translate(_KEY_FORMS)


def _lookup(key: str, persian: bool) -> str | None:
    """The table's spelling: the Persian and Pashto one first for a name that has their
    letters, the Arabic one first otherwise (many names are written alike in both)."""
    first, then = _names(persian), _names(not persian)
    return first.get(key) or then.get(key)


def _letters(word: str, persian: bool) -> str:
    """A word spelled letter by letter: consonants, long vowels, and A between two consonants
    where Arabic and Persian write no vowel (after the first consonant, and before a consonant
    that no vowel follows)."""
    rules = name_table()["arabic_letters"]
    consonants: dict[str, str] = dict(rules["consonants"])
    if persian:
        consonants.update(rules["persian_consonants"])
    vowels: dict[str, str] = rules["vowels"]
    units: list[tuple[str, bool]] = []  # (letters, is_vowel)
    for index, char in enumerate(word):
        following = word[index + 1] if index + 1 < len(word) else ""
        last = not following
        if char in _GLIDES:
            glide = index == 0 or (units and units[-1][1]) or following in _VOWEL_LETTERS | _GLIDES
            if glide:
                units.append((consonants.get(char) or rules["glides"][char], False))
            else:
                units.append((vowels[char], True))
        elif char == "ه" and last and persian and units and not units[-1][1]:
            units.append((rules["persian_final_heh"], True))
        elif char in vowels:
            units.append((vowels[char], True))
        elif char in consonants:
            units.append((consonants[char], False))
    out: list[str] = []
    for index, (letters, is_vowel) in enumerate(units):
        if index > 0 and not is_vowel and not units[index - 1][1]:
            next_is_vowel = index + 1 < len(units) and units[index + 1][1]
            if index == 1 or not next_is_vowel:
                out.append(rules["inserted_vowel"])
        out.append(letters)
    return "".join(out)


def _arabic_word(word: str, persian: bool) -> str:
    rules: dict[str, str] = name_table()["arabic_letters"]
    key = lookup_key(word)
    known = _lookup(key, persian)
    if known:
        return known
    if key.endswith("الله") and len(key) > 4:
        return _arabic_word(key[:-4], persian) + rules["ullah"]
    if key.startswith("عبدال") and len(key) > 5:
        return rules["abd"] + _arabic_word(key[5:], persian)
    if key.startswith("ال") and len(key) > 3:
        return rules["article"] + _arabic_word(key[2:], persian)
    return _letters(letter_form(word), persian)


def _arabic_words(words: list[str], persian: bool) -> list[str]:
    rules = name_table()["arabic_letters"]
    out: list[str] = []
    index = 0
    while index < len(words):
        word, following = words[index], words[index + 1] if index + 1 < len(words) else ""
        pair = following and _lookup(f"{lookup_key(word)} {lookup_key(following)}", persian)
        if pair:
            out.append(pair)
            index += 2
        elif following and lookup_key(following) == "الله":
            out.append(_arabic_word(word, persian) + rules["ullah"])
            index += 2
        elif following and lookup_key(word) == "عبد" and lookup_key(following).startswith("ال"):
            out.append(rules["abd"] + _arabic_word(lookup_key(following)[2:], persian))
            index += 2
        else:
            out.append(_arabic_word(word, persian))
            index += 1
    return out


def _ethiopic(word: str) -> str | None:
    rules = name_table()["ethiopic"]
    out: list[str] = []
    for char in word:
        point = ord(char)
        if not 0x1200 <= point <= 0x135F:
            return None
        row, order = f"{point & ~7:x}", point & 7
        if row in rules["labialised"]:
            out.append(rules["labialised"][row] + rules["labialised_orders"][order])
        elif row not in rules["rows"]:
            return None
        elif rules["rows"][row] == "":
            out.append(rules["vowel_rows_orders"][order])
        elif order == 0 and rules["rows"][row] == "H":
            out.append("H" + rules["h_rows_first"])
        else:
            out.append(rules["rows"][row] + rules["orders"][order])
    return "".join(out)


def _georgian(word: str) -> str | None:
    letters: dict[str, str] = name_table()["georgian"]
    if not all(char in letters for char in word):
        return None
    return "".join(letters[char] for char in word)


def _script(word: str) -> str:
    first = word[0]
    if _ARABIC.match(first):
        return "arabic"
    if 0x1200 <= ord(first) <= 0x137F:
        return "ethiopic"
    if 0x10A0 <= ord(first) <= 0x10FF:
        return "georgian"
    return "other"


def readable_latin(name: str) -> str | None:
    """The name in Latin letters as people read it (upper case), or None for a script
    neither the table, the letter rules nor ICAO 9303 covers."""
    words = [w for w in _SEPARATORS.split(name.strip()) if w]
    persian = any(char in _PERSIAN_LETTERS for char in name)
    out: list[str] = []
    index = 0
    while index < len(words):
        script = _script(words[index])
        end = index
        while end < len(words) and _script(words[end]) == script:
            end += 1
        run = words[index:end]
        index = end
        if script == "arabic":
            out.extend(_arabic_words(run, persian))
            continue
        for word in run:
            spelled = {"ethiopic": _ethiopic, "georgian": _georgian}.get(script, icao_latin)(word)
            if not spelled:
                return None
            out.append(spelled)
    spelled_name = " ".join(" ".join(out).split())
    return spelled_name or None


def latin_line(name: str, stored: str | None) -> str | None:
    """The Latin line shown to people: the documents' spelling stored on the card, else the
    readable spelling, else the ICAO 9303 form."""
    return stored or readable_latin(name) or icao_latin(name)


def shown_latin(name: str, name_latin: str | None) -> str | None:
    """The Latin line of a card in its JSON form (cards.export), whose `name_latin` is the
    stored spelling or, when none is stored, the ICAO 9303 form the verifier computed."""
    return latin_line(name, None if name_latin == icao_latin(name) else name_latin)
