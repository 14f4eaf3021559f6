"""Cards that verify: names in every script the kiosk serves, and every state a field can be in."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import segno

from cards.model import (
    BirthDate,
    Card,
    ClinicalField,
    EmergencyContact,
    EmergencyData,
    Provenance,
    Sex,
)
from signing.keys import PrivateKey
from tests.vectors.context import (
    HOST,
    ISSUED,
    ISSUER,
    OTHER_HOST,
    OTHER_HOST_ISSUER,
    base_card,
    signed,
)
from tests.vectors.context import text as qr_text
from tests.vectors.vector import CardCase


def qr_version(text: str) -> int:
    """The QR version segno picks at ECC M for the card's three segments."""
    head, digits = text.split("#", 1)
    segments = [(head, 2), ("#", 4), (digits, 1)]  # alphanumeric, byte, numeric
    return int(segno.make_qr(segments, error="m", boost_error=False).version)


def valid_case(
    id: str,
    category: str,
    description: str,
    card: Card,
    *,
    signer: PrivateKey = ISSUER,
    host: str = HOST,
    payload: bytes | None = None,
    **context: Any,
) -> CardCase:
    """A case that must verify to `card` (signed by `signer`, unless `payload` is given)."""
    text = qr_text(signed(card, signer) if payload is None else payload, host)
    return CardCase(
        id, category, description, text, card=card, qr_version=qr_version(text), **context
    )


def _holder(card: Card, **changes: Any) -> Card:
    return replace(card, holder=replace(card.holder, **changes))


def _data(card: Card, **changes: Any) -> Card:
    return replace(card, emergency=replace(card.emergency, **changes))


def _named(
    id: str, name: str, latin: str | None, languages: tuple[str, ...], sex: Sex = Sex.FEMALE
) -> Card:
    card = _holder(base_card(id), name=name, name_latin=latin, sex=sex)
    return _data(card, languages=languages)


NAMES = [
    ("latin", "Amina Diallo", None, ("ff", "fr"), "Plain Latin: the name is its own ICAO form."),
    (
        "latin-diacritics",
        "José Núñez-García",
        None,
        ("es", "pt"),
        "Latin with diacritics and a hyphen: ICAO 9303 gives JOSE NUNEZ GARCIA.",
    ),
    (
        "latin-vietnamese",
        "Nguyễn Thị Minh Khai",
        "NGUYEN THI MINH KHAI",
        ("vi",),
        "Latin letters no ICAO table covers: the Latin spelling is stored on the card.",
    ),
    (
        "latin-apostrophes",
        "N'Golo O'Neil",
        None,
        ("fr", "en"),
        "Apostrophes in a Latin name.",
    ),
    ("arabic", "فاطمة الزهراء", None, ("ar",), "Arabic script, packed one byte a letter."),
    ("persian", "زهرا حسینی", None, ("fa", "prs"), "Persian letters (ی) in Arabic script."),
    ("pashto", "ملاله یوسفزۍ", None, ("ps",), "Pashto letters (ۍ) in Arabic script."),
    (
        "tigrinya",
        "ዮናስ ገብረሚካኤል",
        "YONAS GEBREMIKAEL",
        ("ti",),
        "Ethiopic script, which no ICAO table covers: the Latin spelling is stored.",
    ),
    ("ukrainian", "Олена Шевченко", None, ("uk",), "Cyrillic (Ukrainian)."),
    ("russian", "Дмитрий Иванов", None, ("ru",), "Cyrillic (Russian)."),
    (
        "georgian",
        "ნინო ბერიძე",
        "NINO BERIDZE",
        ("ka",),
        "Georgian script with its stored Latin spelling.",
    ),
]


SEX_OF = {
    "latin-diacritics": Sex.MALE,
    "latin-apostrophes": Sex.MALE,
    "tigrinya": Sex.MALE,
    "russian": Sex.MALE,
}


def _script_cases() -> list[CardCase]:
    return [
        valid_case(f"valid-{slug}", "valid", f"{description} Every field known.", card)
        for slug, name, latin, languages, description in NAMES
        for card in [_named(f"valid-{slug}", name, latin, languages, SEX_OF.get(slug, Sex.FEMALE))]
    ]


def _state_cases() -> list[CardCase]:
    not_asked = replace(
        _holder(base_card("valid-nothing-asked"), sex=None),
        emergency=EmergencyData(),
        provenance=Provenance(),
    )
    none_known = _data(
        base_card("valid-none-known"), allergies=(), medications=(), conditions=(), contact=None
    )
    every_confirmed = replace(
        base_card("valid-clinician-confirmed-all"),
        provenance=Provenance(confirmed=frozenset(ClinicalField), confirmed_by=4242),
    )
    full_lists = _data(
        base_card("valid-full-lists"),
        blood_group="AB-",
        allergies=("91936005", "294505008", "300916003", "418689008", "293586001"),
        medications=("A10AE04", "B01AF01", "N03AX14", "R03AC02", "C09AA05", "J05AR03"),
        conditions=("E10", "G40.9", "Z95.0"),
        languages=("ti", "ar", "en"),
    )
    contact_in_script = _data(
        _named("valid-contact-in-ethiopic", "ሰላም ተስፋይ", "SELAM TESFAY", ("ti", "ar")),
        contact=EmergencyContact(name="ሰላም ተስፋይ", phone="+2917123456"),
    )
    return [
        valid_case(
            "valid-nothing-asked",
            "valid",
            "Only the mandatory fields: no sex, blood group, lists, contact, languages, provenance"
            " (every clinical field 'not asked').",
            not_asked,
        ),
        valid_case(
            "valid-none-known",
            "valid",
            "Allergies, medications and conditions asked and none known (empty lists).",
            none_known,
        ),
        valid_case(
            "valid-blood-group-unknown",
            "valid",
            "Blood group asked and unknown (code 0).",
            _data(base_card("valid-blood-group-unknown"), blood_group="unknown"),
        ),
        valid_case(
            "valid-birth-year-only",
            "valid",
            "Birth year alone (packed as -1 - (year - 1900)) and no sex.",
            _holder(base_card("valid-birth-year-only"), birth_date=BirthDate(1987), sex=None),
        ),
        valid_case(
            "valid-birth-1900-01-01",
            "valid",
            "The earliest full birth date (day number 0) and sex 'other'.",
            _holder(
                base_card("valid-birth-1900-01-01"),
                birth_date=BirthDate(1900, 1, 1),
                sex=Sex.OTHER,
            ),
        ),
        valid_case(
            "valid-born-on-issue-day",
            "valid",
            f"Born on the card's issue day ({ISSUED}): the latest birth date a card accepts.",
            _holder(
                base_card("valid-born-on-issue-day"),
                birth_date=BirthDate(ISSUED.year, ISSUED.month, ISSUED.day),
            ),
        ),
        valid_case(
            "valid-birth-year-of-issue",
            "valid",
            f"Born in {ISSUED.year} (year alone), the year the card was issued.",
            _holder(base_card("valid-birth-year-of-issue"), birth_date=BirthDate(ISSUED.year)),
        ),
        valid_case(
            "valid-clinician-staff-id-1",
            "valid",
            "Allergies confirmed by staff id 1, the first staff id.",
            replace(
                base_card("valid-clinician-staff-id-1"),
                provenance=Provenance(
                    confirmed=frozenset({ClinicalField.ALLERGIES}), confirmed_by=1
                ),
            ),
        ),
        valid_case(
            "valid-clinician-confirmed-all",
            "valid",
            "Every clinical field confirmed by a clinician (staff id 4242).",
            every_confirmed,
        ),
        valid_case(
            "valid-full-lists",
            "valid",
            "Five allergies, six medications, three conditions (ICD-10 subdivisions G40.9 and"
            " Z95.0), three languages.",
            full_lists,
        ),
        valid_case(
            "valid-contact-in-ethiopic",
            "valid",
            "An emergency contact whose name is in Ethiopic script.",
            contact_in_script,
        ),
        valid_case(
            "valid-issuer-with-other-host",
            "valid",
            f"A second issuer that publishes at {OTHER_HOST}.",
            base_card("valid-issuer-with-other-host"),
            signer=OTHER_HOST_ISSUER,
            host=OTHER_HOST,
        ),
    ]


def cases() -> list[CardCase]:
    return _script_cases() + _state_cases()
