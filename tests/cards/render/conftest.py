"""Fonts, reference names in every script, and signed cards to render."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import zxingcpp
from PIL import Image

from cards.model import Card
from cards.render.fonts import FontSet, load_fonts
from signing.issuance import IssuedCard, sign_and_encode
from signing.keys import PrivateKey
from signing.trust import TrustList
from signing.verifier import VerifiedCard, Verifier
from tests.builders import make_card, with_holder
from tests.conftest import HOST, fixed_clock

# (name as written, Latin spelling where no ICAO table covers the script)
REFERENCE_NAMES = {
    "latin": ("Zoë Ñúñez-Łukasiewicz", None),
    "arabic": ("محمد عبد الله", None),
    "persian": ("ژیلا رضایی", "ZHILA REZAEI"),
    "pashto": ("نجیب الله ځدراڼ", "NAJIBULLAH ZADRAN"),
    "tigrinya": ("ሰላም ተስፋይ", "SELAM TESFAY"),
    "ukrainian": ("Олена Ґудзь-Їжакевич", None),
    "russian": ("Пётр Ёлкин", None),
    "georgian": ("ნინო ბერიძე", "NINO BERIDZE"),
}
# The holder's language for each reference name, for cards printed in both.
NAME_LANGUAGE = {
    "latin": "es",
    "arabic": "ar",
    "persian": "fa",
    "pashto": "ps",
    "tigrinya": "ti",
    "ukrainian": "uk",
    "russian": "ru",
    "georgian": "ka",
}


@pytest.fixture(scope="session")
def fonts() -> FontSet:
    return load_fonts()


@pytest.fixture
def sign(issuer_key: PrivateKey) -> Callable[[Card], IssuedCard]:
    def _sign(card: Card) -> IssuedCard:
        return sign_and_encode(card, issuer_key, HOST)

    return _sign


def reference_card(script: str) -> Card:
    name, latin = REFERENCE_NAMES[script]
    return with_holder(make_card(), name=name, name_latin=latin)


@pytest.fixture
def verify(trust_list: TrustList) -> Callable[[Image.Image], VerifiedCard]:
    """Decode the one QR code in an image with zxing-cpp and verify it."""
    verifier = Verifier(trust_list=trust_list, clock=fixed_clock())

    def _verify(image: Image.Image) -> VerifiedCard:
        found = zxingcpp.read_barcodes(image.convert("L"), formats=zxingcpp.BarcodeFormat.QRCode)
        assert len(found) == 1, f"{len(found)} QR codes found"
        return verifier.verify(found[0].text)

    return _verify
