"""Card bodies that are good CBOR but hold a value out of range, a non-canonical packing or an
unsafe name; signed by the trusted issuer, so each fails at the decode stage ("cbor" category).
"""

from __future__ import annotations

import unicodedata

from cards import codec, packing
from tests.vectors.cbor_cases import body_with, decode_case
from tests.vectors.context import ISSUED
from tests.vectors.vector import CardCase


def range_cases() -> list[CardCase]:
    return [
        decode_case(
            "atc-out-of-range",
            "A medication packed as 0xffffffff, past every ATC code.",
            body_with(codec.MEDICATIONS, b"\xff\xff\xff\xff"),
            "out_of_range",
        ),
        decode_case(
            "medications-partial-code",
            "Three bytes of medications: not a whole 4-byte code.",
            body_with(codec.MEDICATIONS, b"\x00\x01\x02"),
            "out_of_range",
        ),
        decode_case(
            "medications-seventeen-codes",
            "Seventeen medications, one past the limit of 16.",
            body_with(codec.MEDICATIONS, b"".join((n * 100).to_bytes(4, "big") for n in range(17))),
            "out_of_range",
        ),
        decode_case(
            "icd10-out-of-range",
            "A condition packed as 0xffff, past Z99.9.",
            body_with(codec.CONDITIONS, b"\xff\xff"),
            "out_of_range",
        ),
        decode_case(
            "language-out-of-range",
            "A language whose first letter is 0.",
            body_with(codec.LANGUAGES, b"\x00\x01"),
            "out_of_range",
        ),
        decode_case(
            "blood-group-code-9",
            "Blood group code 9 (codes are 0 to 8).",
            body_with(codec.BLOOD, 9),
            "out_of_range",
        ),
        decode_case(
            "sex-code-3",
            "Sex code 3 (codes are 1, 2 and 9).",
            body_with(codec.SEX, 3),
            "out_of_range",
        ),
        decode_case(
            "allergy-not-snomed",
            "Allergy code 12, too short for a SNOMED CT id.",
            body_with(codec.ALLERGIES, [12]),
            "out_of_range",
        ),
        decode_case(
            "card-id-seven-bytes",
            "A 7-byte card id.",
            body_with(codec.CARD_ID, b"\x01" * 7),
            "out_of_range",
        ),
        decode_case(
            "record-key-fifteen-bytes",
            "A 15-byte record key.",
            body_with(codec.RECORD_KEY, b"\x01" * 15),
            "out_of_range",
        ),
        decode_case(
            "expires-before-issued",
            "Expiry day 20000 (2024-10-04), before the issue day.",
            body_with(codec.EXPIRES, 20000),
            "out_of_range",
        ),
        decode_case(
            "expires-day-65536",
            "Expiry day 65536, past the day-number range.",
            body_with(codec.EXPIRES, 65536),
            "out_of_range",
        ),
        decode_case(
            "birth-year-2200",
            "A year-only birth in 2200 (-1 - 300).",
            body_with(codec.BIRTH, -301),
            "out_of_range",
        ),
        decode_case(
            "provenance-bits-16",
            "Provenance bit 4, past the four clinical fields.",
            body_with(codec.PROVENANCE, [16, 7]),
            "out_of_range",
        ),
        decode_case(
            "phone-too-short",
            "An emergency phone of 5 digits (+12345).",
            body_with(codec.CONTACT, ["Moussa Diallo", (12345).to_bytes(2, "big")]),
            "out_of_range",
        ),
        decode_case(
            "duplicate-allergy",
            "The same allergy listed twice.",
            body_with(codec.ALLERGIES, [294505008, 294505008]),
            "duplicate_code",
        ),
    ]


def strictness_cases() -> list[CardCase]:
    """What a loose verifier would accept: a mistyped SNOMED CT id, a holder born after the card,
    a name nobody can read in Latin letters, a confirmation by nobody (issue 13, point 5)."""
    issued = packing.day_number(ISSUED)
    birth_after = packing.pack_birth(ISSUED.year, ISSUED.month, ISSUED.day) + 1
    ethiopic = packing.pack_name("ዮናስ ገብረሚካኤል")
    return [
        decode_case(
            "snomed-check-digit",
            "Allergy 294505009: 294505008 (penicillin allergy) with its Verhoeff check digit"
            " changed.",
            body_with(codec.ALLERGIES, [294505009]),
            "bad_check_digit",
        ),
        decode_case(
            "snomed-check-digit-second-code",
            "A good allergy (91936005), then 300916004 (300916003 with a wrong check digit).",
            body_with(codec.ALLERGIES, [91936005, 300916004]),
            "bad_check_digit",
        ),
        decode_case(
            "snomed-swapped-digits",
            "Allergy 924505008: the first two digits of 294505008 swapped, which the Verhoeff"
            " check digit catches.",
            body_with(codec.ALLERGIES, [924505008]),
            "bad_check_digit",
        ),
        decode_case(
            "birth-after-issue",
            f"Born {ISSUED.replace(day=ISSUED.day + 1)}, the day after the card's issue day"
            f" (day {issued}).",
            body_with(codec.BIRTH, birth_after),
            "born_after_issue",
        ),
        decode_case(
            "birth-year-after-issue",
            f"Born in {ISSUED.year + 1} (year alone), the year after the card was issued.",
            body_with(codec.BIRTH, -1 - (ISSUED.year + 1 - 1900)),
            "born_after_issue",
        ),
        decode_case(
            "ethiopic-name-without-latin",
            "A name in Ethiopic script (no ICAO 9303 table) and no Latin spelling (key 5).",
            body_with(codec.NAME, ethiopic),
            "latin_name_missing",
        ),
        decode_case(
            "provenance-staff-id-0",
            "Allergies confirmed by a clinician with staff id 0 (staff ids start at 1).",
            body_with(codec.PROVENANCE, [2, 0]),
            "out_of_range",
        ),
    ]


def _packed_name(name: str, window_shift: int = 0) -> bytes:
    window = min(ord(c) for c in name if c != " ") - window_shift
    return window.to_bytes(2, "big") + bytes(0xFD if c == " " else ord(c) - window for c in name)


def canonical_cases() -> list[CardCase]:
    return [
        decode_case(
            "empty-language-list",
            "An empty language list (no languages is written by leaving key 13 out).",
            body_with(codec.LANGUAGES, b""),
            "non_canonical",
        ),
        decode_case(
            "arabic-name-as-text",
            "An Arabic name as UTF-8 text, where its one-byte-a-letter packing is shorter.",
            body_with(codec.NAME, "فاطمة الزهراء"),
            "non_canonical",
        ),
        decode_case(
            "packed-name-low-window",
            "A packed name whose window starts one below its lowest letter.",
            body_with(codec.NAME, _packed_name("فاطمة الزهراء", 1)),
            "non_canonical",
        ),
        decode_case(
            "latin-name-packed",
            "A Latin name packed with a window: Latin names are always text.",
            body_with(codec.NAME, _packed_name("Amina Diallo")),
            "non_canonical",
        ),
        decode_case(
            "phone-leading-zero-byte",
            "The contact phone with a leading 0x00 byte.",
            body_with(codec.CONTACT, ["Moussa Diallo", b"\x00" + (33612345678).to_bytes(5, "big")]),
            "non_canonical",
        ),
        decode_case(
            "name-bidi-override",
            "A right-to-left override (U+202E) inside the name: it could spoof the printed name.",
            body_with(codec.NAME, "Amina \u202eollaiD"),
            "bad_name",
        ),
        decode_case(
            "name-newline",
            "A line feed inside the name.",
            body_with(codec.NAME, "Amina\nDiallo"),
            "bad_name",
        ),
        decode_case(
            "name-double-space",
            "Two spaces inside the name.",
            body_with(codec.NAME, "Amina  Diallo"),
            "bad_name",
        ),
        decode_case(
            "name-not-nfc",
            "A name in decomposed form (NFD): José with a combining accent.",
            body_with(codec.NAME, unicodedata.normalize("NFD", "José Núñez")),
            "bad_name",
        ),
        decode_case(
            "latin-name-lower-case",
            "A stored Latin spelling in lower case.",
            body_with(codec.NAME_LATIN, "amina diallo"),
            "bad_name",
        ),
    ]


def cases() -> list[CardCase]:
    return range_cases() + canonical_cases() + strictness_cases()
