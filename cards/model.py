"""The card as frozen values: what is printed, signed and verified.

A clinical list is `None` when the question was not asked and an empty tuple
when the answer was "none known"; `FieldState` names the three cases.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date
from enum import Enum

from cards.errors import ProfileError

CARD_ID_BYTES = 8
RECORD_KEY_BYTES = 16
# Staff ids start at 1: a card never says "a clinician confirmed" without naming one.
FIRST_STAFF_ID = 1


class FieldState(Enum):
    KNOWN = "known"
    NONE_KNOWN = "none_known"
    NOT_ASKED = "not_asked"


class Sex(Enum):
    MALE = "male"
    FEMALE = "female"
    OTHER = "other"


class ClinicalField(Enum):
    """The fields a clinician may confirm; their order fixes the provenance bits."""

    BLOOD_GROUP = "blood_group"
    ALLERGIES = "allergies"
    MEDICATIONS = "medications"
    CONDITIONS = "conditions"


@dataclass(frozen=True)
class BirthDate:
    """A full date of birth, or the year alone when that is all the holder knows."""

    year: int
    month: int | None = None
    day: int | None = None

    @property
    def is_year_only(self) -> bool:
        return self.month is None

    def as_date(self) -> date | None:
        if self.month is None or self.day is None:
            return None
        return date(self.year, self.month, self.day)

    def isoformat(self) -> str:
        full = self.as_date()
        return full.isoformat() if full else f"{self.year:04d}"


@dataclass(frozen=True)
class Holder:
    name: str
    birth_date: BirthDate
    sex: Sex | None = None
    # Stored only when no transliteration table covers the name's script.
    name_latin: str | None = None


@dataclass(frozen=True)
class EmergencyContact:
    name: str
    phone: str  # E.164, "+" and digits


@dataclass(frozen=True)
class EmergencyData:
    blood_group: str | None = None  # value-set code, "unknown" allowed
    allergies: tuple[str, ...] | None = None  # SNOMED CT concept ids
    medications: tuple[str, ...] | None = None  # ATC codes
    conditions: tuple[str, ...] | None = None  # ICD-10 codes
    contact: EmergencyContact | None = None
    languages: tuple[str, ...] = ()  # ISO 639 codes

    def state(self, clinical_field: ClinicalField) -> FieldState:
        value = getattr(self, clinical_field.value)
        if value is None:
            return FieldState.NOT_ASKED
        if value == ():
            return FieldState.NONE_KNOWN
        return FieldState.KNOWN


@dataclass(frozen=True)
class Provenance:
    """Which clinical fields a clinician confirmed, and who (a staff id)."""

    confirmed: frozenset[ClinicalField] = field(default_factory=frozenset)
    confirmed_by: int | None = None

    def __post_init__(self) -> None:
        staff_id = self.confirmed_by
        if self.confirmed and (type(staff_id) is not int or staff_id < FIRST_STAFF_ID):
            raise ProfileError(
                "confirmed.staff_id",
                f"{staff_id}: a clinician's confirmation names their staff id, "
                f"which starts at {FIRST_STAFF_ID}",
            )

    def of(self, clinical_field: ClinicalField) -> str:
        return "clinician" if clinical_field in self.confirmed else "self"


@dataclass(frozen=True)
class Card:
    card_id: bytes
    issued: date
    expires: date
    holder: Holder
    emergency: EmergencyData
    record_key: bytes
    provenance: Provenance = field(default_factory=Provenance)

    @property
    def card_code(self) -> str:
        """Short code printed on the card for staff look-up (not secret)."""
        return card_code(self.card_id)

    @property
    def record_id(self) -> str:
        return record_id(self.card_id)

    @property
    def revocation_id(self) -> bytes:
        return revocation_id(self.card_id)


_CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32: no I, L, O, U


def card_code(card_id: bytes) -> str:
    """Ten Crockford base32 characters of the card id, as XXXXX-XXXXX."""
    number = int.from_bytes(card_id[:7], "big") >> 6
    chars = "".join(_CODE_ALPHABET[(number >> (5 * i)) & 31] for i in reversed(range(10)))
    return f"{chars[:5]}-{chars[5:]}"


def record_id(card_id: bytes) -> str:
    """The full record's id: derived, so the card need not carry it."""
    return hashlib.sha256(b"ehcard/record-id/v1" + card_id).hexdigest()[:32]


def revocation_id(card_id: bytes) -> bytes:
    """The id a revocation list carries: links to no person, only to this card id."""
    return hashlib.sha256(b"ehcard/revocation-id/v1" + card_id).digest()[:8]
