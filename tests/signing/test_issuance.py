"""The issuer's last check: a card a strict verifier would refuse is never signed and printed."""

from __future__ import annotations

import pytest

from cards.errors import ProfileError
from cards.model import BirthDate, Card
from signing.issuance import sign_and_encode
from signing.keys import PrivateKey
from tests.builders import make_card, with_emergency, with_holder

KEY = PrivateKey(bytes(range(32)))


def test_a_good_card_is_signed() -> None:
    assert sign_and_encode(make_card(), KEY, "cards.example.org").card == make_card()


@pytest.mark.parametrize(
    ("card", "code"),
    [
        (with_emergency(make_card(), allergies=("294505009",)), "bad_check_digit"),
        (with_holder(make_card(), birth_date=BirthDate(2026, 11, 2)), "born_after_issue"),
        (with_holder(make_card(), birth_date=BirthDate(2027)), "born_after_issue"),
        (with_holder(make_card(), name="ዮናስ ገብረሚካኤል"), "latin_name_missing"),
    ],
)
def test_a_card_that_would_not_verify_is_refused_before_it_is_printed(
    card: Card, code: str
) -> None:
    with pytest.raises(ProfileError, match=f"card: would not verify: {code}: "):
        sign_and_encode(card, KEY, "cards.example.org")
