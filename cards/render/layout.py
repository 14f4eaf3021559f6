"""The card laid out for one printer profile: where every line, rule and QR module goes.

Pure: a `Card`, its QR symbol, the two languages, the centre's name and a
profile in; a frozen `CardLayout` out. Text that does not fit is wrapped, then
the QR square drops from the profile's larger size to its smaller, then text
shrinks (down to `SCALES[-1]`), then the QR drops to its narrowest readable
modules, then clinical lists are summarised ("+2 more — scan the code", the
QR carries them all); never cut silently. When even that does not fit,
`LayoutError`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

from cards.errors import CardError
from cards.model import Card, ClinicalField
from cards.qr import QUIET_ZONE, QrSymbol
from cards.render.content import (
    CLINICIAN_MARK,
    CardContent,
    ClinicalList,
    Languages,
    Pair,
    Phrase,
    card_content,
)
from cards.render.flow import Column, Item, QrItem, Style, TextMeasure
from cards.render.profiles import MM_PER_INCH, Orientation, PrinterProfile
from cards.valuesets import RTL_LANGUAGES

SCALES = (1.0, 0.92, 0.85, 0.8)
# The back says little: it starts larger, for a reader without glasses.
BACK_SCALES = (1.25, 1.1, *SCALES)
MIN_MODULE_MM = 0.33  # below this, phone cameras misread printed codes
SMALLEST_QR_MM = 0.0  # asks `qr_box_dots` for the square of the narrowest readable modules
INFO_MIN_MM = 18.0  # narrowest column for the card code and expiry beside a QR
TITLE = Style(7, bold=True)
NAME = Style(9.5, bold=True)
LATIN = Style(7)
LABEL = Style(6)
VALUE = Style(7, bold=True)
BLOOD = Style(15, bold=True)
HEADING = Style(6.5, bold=True)
ITEM = Style(6.5)
SMALL = Style(5.5)
# Summarising takes items off the least urgent list first; allergies go last.
SUMMARY_ORDER = (ClinicalField.CONDITIONS, ClinicalField.MEDICATIONS, ClinicalField.ALLERGIES)


class LayoutError(CardError):
    """The card cannot be laid out on this profile (QR too dense, text too long)."""

    code = "layout"


@dataclass(frozen=True)
class Side:
    width: int
    height: int
    items: tuple[Item, ...]


@dataclass(frozen=True)
class CardLayout:
    profile: PrinterProfile
    front: Side
    back: Side
    scale: float  # of the text, 1.0 when nothing had to shrink
    left_off: tuple[tuple[ClinicalField, int], ...]  # items summarised, per list

    @property
    def qr(self) -> QrItem:
        return next(item for item in self.front.items if isinstance(item, QrItem))


def qr_box_dots(
    profile: PrinterProfile,
    symbol: QrSymbol,
    room: int,
    size_mm: float,
    *,
    fallback: int | None = None,
) -> int:
    """Dots across the QR's square, quiet zone included: `size_mm` or `room`, the smaller.

    The code fills that square (see `module_edges`); its narrowest module stays
    at least `MIN_MODULE_MM`. When that cannot fit `room` and a `fallback` room
    is given, the square for that room.
    """
    modules = symbol.size + 2 * QUIET_ZONE
    needed = math.ceil(MIN_MODULE_MM * profile.dpi / MM_PER_INCH) * modules
    # The size asked is a preference; the smallest readable module wins over it.
    box = max(needed, min(profile.dots(size_mm), room))
    if box > room:
        if fallback is not None:
            return qr_box_dots(profile, symbol, fallback, size_mm)
        raise LayoutError(
            f"QR version {symbol.version} needs {needed} dots with its quiet zone; "
            f"profile {profile.name} has room for {room}",
            code="qr_too_dense",
        )
    return box


def layout_card(
    card: Card,
    symbol: QrSymbol,
    *,
    holder_language: str,
    receiving_language: str,
    centre: str,
    profile: PrinterProfile,
    measure: TextMeasure,
) -> CardLayout:
    """Lay out `card` for `profile`, holder's and receiving country's languages side by side."""
    languages = Languages(first=receiving_language, second=holder_language)
    content = card_content(card, languages, centre=centre)
    totals = {c.field: len(c.items) for c in content.lists}
    shown = dict(totals)
    # The larger QR square only with full-size text; else the smaller square, the text
    # shrinking; then the narrowest readable modules, before any list is summarised.
    attempts = dict.fromkeys(
        [
            (SCALES[0], profile.qr_max_mm),
            *((scale, profile.qr_min_mm) for scale in SCALES),
            (SCALES[-1], SMALLEST_QR_MM),
        ]
    )
    front = None
    for scale, qr_mm in attempts:
        front = _front(content, languages, symbol, profile, measure, scale, qr_mm, shown, False)
        if front is not None:
            break
    else:
        while front is None:
            front = _front(content, languages, symbol, profile, measure, scale, qr_mm, shown, True)
            if front is None and not _summarise_one_more(shown, totals):
                raise LayoutError(
                    f"card text does not fit profile {profile.name} even with lists summarised",
                    code="text_too_long",
                )
    back = None
    for back_scale in BACK_SCALES:
        back = _back(content, profile, measure, back_scale, back_scale == BACK_SCALES[-1])
        if back is not None:
            break
    if back is None:
        raise LayoutError(f"card back does not fit profile {profile.name}", code="text_too_long")
    left_off = tuple((f, totals[f] - shown[f]) for f in totals if totals[f] > shown[f])
    return CardLayout(profile, front, back, scale, left_off)


def _summarise_one_more(shown: dict[ClinicalField, int], totals: dict[ClinicalField, int]) -> bool:
    """Take items off the longest list (least urgent first on ties); False if none left.

    A list's first summary hides two items, since its "+N more" line takes one.
    """
    candidates = [f for f in SUMMARY_ORDER if shown[f] > 0]
    if not candidates:
        return False
    longest = max(candidates, key=lambda f: shown[f])
    shown[longest] -= 1 if shown[longest] < totals[longest] else min(2, shown[longest])
    return True


def _front(
    content: CardContent,
    languages: Languages,
    symbol: QrSymbol,
    profile: PrinterProfile,
    measure: TextMeasure,
    scale: float,
    qr_mm: float,
    shown: dict[ClinicalField, int],
    break_words: bool,
) -> Side | None:
    margin, height = profile.margin_dots, profile.side_height_dots
    bottom = height - margin
    rtl = languages.first in RTL_LANGUAGES
    gap = profile.dots(1.5)
    full = Column(
        measure, profile, margin, margin, profile.printable_dots, bottom, scale, rtl, break_words
    )
    if profile.orientation is Orientation.LANDSCAPE:
        # QR top right, its details under it; the holder's column fills the left.
        box = qr_box_dots(profile, symbol, min(profile.printable_dots // 2, bottom - margin), qr_mm)
        qr = QrItem(profile.dots_wide - margin - box, margin, box, symbol.matrix)
        info = replace(full, x=qr.x, y=margin + box, width=box, items=[])
        text = replace(full, width=qr.x - gap - margin, items=[])
        _title(text, content)
    else:
        # Title across, QR top left with its details beside it (or under it when the
        # symbol is too wide for that), then the holder's data.
        _title(full, content)
        beside = profile.printable_dots - profile.dots(INFO_MIN_MM)
        box = qr_box_dots(profile, symbol, max(beside, 0), qr_mm, fallback=profile.printable_dots)
        if box <= beside:
            qr = QrItem(margin, full.y, box, symbol.matrix)
            info = replace(
                full,
                x=margin + box + gap // 2,
                items=[],
                width=profile.printable_dots - box - gap // 2,
            )
        else:
            qr = QrItem(margin + (profile.printable_dots - box) // 2, full.y, box, symbol.matrix)
            info = replace(full, y=full.y + box, items=[])
        text = replace(full, y=full.y + box, items=[])
    _info(info, content)
    text.y = max(text.y, info.y + gap) if profile.orientation is Orientation.PORTRAIT else text.y
    _holder(text, content, shown)
    columns = [full, info, text]
    if not all(column.fits for column in columns):
        return None
    items: list[Item] = [qr]
    for column in columns:
        items.extend(column.items)
    return Side(profile.dots_wide, height, tuple(items))


def _title(column: Column, content: CardContent) -> None:
    column.pair(content.title, TITLE)
    column.gap(1)
    column.rule()
    column.gap(1.5)


def _info(column: Column, content: CardContent) -> None:
    """Under the QR: card code, expiry, issuer, and how to verify."""
    column.pair(content.code_label, SMALL)
    column.text(Phrase(content.card_code, "en"), Style(SMALL.size_pt + 1, bold=True))
    column.pair(_with_value(content.expires_label, content.expires), SMALL)
    column.text(Phrase(content.centre, content.issuer_label.first.language), SMALL)
    column.gap(1)
    # One line, for whoever holds a phone to it: the receiving country's language.
    column.text(content.scan.first, SMALL)


def _holder(column: Column, content: CardContent, shown: dict[ClinicalField, int]) -> None:
    column.text(content.name, NAME)
    if content.name_latin:
        column.text(Phrase(content.name_latin, "en"), LATIN)
    column.gap(1)
    column.pair(_with_value(content.birth_label, content.birth_date), LABEL)
    mark = f" {CLINICIAN_MARK}" if content.blood_confirmed else ""
    label = _prefixed(content.blood_pictogram, content.blood_label)
    if content.blood_code:
        column.beside(label, LABEL, Phrase(content.blood_code + mark, "en"), BLOOD)
    else:
        column.pair(label, LABEL)
        column.pair(_prefixed("", content.blood_group, mark), VALUE)
    for clinical in content.lists:
        column.gap(1)
        _clinical(column, clinical, shown[clinical.field], content)
    if content.clinician_legend:
        column.gap(1)
        column.text(content.clinician_legend.first, SMALL)


def _clinical(column: Column, clinical: ClinicalList, shown: int, content: CardContent) -> None:
    mark = f" {CLINICIAN_MARK}" if clinical.confirmed else ""
    column.pair(_prefixed(clinical.pictogram, clinical.heading, mark), HEADING)
    indent = column.profile.dots(2)
    if clinical.state_text is not None:
        column.pair(clinical.state_text, ITEM, indent=indent)
        return
    for item in clinical.items[:shown]:
        column.pair(_prefixed(item.pictogram, item.label), ITEM, indent=indent)
    hidden = len(clinical.items) - shown
    if hidden:
        # For the doctor, who is the one to scan: the receiving country's language only.
        more = content.more_items(hidden, clinical.heading.first.language)
        column.text(more, Style(ITEM.size_pt, bold=True), indent=indent)


def _back(
    content: CardContent,
    profile: PrinterProfile,
    measure: TextMeasure,
    scale: float,
    break_words: bool,
) -> Side | None:
    margin, height = profile.margin_dots, profile.side_height_dots
    column = Column(
        measure,
        profile,
        margin,
        margin,
        profile.printable_dots,
        height - margin,
        scale,
        content.title.first.language in RTL_LANGUAGES,
        break_words,
    )
    _title(column, content)
    column.pair(content.contact_label, HEADING)
    language = (content.contact_label.second or content.contact_label.first).language
    column.text(Phrase(content.contact or "—", language), VALUE)
    if content.contact_latin:
        column.text(Phrase(content.contact_latin, "en"), LATIN)
    column.gap(1)
    column.pair(content.languages_label, HEADING)
    column.text(Phrase(content.languages_spoken or "—", language), VALUE)
    column.gap(1.5)
    column.pair(_with_value(content.issued_label, content.issued), LABEL)
    column.pair(_with_value(content.expires_label, content.expires), LABEL)
    column.text(Phrase(content.centre, content.issuer_label.first.language), LABEL)
    column.gap(2)
    column.rule(1)
    column.gap(1)
    column.pair(content.not_identity, HEADING)
    if not column.fits:
        return None
    return Side(profile.dots_wide, height, tuple(column.items))


def _with_value(label: Pair, value: str) -> Pair:
    """The label in both languages, the value once, after the first."""
    return Pair(Phrase(f"{label.first.text} {value}", label.first.language), label.second)


def _prefixed(symbol: str, pair: Pair, suffix: str = "") -> Pair:
    first = f"{symbol} {pair.first.text}" if symbol else pair.first.text
    return Pair(Phrase(first + suffix, pair.first.language), pair.second)
