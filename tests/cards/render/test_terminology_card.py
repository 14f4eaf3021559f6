"""The printed card of a holder with codes beyond the curated value sets: every code prints
its label (the nearest curated ancestor's or group's, else the official one) with the code
beside, in the holder's language and the card's, for each of the 11 languages."""

from __future__ import annotations

from datetime import date

import pytest

from cards import valuesets
from cards.profile import parse_profile
from cards.render.fonts import FontSet
from cards.render.image import card_image
from cards.render.profiles import PROFILES
from signing.issuance import new_card
from tests.cards.render.test_layout import Sign, lay_out, texts
from tests.kiosk.verify.test_terminology_page import CODES, DONE_WHEN


@pytest.mark.parametrize("language", valuesets.UI_LANGUAGES)
def test_the_done_when_card_prints_every_label_in_both_languages(
    fonts: FontSet, sign: Sign, language: str
) -> None:
    holder, data, provenance = parse_profile(DONE_WHEN, today=date(2026, 12, 7))
    issued = sign(new_card(holder, data, provenance, issued=date(2026, 12, 7)))
    layout = lay_out(issued, fonts, PROFILES["cr80"], holder=language, receiving="fr")
    front = " ".join(" ".join(texts(side)) for side in (layout.front, layout.back))
    for field, code in CODES:
        for shown_in in {language, "fr"}:
            label = valuesets.value_set(field).card_label(code, shown_in)
            assert " ".join(label.split()) in " ".join(front.split()), (shown_in, code)
    image = card_image(layout, fonts)
    assert image.width > 0 and image.getbbox() is not None
