"""The card prints the readable Latin line of the holder's and the contact's names."""

from __future__ import annotations

import pytest

from cards.model import EmergencyContact
from cards.render.fonts import FontSet
from cards.render.profiles import PROFILES
from tests.builders import make_card, with_emergency, with_holder
from tests.cards.render.test_layout import Sign, lay_out, texts


@pytest.mark.parametrize("profile", ["cr80", "58mm", "80mm"])
def test_an_arabic_holder_and_contact_print_readable_latin_lines(
    fonts: FontSet, sign: Sign, profile: str
) -> None:
    card = with_emergency(
        with_holder(make_card(), name="محمد عبد الرحمن الخطيب"),
        contact=EmergencyContact(name="فاطمة الخطيب", phone="+963944123456"),
    )
    layout = lay_out(sign(card), fonts, PROFILES[profile], holder="ar")
    front, back = texts(layout.front), texts(layout.back)
    assert "MOHAMMED ABDULRAHMAN AL-KHATIB" in front
    assert not any("MXHMD" in text for text in front + back)
    assert "FATIMA AL-KHATIB" in back


def test_a_latin_contact_name_is_not_printed_twice(fonts: FontSet, sign: Sign) -> None:
    layout = lay_out(sign(make_card()), fonts, PROFILES["cr80"], holder="fr")
    assert not any(text.isupper() and "MOUSSA" in text for text in texts(layout.back))


def test_a_stored_spelling_is_printed_as_the_documents_give_it(fonts: FontSet, sign: Sign) -> None:
    card = with_holder(make_card(), name="محمد الخطيب", name_latin="MOHAMAD KHATEEB")
    assert "MOHAMAD KHATEEB" in texts(lay_out(sign(card), fonts, PROFILES["cr80"]).front)
