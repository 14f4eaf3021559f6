"""The holder's recovery slip: the recovery code, printed apart from the card.

The recovery code lets the holder read who opened their record, mask items
and ask for a reissue; it must never be on the card, so it gets its own
print-out, cut off from the card, in the same two languages. It says where
the code is used (the centre's holder pages) in the holder's language and in
English, the language a helper anywhere is likeliest to read.
"""

from __future__ import annotations

from cards import valuesets
from cards.render.content import Languages, Phrase
from cards.render.flow import Column, Style, TextMeasure
from cards.render.layout import SCALES, LayoutError, Side
from cards.render.profiles import PrinterProfile

TITLE = Style(8, bold=True)
TEXT = Style(6.5)
LABEL = Style(6)
CODE = Style(8, bold=True)
RECOVERY = Style(12, bold=True)
ADDRESS = Style(7.5, bold=True)
# Never taller than this: the slip is a strip of a roll, not a document.
MAX_SLIP_MM = 120.0


def group_code(code: str, size: int = 4) -> str:
    """A long code in groups (`ABCD EFGH ...`): easier to copy by hand without a slip."""
    plain = code.replace("-", "").replace(" ", "")
    return " ".join(plain[i : i + size] for i in range(0, len(plain), size))


def _one_line(column: Column, code: str) -> Style:
    """The largest style, down to CODE, that keeps the recovery code on one line: a code
    copied by hand from two lines loses its order."""
    for size_pt in (RECOVERY.size_pt, 11, 10, 9, CODE.size_pt):
        style = Style(size_pt, bold=True)
        width = column.measure.extent(group_code(code), column.size(style), bold=True).width
        if width <= column.width:
            return style
    return CODE


def layout_slip(
    card_code: str,
    recovery_code: str,
    *,
    holder_language: str,
    receiving_language: str,
    centre: str,
    holder_address: str,
    profile: PrinterProfile,
    measure: TextMeasure,
) -> Side:
    """The slip for `profile`, as tall as its text needs."""
    # The slip is the holder's: their language first.
    languages = Languages(first=holder_language, second=receiving_language)
    where = Languages(first=holder_language, second="en").term("slip.where")
    margin = profile.margin_dots
    limit = profile.dots(MAX_SLIP_MM)
    for scale in SCALES:
        column = Column(
            measure,
            profile,
            margin,
            margin,
            profile.printable_dots,
            limit - margin,
            scale,
            holder_language in valuesets.RTL_LANGUAGES,
            scale == SCALES[-1],
        )
        for phrase in languages.term("slip.title").phrases:
            column.text(phrase, TITLE)
        column.gap(2)
        column.rule()
        column.gap(2)
        column.pair(languages.term("field.card_code"), LABEL)
        column.text(Phrase(card_code, "en"), CODE)
        column.gap(2)
        column.pair(languages.term("slip.recovery_code"), LABEL)
        column.text(Phrase(group_code(recovery_code), "en"), _one_line(column, recovery_code))
        column.gap(2)
        for phrase in languages.term("slip.instructions").phrases:
            column.text(phrase, TEXT)
            column.gap(1)
        column.gap(1)
        for phrase in where.phrases:
            column.text(phrase, TEXT)
        column.text(Phrase(holder_address, "en"), ADDRESS)
        column.gap(2)
        column.text(Phrase(centre, receiving_language), LABEL)
        if column.fits:
            return Side(profile.dots_wide, column.y + margin, tuple(column.items))
    raise LayoutError(f"recovery slip does not fit profile {profile.name}", code="text_too_long")
