"""On a 58 mm roll, pictograms and Ethiopic text are measured on the printed image.

The card shrinks its text to fit a 48 mm head; the profile's floors keep a
pictogram at least PICTOGRAM_MIN_DOTS of ink tall (3 mm at 203 dpi: strokes two
dots wide, which a thermal head does not smear) and Ethiopic at least
ETHIOPIC_MIN_DOTS of ink with ETHIOPIC_GAP_DOTS of white between lines (its vowel
marks are a dot or two on the consonant and must not touch the line below).
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import pairwise

import pytest
from PIL import Image

from cards.model import Card
from cards.render.content import CLINICIAN_MARK
from cards.render.flow import TextItem
from cards.render.fonts import FontSet
from cards.render.image import render_card
from cards.render.layout import CardLayout, layout_card
from cards.render.profiles import PROFILES
from cards.render.scripts import Script, script_of
from signing.issuance import IssuedCard
from tests.builders import with_emergency
from tests.cards.render.conftest import reference_card

PICTOGRAM_MIN_DOTS = 24
ETHIOPIC_MIN_DOTS = 14
ETHIOPIC_GAP_DOTS = 3
ROLL = PROFILES["58mm"]

Sign = Callable[[Card], IssuedCard]


def lay_out(issued: IssuedCard, fonts: FontSet) -> tuple[CardLayout, Image.Image]:
    layout = layout_card(
        issued.card, issued.symbol, holder_language="ti", receiving_language="fr",
        centre="Centre d'accueil de Paris", profile=ROLL, measure=fonts,
    )  # fmt: skip
    return layout, render_card(layout, fonts)[0]


def ink_rows(image: Image.Image) -> list[int]:
    """The rows of `image` holding any ink."""
    return [
        y
        for y in range(image.height)
        if image.crop((0, y, image.width, y + 1)).getextrema()[0] < 128
    ]


def pictogram_heights(layout: CardLayout, front: Image.Image) -> list[int]:
    """Ink extent of each line's leading pictogram, cut from the printed front (the
    clinician's plain cross, a mark rather than a picture, is left out)."""
    heights = []
    for item in layout.front.items:
        if not (isinstance(item, TextItem) and script_of(item.text[:1] or " ") is Script.SYMBOL):
            continue
        if item.text.startswith(CLINICIAN_MARK):
            continue
        line = front.crop((item.x, item.y, item.x + item.width, item.y + item.height))
        columns = [
            line.crop((x, 0, x + 1, line.height)).getextrema()[0] < 128 for x in range(line.width)
        ]
        start = columns.index(True)
        end = columns.index(False, start)  # the space after the pictogram
        rows = ink_rows(line.crop((start, 0, end, line.height)))
        # A wide pictogram (🌬) is as recognisable as a tall one of the same extent.
        heights.append(max(rows[-1] - rows[0] + 1, end - start))
    return heights


def ethiopic_lines(layout: CardLayout) -> list[TextItem]:
    return [
        item
        for item in layout.front.items
        if isinstance(item, TextItem) and any(script_of(c) is Script.ETHIOPIC for c in item.text)
    ]


@pytest.fixture
def tigrinya_card(sign: Sign) -> IssuedCard:
    card = with_emergency(
        reference_card("tigrinya"),
        allergies=("91935009", "294505008"),
        medications=("A10AE04", "R03AC02"),
    )
    return sign(card)


def test_pictograms_on_58mm_are_at_least_3_mm_tall(
    fonts: FontSet, tigrinya_card: IssuedCard
) -> None:
    before = pictogram_heights(*lay_out(tigrinya_card, fonts))
    layout, front = lay_out(tigrinya_card, fonts.with_floors(ROLL.legibility))
    after = pictogram_heights(layout, front)
    assert len(after) >= 7  # headings and items: every item still printed
    assert not any(
        "+" in item.text and "—" in item.text
        for item in layout.front.items
        if isinstance(item, TextItem)
    )
    assert min(after) >= PICTOGRAM_MIN_DOTS > max(before)


def test_ethiopic_on_58mm_is_large_and_spaced(fonts: FontSet, tigrinya_card: IssuedCard) -> None:
    floored = fonts.with_floors(ROLL.legibility)
    layout, front = lay_out(tigrinya_card, floored)
    lines = ethiopic_lines(layout)
    assert len(lines) >= 5
    inked = []
    for item in lines:
        rows = ink_rows(front.crop((item.x, item.y, item.x + item.width, item.y + item.height)))
        inked.append((item.y + rows[0], item.y + rows[-1]))
    assert max(bottom - top + 1 for top, bottom in inked) >= ETHIOPIC_MIN_DOTS
    assert floored.font("ethiopic", 1, False).size >= 20  # the floor under every Ethiopic line
    # White between each Ethiopic line's ink and the next line's.
    ordered = sorted(inked)
    gaps = [b[0] - a[1] - 1 for a, b in pairwise(ordered) if b[0] > a[0]]
    assert gaps and min(gaps) >= ETHIOPIC_GAP_DOTS


def test_the_floors_are_the_58mm_rolls_only(fonts: FontSet) -> None:
    assert PROFILES["80mm"].legibility == PROFILES["cr80"].legibility
    assert fonts.with_floors(PROFILES["cr80"].legibility) is fonts
    assert fonts.with_floors(ROLL.legibility) is fonts.with_floors(ROLL.legibility)
