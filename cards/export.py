"""A card as plain JSON values: for `ehcard verify --json`, test vectors and the web."""

from __future__ import annotations

from typing import Any

from cards.model import Card, ClinicalField
from cards.translit import icao_latin


def card_to_json(card: Card) -> dict[str, Any]:
    holder, data = card.holder, card.emergency
    return {
        "card_id": card.card_id.hex(),
        "card_code": card.card_code,
        "issued": card.issued.isoformat(),
        "expires": card.expires.isoformat(),
        "name": holder.name,
        "name_latin": holder.name_latin or icao_latin(holder.name),
        "birth_date": holder.birth_date.isoformat(),
        "sex": holder.sex.value if holder.sex else None,
        "blood_group": data.blood_group,
        "allergies": _list(data.allergies),
        "medications": _list(data.medications),
        "conditions": _list(data.conditions),
        "emergency_contact": (
            {"name": data.contact.name, "phone": data.contact.phone} if data.contact else None
        ),
        "languages": list(data.languages),
        "states": {f.value: data.state(f).value for f in ClinicalField},
        "provenance": {f.value: card.provenance.of(f) for f in ClinicalField},
        "confirmed_by": card.provenance.confirmed_by,
        "record_id": card.record_id,
    }


def _list(codes: tuple[str, ...] | None) -> list[str] | None:
    return None if codes is None else list(codes)
