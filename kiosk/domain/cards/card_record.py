"""The first items of a holder's full record, made from the card being issued.

The record starts with what the card says, each entry labelled in the
holder's language and marked as the card marks it: declared by the holder,
or confirmed by the clinician at the kiosk. The blood group has no record
item kind: it stays on the card (and in the record's summary of the holder).
"""

from __future__ import annotations

from cards import valuesets
from cards.model import Card, ClinicalField
from cards.record import Confirmation, ItemKind, RecordItem
from kiosk.domain.accounts.users import StaffUser

# Each clinical list of the card, the kind of its record items and its value set.
LIST_KINDS = (
    (ClinicalField.ALLERGIES, ItemKind.ALLERGY, "allergies"),
    (ClinicalField.MEDICATIONS, ItemKind.MEDICATION, "medications"),
    (ClinicalField.CONDITIONS, ItemKind.CONDITION, "conditions"),
)


def record_items(card: Card, language: str, clinician: StaffUser | None) -> list[RecordItem]:
    """The card's allergies, medications, conditions and emergency contact as record items."""
    items: list[RecordItem] = []
    for clinical_field, kind, value_set_name in LIST_KINDS:
        confirmed = None
        if clinician is not None and clinical_field in card.provenance.confirmed:
            confirmed = Confirmation(
                by=clinician.display_name or clinician.username,
                on=card.issued,
                staff_id=card.provenance.confirmed_by,
            )
        value_set = valuesets.value_set(value_set_name)
        codes: tuple[str, ...] = getattr(card.emergency, clinical_field.value) or ()
        items.extend(
            RecordItem(kind, value_set.label(code, language), code=code, confirmed=confirmed)
            for code in codes
        )
    contact = card.emergency.contact
    if contact is not None:
        items.append(RecordItem(ItemKind.TRUSTED_PERSON, contact.name, phone=contact.phone))
    return items
