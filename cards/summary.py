"""A verified card as readable text lines, in the reader's language."""

from __future__ import annotations

from cards import valuesets
from cards.model import Card, ClinicalField, FieldState
from cards.spelling import latin_line


def verdict_line(status: str, reason: str | None, language: str) -> str:
    word = valuesets.term(f"status.{status}", language)
    return word if reason is None else f"{word} ({reason})"


def card_summary(card: Card, language: str, *, issuer: str) -> str:
    term = valuesets.term
    holder, data = card.holder, card.emergency
    latin = latin_line(holder.name, holder.name_latin)
    name = holder.name if latin in (None, holder.name.upper()) else f"{holder.name} / {latin}"
    lines = [
        f"{term('field.name', language)}: {name}",
        f"{term('field.birth_date', language)}: {holder.birth_date.isoformat()}",
    ]
    if holder.sex:
        lines.append(f"{term('field.sex', language)}: {term(f'sex.{holder.sex.value}', language)}")
    sets = {
        ClinicalField.BLOOD_GROUP: valuesets.blood_groups(),
        ClinicalField.ALLERGIES: valuesets.allergies(),
        ClinicalField.MEDICATIONS: valuesets.medications(),
        ClinicalField.CONDITIONS: valuesets.conditions(),
    }
    for clinical_field, value_set in sets.items():
        state = data.state(clinical_field)
        heading = f"{term('field.' + clinical_field.value, language)}"
        provenance = term(f"provenance.{card.provenance.of(clinical_field)}", language)
        if state is FieldState.KNOWN:
            value = getattr(data, clinical_field.value)
            codes = (value,) if isinstance(value, str) else value
            labels = ", ".join(value_set.label(code, language) for code in codes)
            lines.append(f"{heading}: {labels} [{provenance}]")
        else:
            lines.append(f"{heading}: {term('state.' + state.value, language)}")
    if data.contact:
        contact_latin = latin_line(data.contact.name, None)
        contact = (
            data.contact.name
            if contact_latin in (None, data.contact.name.upper())
            else f"{data.contact.name} / {contact_latin}"
        )
        lines.append(f"{term('field.emergency_contact', language)}: {contact} {data.contact.phone}")
    if data.languages:
        names = ", ".join(
            valuesets.languages().concepts[c].extra.get("native", c)
            if c in valuesets.languages()
            else c
            for c in data.languages
        )
        lines.append(f"{term('field.languages', language)}: {names}")
    lines.append(f"{term('field.expires', language)}: {card.expires.isoformat()}")
    lines.append(f"{term('field.issuer', language)}: {issuer}")
    lines.append(f"{term('field.card_code', language)}: {card.card_code}")
    return "\n".join(lines)
