"""Cards built directly from the model, for tests that need no profile parsing."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from cards.model import (
    BirthDate,
    Card,
    ClinicalField,
    EmergencyContact,
    EmergencyData,
    Holder,
    Provenance,
    Sex,
)


def make_card(**changes: Any) -> Card:
    card = Card(
        card_id=bytes.fromhex("0123456789abcdef"),
        issued=date(2026, 11, 1),
        expires=date(2028, 11, 1),
        holder=Holder(name="Amina Diallo", birth_date=BirthDate(1994, 3, 12), sex=Sex.FEMALE),
        emergency=EmergencyData(
            blood_group="O+",
            allergies=("294505008",),
            medications=("A10AE04",),
            conditions=("E10",),
            contact=EmergencyContact(name="Moussa", phone="+33612345678"),
            languages=("ff", "fr"),
        ),
        record_key=bytes(range(16)),
        provenance=Provenance(confirmed=frozenset({ClinicalField.ALLERGIES}), confirmed_by=7),
    )
    return replace(card, **changes)


def with_holder(card: Card, **changes: Any) -> Card:
    return replace(card, holder=replace(card.holder, **changes))


def with_emergency(card: Card, **changes: Any) -> Card:
    return replace(card, emergency=replace(card.emergency, **changes))
