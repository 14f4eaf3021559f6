"""Which writing system a character belongs to, and the visual order of mixed runs.

The card prints one language per line, sometimes with a pictogram, digits or
a Latin code beside it. That needs far less than the full Unicode
Bidirectional Algorithm: each run of one font is shaped on its own (libraqm
orders the characters inside a run), and runs are put in visual order here.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from enum import Enum


class Script(Enum):
    LATIN = "latin"  # and Cyrillic and Greek: one Noto Sans font covers the three
    ARABIC = "arabic"
    HEBREW = "hebrew"
    ETHIOPIC = "ethiopic"
    GEORGIAN = "georgian"
    ARMENIAN = "armenian"
    DEVANAGARI = "devanagari"
    BENGALI = "bengali"
    GURMUKHI = "gurmukhi"
    TAMIL = "tamil"
    SINHALA = "sinhala"
    CJK = "cjk"
    SYMBOL = "symbol"


# The scripts of the card's eleven languages and of every language a holder may
# say they speak (languages.json prints each in its own script).
_RANGES: tuple[tuple[int, int, Script], ...] = (
    (0x0530, 0x058F, Script.ARMENIAN),
    (0x0590, 0x05FF, Script.HEBREW),
    (0x0600, 0x08FF, Script.ARABIC),  # Arabic, Syriac, Thaana, Arabic Supplement, Ext.
    (0x0900, 0x097F, Script.DEVANAGARI),
    (0x0980, 0x09FF, Script.BENGALI),
    (0x0A00, 0x0A7F, Script.GURMUKHI),
    (0x0B80, 0x0BFF, Script.TAMIL),
    (0x0D80, 0x0DFF, Script.SINHALA),
    (0x10A0, 0x10FF, Script.GEORGIAN),
    (0x1200, 0x139F, Script.ETHIOPIC),
    (0x1C90, 0x1CBF, Script.GEORGIAN),
    (0x2190, 0x2BFF, Script.SYMBOL),  # arrows, technical, dingbats, misc. symbols
    (0x2D00, 0x2D2F, Script.GEORGIAN),
    (0x2D80, 0x2DDF, Script.ETHIOPIC),
    (0x2E80, 0x9FFF, Script.CJK),  # radicals, CJK punctuation, kana, ideographs
    (0xA8E0, 0xA8FF, Script.DEVANAGARI),
    (0xAB00, 0xAB2F, Script.ETHIOPIC),
    (0xF900, 0xFAFF, Script.CJK),
    (0xFB1D, 0xFB4F, Script.HEBREW),
    (0xFB50, 0xFDFF, Script.ARABIC),  # presentation forms A
    (0xFE70, 0xFEFF, Script.ARABIC),  # presentation forms B
    (0xFF00, 0xFFEF, Script.CJK),  # full-width forms
    (0x1F000, 0x1FAFF, Script.SYMBOL),  # emoji and pictographs
)


def script_of(char: str) -> Script | None:
    """The script of `char`; None for characters every script shares (spaces, digits, ...)."""
    code = ord(char)
    for low, high, script in _RANGES:
        if low <= code <= high:
            category = unicodedata.category(char)
            # Arabic-Indic digits and punctuation read well in any Arabic run but are
            # neutral for ordering; symbols are always a script of their own.
            if script is not Script.SYMBOL and category[0] in "NPZC":
                return None
            return script
    category = unicodedata.category(char)
    if category[0] in "LM":
        return Script.LATIN
    if category == "So":
        return Script.SYMBOL
    return None


def is_rtl(text: str) -> bool:
    """True when the first strongly directional character of `text` is right-to-left."""
    for char in text:
        if unicodedata.bidirectional(char) in ("R", "AL"):
            return True
        if unicodedata.bidirectional(char) == "L":
            return False
    return False


@dataclass(frozen=True)
class Run:
    """Characters drawn with one font in one direction; `strong` None for neutral runs."""

    text: str
    font: str
    strong: bool | None  # True = right-to-left, False = left-to-right, None = neutral

    @property
    def rtl(self) -> bool:
        return bool(self.strong)


def visual_order(runs: list[Run], *, paragraph_rtl: bool) -> list[Run]:
    """Runs left to right as drawn, each with its direction resolved.

    Neutral runs take the direction of their neighbours when both agree and the
    paragraph's otherwise (UAX #9 rules N1 and N2, at the level of runs), except
    runs with digits, which stay left to right like the numbers they carry; then
    sequences of one direction are reversed as the paragraph requires.
    """
    resolved: list[Run] = []
    for index, run in enumerate(runs):
        if run.strong is not None:
            resolved.append(run)
            continue
        if any(char.isdigit() for char in run.text):
            # A number (a phone number, a date) reads left to right as a whole, its
            # "+" and "-" included, wherever it stands; the spaces around it follow
            # the line, so that they stay between the number and the words.
            number = run.text.strip(" ")
            lead, trail = run.text.split(number, 1)
            resolved.extend(
                Run(text, run.font, rtl)
                for text, rtl in ((lead, paragraph_rtl), (number, False), (trail, paragraph_rtl))
                if text
            )
            continue
        before = next((r.strong for r in reversed(runs[:index]) if r.strong is not None), None)
        after = next((r.strong for r in runs[index + 1 :] if r.strong is not None), None)
        if before is None:
            before = paragraph_rtl
        if after is None:
            after = paragraph_rtl
        direction = before if before == after else paragraph_rtl
        resolved.append(Run(run.text, run.font, direction))
    groups: list[list[Run]] = []
    for run in resolved:
        if groups and groups[-1][0].strong == run.strong:
            groups[-1].append(run)
        else:
            groups.append([run])
    ordered = [list(reversed(group)) if group[0].strong else group for group in groups]
    if paragraph_rtl:
        ordered.reverse()
    return [run for group in ordered for run in group]
