"""Card <-> deterministic CBOR body, with short integer keys.

The body is a CBOR map; README "Card format" documents every key. Decoding is
strict: unknown keys, wrong types, out-of-range values and any non-canonical
form raise `Malformed` with a precise code. Every field packing is a
bijection on the values it accepts, so a body that decodes re-encodes to
exactly the same bytes (tests check this on every vector and on random cards).
"""

from __future__ import annotations

import json
import string
from collections.abc import Callable
from datetime import date
from functools import cache
from importlib import resources
from typing import Any, TypeVar

from cards import cbor, packing, snomed
from cards.errors import Malformed
from cards.model import (
    CARD_ID_BYTES,
    FIRST_STAFF_ID,
    RECORD_KEY_BYTES,
    BirthDate,
    Card,
    ClinicalField,
    EmergencyContact,
    EmergencyData,
    Holder,
    Provenance,
    Sex,
)

CARD_ID, ISSUED, EXPIRES, NAME, NAME_LATIN, BIRTH, SEX = 1, 2, 3, 4, 5, 6, 7
BLOOD, ALLERGIES, MEDICATIONS, CONDITIONS, CONTACT, LANGUAGES = 8, 9, 10, 11, 12, 13
RECORD_KEY, PROVENANCE = 14, 15
REQUIRED_KEYS = frozenset({CARD_ID, ISSUED, EXPIRES, NAME, BIRTH, RECORD_KEY})
KNOWN_KEYS = frozenset(range(1, 16))

BLOOD_GROUPS = ("unknown", "A+", "A-", "B+", "B-", "AB+", "AB-", "O+", "O-")
SEX_CODES = {Sex.MALE: 1, Sex.FEMALE: 2, Sex.OTHER: 9}
_SEX_OF_CODE = {v: k for k, v in SEX_CODES.items()}
PROVENANCE_BITS = {f: 1 << i for i, f in enumerate(ClinicalField)}
MAX_LIST_ITEMS = 16
# Exact types: `type(v) is int` everywhere, never isinstance, which lets bool through.
_INT_ONLY = frozenset({int})

T = TypeVar("T")


def encode_body(card: Card) -> bytes:
    """The deterministic CBOR body of `card` (what the signature covers, after the header)."""
    holder, data = card.holder, card.emergency
    body: dict[int, Any] = {
        CARD_ID: card.card_id,
        ISSUED: packing.day_number(card.issued),
        EXPIRES: packing.day_number(card.expires),
        NAME: packing.pack_name(holder.name),
        BIRTH: packing.pack_birth(
            holder.birth_date.year, holder.birth_date.month, holder.birth_date.day
        ),
        RECORD_KEY: card.record_key,
    }
    if holder.name_latin is not None:
        body[NAME_LATIN] = holder.name_latin
    if holder.sex is not None:
        body[SEX] = SEX_CODES[holder.sex]
    if data.blood_group is not None:
        body[BLOOD] = BLOOD_GROUPS.index(data.blood_group)
    if data.allergies is not None:
        body[ALLERGIES] = [int(code) for code in data.allergies]
    if data.medications is not None:
        body[MEDICATIONS] = b"".join(packing.pack_atc(c) for c in data.medications)
    if data.conditions is not None:
        body[CONDITIONS] = b"".join(packing.pack_icd10(c) for c in data.conditions)
    if data.contact is not None:
        body[CONTACT] = [
            packing.pack_name(data.contact.name),
            packing.pack_phone(data.contact.phone),
        ]
    if data.languages:
        body[LANGUAGES] = b"".join(packing.pack_language(c) for c in data.languages)
    if card.provenance.confirmed:
        bits = sum(PROVENANCE_BITS[f] for f in card.provenance.confirmed)
        body[PROVENANCE] = [bits, card.provenance.confirmed_by]
    return cbor.dumps(body)


def decode_body(data: bytes) -> Card:
    """Parse a body strictly; raise `Malformed` naming the first fault found."""
    body = cbor.loads(data)
    if type(body) is not dict:
        raise Malformed("card body is not a CBOR map", code="wrong_type")
    keys = body.keys()
    if not keys <= KNOWN_KEYS or not set(map(type, keys)) <= _INT_ONLY:
        raise Malformed(
            f"unknown body key(s) {sorted(map(repr, keys - KNOWN_KEYS))}", code="unknown_key"
        )
    if not keys >= REQUIRED_KEYS:
        raise Malformed(f"missing body key(s) {sorted(REQUIRED_KEYS - keys)}", code="missing_key")
    get = body.get

    card_id = _exact(body[CARD_ID], bytes, "card id")
    record_key = _exact(body[RECORD_KEY], bytes, "record key")
    if len(card_id) != CARD_ID_BYTES or len(record_key) != RECORD_KEY_BYTES:
        raise Malformed("card id or record key has the wrong length", code="out_of_range")
    issued = packing.from_day_number(_exact(body[ISSUED], int, "issued"))
    expires = packing.from_day_number(_exact(body[EXPIRES], int, "expires"))
    if expires <= issued:
        raise Malformed("card expires before it is issued", code="out_of_range")
    name = body[NAME]
    if type(name) is not str and type(name) is not bytes:
        raise Malformed("name has the wrong CBOR type", code="wrong_type")

    holder = Holder(
        name=packing.unpack_name(name),
        birth_date=_birth(_exact(body[BIRTH], int, "birth date"), issued),
        sex=_sex(get(SEX)),
        name_latin=_latin_name(get(NAME_LATIN)),
    )
    if holder.name_latin is None and not icao_covers(holder.name):
        raise Malformed(
            "the name's script has no ICAO 9303 table and the card carries no Latin spelling",
            code="latin_name_missing",
        )
    languages = _packed(get(LANGUAGES), 2, packing.unpack_language, "languages")
    if languages == ():
        raise Malformed("an empty language list is left out, not encoded", code="non_canonical")
    emergency = EmergencyData(
        blood_group=_blood(get(BLOOD)),
        allergies=_allergies(get(ALLERGIES)),
        medications=_packed(get(MEDICATIONS), 4, packing.unpack_atc, "medications"),
        conditions=_packed(get(CONDITIONS), 2, packing.unpack_icd10, "conditions"),
        contact=_contact(get(CONTACT)),
        languages=languages or (),
    )
    return Card(
        card_id=card_id,
        issued=issued,
        expires=expires,
        holder=holder,
        emergency=emergency,
        record_key=record_key,
        provenance=_provenance(get(PROVENANCE)),
    )


@cache
def _icao_characters() -> frozenset[str]:
    """Every character the ICAO 9303 table gives Latin letters (A to Z among them) or drops."""
    path = resources.files("cards.valuesets").joinpath("data/icao9303.json")
    table = json.loads(path.read_text("utf-8"))
    return (
        frozenset((*table["map"], *table["final"], table["doubling"], *string.ascii_uppercase))
        | packing.NAME_PUNCTUATION
        | {packing.ZWNJ}
    )


def icao_covers(name: str) -> bool:
    """Whether the ICAO 9303 table covers every character of `name` (no Latin spelling needed).

    The table's file, not the transliteration code: the format's rule is the table's reach.
    """
    return set(name.upper()) <= _icao_characters()


def _exact(value: Any, kind: type[T], what: str) -> T:
    if type(value) is not kind:
        raise Malformed(f"{what} has the wrong CBOR type", code="wrong_type")
    return value


def _birth(value: int, issued: date) -> BirthDate:
    birth = BirthDate(*packing.unpack_birth(value))
    born = birth.as_date()
    if (born or date(birth.year, 1, 1)) > issued:
        raise Malformed(
            f"birth date {birth.isoformat()} is after the issue date {issued.isoformat()}",
            code="born_after_issue",
        )
    return birth


def _sex(value: Any) -> Sex | None:
    if value is None:
        return None
    sex = _SEX_OF_CODE.get(_exact(value, int, "sex"))
    if sex is None:
        raise Malformed(f"sex code {value}", code="out_of_range")
    return sex


def _latin_name(value: Any) -> str | None:
    if value is None:
        return None
    name = _exact(value, str, "Latin name")
    if not name.isascii() or name != name.upper() or packing.check_name(name):
        raise Malformed("Latin name must be upper-case ASCII letters", code="bad_name")
    return name


def _blood(value: Any) -> str | None:
    if value is None:
        return None
    if not 0 <= _exact(value, int, "blood group") < len(BLOOD_GROUPS):
        raise Malformed(f"blood group code {value}", code="out_of_range")
    return BLOOD_GROUPS[value]


def _allergies(value: Any) -> tuple[str, ...] | None:
    if value is None:
        return None
    if type(value) is not list or not set(map(type, value)) <= _INT_ONLY:
        raise Malformed("allergies must be an array of integers", code="wrong_type")
    if value and (min(value) < 100000 or max(value) >= 10**18):
        raise Malformed("allergy code is not a SNOMED CT id", code="out_of_range")
    for code in value:
        if not snomed.check_digit_ok(str(code)):
            raise Malformed(
                f"allergy code {code} fails the SNOMED CT check digit (Verhoeff)",
                code="bad_check_digit",
            )
    return _unique(tuple(map(str, value)), "allergies")


def _packed(
    value: Any, width: int, unpack: Callable[[bytes], str], what: str
) -> tuple[str, ...] | None:
    if value is None:
        return None
    packed = _exact(value, bytes, what)
    size = len(packed)
    if size % width or size > width * MAX_LIST_ITEMS:
        raise Malformed(f"{what} is not a whole number of codes", code="out_of_range")
    codes = tuple(map(unpack, [packed[i : i + width] for i in range(0, size, width)]))
    return _unique(codes, what)


def _unique(codes: tuple[str, ...], what: str) -> tuple[str, ...]:
    if len(set(codes)) != len(codes):
        raise Malformed(f"{what} lists a code twice", code="duplicate_code")
    if len(codes) > MAX_LIST_ITEMS:
        raise Malformed(f"{what} lists too many codes", code="out_of_range")
    return codes


def _contact(value: Any) -> EmergencyContact | None:
    if value is None:
        return None
    if (
        type(value) is not list
        or len(value) != 2
        or type(value[0]) not in (str, bytes)
        or type(value[1]) is not bytes
    ):
        raise Malformed("emergency contact must be [name, phone]", code="wrong_type")
    return EmergencyContact(
        name=packing.unpack_name(value[0]), phone=packing.unpack_phone(value[1])
    )


def _provenance(value: Any) -> Provenance:
    if value is None:
        return Provenance()
    if type(value) is not list or len(value) != 2 or not set(map(type, value)) <= _INT_ONLY:
        raise Malformed("provenance must be [bits, staff id]", code="wrong_type")
    bits, staff_id = value
    if not 0 < bits < 1 << len(PROVENANCE_BITS):
        raise Malformed("provenance bits out of range", code="out_of_range")
    if staff_id < FIRST_STAFF_ID:
        raise Malformed(
            f"provenance staff id {staff_id}: a clinician's staff id starts at {FIRST_STAFF_ID}",
            code="out_of_range",
        )
    confirmed = frozenset(f for f, bit in PROVENANCE_BITS.items() if bits & bit)
    return Provenance(confirmed=confirmed, confirmed_by=staff_id)
