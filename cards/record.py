"""The full record behind a card, as frozen values: more than the card can carry.

Each item is one entry of the record and becomes one encrypted file, so the
holder can mask it on its own and the server can withhold it without
reading it. Every item says whether the holder declared it or a clinician
confirmed it (who, and when).
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from datetime import date
from enum import Enum

from cards.errors import CardError

MAX_TEXT = 200
MAX_NOTE = 2000
# A partial date (year, or year-month) is what people remember of an old vaccination.
PARTIAL_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
E164 = re.compile(r"^\+[1-9]\d{6,14}$")


class RecordError(CardError):
    """A record item is missing something or holds a value it may not."""

    code = "bad_record_item"


class ItemKind(Enum):
    """What an item is; the value names its FHIR resource in cards/record_fhir.py."""

    ALLERGY = "allergy"
    MEDICATION = "medication"
    CONDITION = "condition"
    VACCINATION = "vaccination"
    SURGERY = "surgery"
    IMPLANT = "implant"
    PREGNANCY = "pregnancy"
    TRUSTED_PERSON = "trusted_person"
    ORGAN_DONATION = "organ_donation"
    ADVANCE_DIRECTIVE = "advance_directive"
    DOCUMENT = "document"


class MediaType(Enum):
    PDF = "application/pdf"
    JPEG = "image/jpeg"
    PNG = "image/png"


@dataclass(frozen=True)
class Confirmation:
    """A clinician confirmed the item: who (as shown to readers), their staff id, when."""

    by: str
    on: date
    staff_id: int | None = None


@dataclass(frozen=True)
class Attachment:
    """A document's bytes, already checked and cleaned (kiosk/records/uploads.py)."""

    media_type: MediaType
    data: bytes


@dataclass(frozen=True)
class RecordItem:
    """One entry of the record.

    `text` is what the item is, as written ("Penicillin", "Appendectomy");
    `code` a value-set code where one applies (SNOMED CT, ATC, ICD-10);
    `when` the onset, administration or procedure date, possibly partial.
    """

    kind: ItemKind
    text: str
    code: str | None = None
    when: str | None = None
    note: str = ""
    phone: str | None = None  # trusted person only, E.164
    attachment: Attachment | None = None  # document only
    confirmed: Confirmation | None = None
    item_id: str = field(default_factory=lambda: uuid.uuid4().hex)

    def __post_init__(self) -> None:
        check_item(self)

    @property
    def provenance(self) -> str:
        return "clinician-confirmed" if self.confirmed else "self-declared"


def check_item(item: RecordItem) -> None:
    """Raise RecordError naming the first thing wrong with `item`."""
    where = item.kind.value
    if not item.text.strip():
        raise RecordError(f"{where}: says nothing (text is empty)")
    if len(item.text) > MAX_TEXT:
        raise RecordError(f"{where}: text is longer than {MAX_TEXT} characters")
    if len(item.note) > MAX_NOTE:
        raise RecordError(f"{where}: note is longer than {MAX_NOTE} characters")
    if any(ord(c) < 32 and c not in "\n\t" for c in item.text + item.note):
        raise RecordError(f"{where}: control characters are not allowed")
    if item.when is not None:
        _check_partial_date(where, item.when)
    if item.phone is not None and item.kind is not ItemKind.TRUSTED_PERSON:
        raise RecordError(f"{where}: only a trusted person has a phone number")
    if item.phone is not None and not E164.match(item.phone):
        raise RecordError(f"{where}: phone must be E.164 (+ and 7 to 15 digits)")
    if (item.attachment is None) == (item.kind is ItemKind.DOCUMENT):
        raise RecordError(f"{where}: a document, and only a document, has an attachment")
    if not re.fullmatch(r"[0-9a-f]{32}", item.item_id):
        raise RecordError(f"{where}: item id must be 32 lower-case hexadecimal digits")


def _check_partial_date(where: str, value: str) -> None:
    if not PARTIAL_DATE.match(value):
        raise RecordError(f"{where}: date {value!r} is not YYYY, YYYY-MM or YYYY-MM-DD")
    year, month, day = ([int(p) for p in value.split("-")] + [1, 1])[:3]
    try:
        date(year, month, day)
    except ValueError as exc:
        raise RecordError(f"{where}: date {value!r} does not exist") from exc
