"""A card's contents turn back into the profile that made it, so a reissue changes nothing else."""

from __future__ import annotations

from datetime import date

import pytest

from cards.model import Card, ClinicalField, Provenance
from cards.profile import parse_holder_profile
from kiosk.domain.cards.reissue import card_to_profile, carried_confirmation
from tests.builders import make_card, with_emergency, with_holder

CARDS = {
    "everything": make_card(),
    "none_known": with_emergency(make_card(), allergies=(), medications=(), conditions=()),
    "not_asked": with_emergency(
        make_card(), blood_group=None, allergies=None, medications=None, conditions=None,
        contact=None, languages=(),
    ),
    "cyrillic": with_holder(make_card(), name="Олена Коваленко", sex=None),
    "unconfirmed": make_card(provenance=Provenance()),
    "all_confirmed": make_card(
        provenance=Provenance(confirmed=frozenset(ClinicalField), confirmed_by=4)
    ),
}


@pytest.mark.parametrize("name", sorted(CARDS))
def test_a_cards_profile_parses_back_to_the_same_holder_and_data(name: str) -> None:
    card: Card = CARDS[name]
    holder, data = parse_holder_profile(card_to_profile(card), today=date(2026, 11, 27))
    assert (holder, data) == (card.holder, card.emergency)
    assert carried_confirmation(card, data) == card.provenance
