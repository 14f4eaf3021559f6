"""The reference holder profiles: each parses, issues, prints, scans and verifies to the same card.

They are also the data set of bench/: the QR size targets of issue 3 (every
profile at most version 12 at ECC M, the median at most 10) hold on them.
"""

from __future__ import annotations

import io
import statistics

import pytest
import zxingcpp
from PIL import Image

from cards.model import ClinicalField, FieldState
from cards.profile import NO_KNOWN_ALLERGY, parse_profile
from cards.render.qr_png import qr_png
from signing.issuance import IssuedCard, new_card, sign_and_encode
from signing.keys import PrivateKey
from signing.trust import TrustList
from signing.verifier import Verifier
from tests.conftest import HOST, TODAY, fixed_clock, load_profile, reference_profiles

PROFILES = reference_profiles()
# 3 printer dots a module: what a version 10 to 13 code gets at 30 mm on a 203-dpi printer.
PRINT_DOTS_PER_MODULE = 3


@pytest.fixture(scope="module")
def issued_cards(issuer_key: PrivateKey) -> dict[str, IssuedCard]:
    cards = {}
    for name in PROFILES:
        holder, emergency, provenance = parse_profile(load_profile(name), today=TODAY)
        card = new_card(holder, emergency, provenance, issued=TODAY)
        cards[name] = sign_and_encode(card, issuer_key, HOST)
    return cards


def test_there_are_at_least_twelve_reference_profiles() -> None:
    assert len(PROFILES) >= 12


def test_amina_diallo_is_the_example_of_issue_3() -> None:
    assert load_profile("amina_diallo") == {
        "name": "Amina Diallo",
        "birth_date": "1994-03-12",
        "sex": "female",
        "blood_group": "O+",
        "allergies": ["294505008"],
        "medications": ["A10AE04"],
        "conditions": ["E10"],
        "emergency_contact": {"name": "Moussa", "phone": "+33612345678"},
        "languages": ["ff", "fr"],
    }


def test_profiles_cover_every_field_state_and_list_length() -> None:
    profiles = [load_profile(name) for name in PROFILES]
    lengths = {
        field: {len(p[field]) for p in profiles if p.get(field) is not None}
        for field in ("allergies", "medications", "conditions", "languages")
    }
    assert {0, 1, 5} <= lengths["allergies"]
    assert {0, 1, 6} <= lengths["medications"]
    assert {0, 1, 2, 3} <= lengths["conditions"]
    assert {1, 2, 3} <= lengths["languages"]
    for field in ("allergies", "medications", "conditions", "blood_group"):
        assert any(field not in p for p in profiles), f"no profile leaves {field} not asked"
    assert any(p.get("blood_group") == "unknown" for p in profiles)
    assert any(len(p["birth_date"]) == 4 for p in profiles)
    assert any("emergency_contact" in p for p in profiles)
    assert any("emergency_contact" not in p for p in profiles)
    assert any("confirmed" in p for p in profiles)


def test_profiles_cover_the_scripts_holders_write_their_names_in() -> None:
    def script_of(name: str) -> str:
        first = ord(next(c for c in name if c.isalpha()))
        for low, high, script in (
            (0x0600, 0x06FF, "arabic"),
            (0x0400, 0x04FF, "cyrillic"),
            (0x1200, 0x139F, "ethiopic"),
            (0x10A0, 0x10FF, "georgian"),
        ):
            if low <= first <= high:
                return script
        return "latin" if name.isascii() else "latin with diacritics"

    scripts = {script_of(load_profile(name)["name"]) for name in PROFILES}
    assert scripts == {
        "arabic",
        "cyrillic",
        "ethiopic",
        "georgian",
        "latin",
        "latin with diacritics",
    }


@pytest.mark.parametrize("name", PROFILES)
def test_profile_fits_qr_version_12_at_ecc_m(
    name: str, issued_cards: dict[str, IssuedCard]
) -> None:
    symbol = issued_cards[name].symbol
    assert symbol.ecc == "M"
    assert symbol.version <= 12


def test_median_qr_version_is_at_most_10(issued_cards: dict[str, IssuedCard]) -> None:
    assert statistics.median(c.symbol.version for c in issued_cards.values()) <= 10


@pytest.mark.parametrize("name", PROFILES)
def test_printed_scanned_and_verified_card_carries_the_profile(
    name: str, issued_cards: dict[str, IssuedCard], trust_list: TrustList
) -> None:
    issued = issued_cards[name]
    png = qr_png(issued.symbol, module_pixels=PRINT_DOTS_PER_MODULE)
    scanned = zxingcpp.read_barcodes(
        Image.open(io.BytesIO(png)), formats=zxingcpp.BarcodeFormat.QRCode
    )
    assert [code.text for code in scanned] == [issued.qr_text]

    verified = Verifier(trust_list=trust_list, clock=fixed_clock()).verify(scanned[0].text)
    assert verified.card == issued.card
    holder, emergency, provenance = parse_profile(load_profile(name), today=TODAY)
    assert (verified.card.holder, verified.card.emergency, verified.card.provenance) == (
        holder,
        emergency,
        provenance,
    )


@pytest.mark.parametrize("name", PROFILES)
def test_empty_missing_and_no_known_allergy_lists_keep_their_state(
    name: str, issued_cards: dict[str, IssuedCard]
) -> None:
    profile = load_profile(name)
    emergency = issued_cards[name].card.emergency
    for field in (ClinicalField.ALLERGIES, ClinicalField.MEDICATIONS, ClinicalField.CONDITIONS):
        declared = profile.get(field.value)
        expected = (
            FieldState.NOT_ASKED
            if declared is None
            else FieldState.NONE_KNOWN
            if declared in ([], [NO_KNOWN_ALLERGY])
            else FieldState.KNOWN
        )
        assert emergency.state(field) is expected
