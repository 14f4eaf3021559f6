"""What a card says, in words: every printed phrase resolved in its language(s).

Two languages are printed: the receiving country's (for the doctor, first) and
the holder's (second), except where they are the same. Clinical lists keep
"none known" and "not asked" apart, and a mark shows the fields a clinician
confirmed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from cards import valuesets
from cards.model import Card, ClinicalField, FieldState
from cards.render.scripts import is_rtl
from cards.spelling import latin_line

CLINICIAN_MARK = "✚"
# Heading pictograms, by key in pictograms.json; printed only where that file has the key.
# Conditions have none: no one symbol means "illness" without meaning one organ.
FIELD_PICTOGRAMS: dict[ClinicalField, str | None] = {
    ClinicalField.BLOOD_GROUP: "blood",
    ClinicalField.ALLERGIES: "warning",
    ClinicalField.MEDICATIONS: "pill",
    ClinicalField.CONDITIONS: None,
}
LISTS = (ClinicalField.ALLERGIES, ClinicalField.MEDICATIONS, ClinicalField.CONDITIONS)


@dataclass(frozen=True)
class Phrase:
    text: str
    language: str

    @property
    def rtl(self) -> bool:
        return is_rtl(self.text)


@dataclass(frozen=True)
class Pair:
    """One thing said in the receiving country's language and, if it differs, the holder's."""

    first: Phrase
    second: Phrase | None = None

    @property
    def phrases(self) -> tuple[Phrase, ...]:
        return (self.first,) if self.second is None else (self.first, self.second)


@dataclass(frozen=True)
class Item:
    pictogram: str  # one symbol, or "" when the concept has none
    label: Pair


@dataclass(frozen=True)
class ClinicalList:
    field: ClinicalField
    heading: Pair
    pictogram: str
    confirmed: bool
    state: FieldState
    state_text: Pair | None  # "none known" / "not asked"; None when items are listed
    items: tuple[Item, ...]


@dataclass(frozen=True)
class Languages:
    """The pair of languages a card prints: `first` for the doctor, `second` for the holder."""

    first: str
    second: str

    def term(self, key: str) -> Pair:
        return self.pair(lambda language: valuesets.term(key, language))

    def pair(self, label: Callable[[str], str]) -> Pair:
        """A Pair from a function of the language (a term, a value-set label)."""
        first = Phrase(str(label(self.first)), self.first)
        if self.second == self.first:
            return Pair(first)
        second = Phrase(str(label(self.second)), self.second)
        return Pair(first, None if second.text == first.text else second)


@dataclass(frozen=True)
class CardContent:
    title: Pair
    name: Phrase
    name_latin: str | None
    birth_label: Pair
    birth_date: str
    blood_label: Pair
    blood_pictogram: str
    blood_code: str | None  # "O+", printed large: readable in any language
    blood_group: Pair  # in words: "unknown", "not asked"
    blood_confirmed: bool
    lists: tuple[ClinicalList, ...]
    expires_label: Pair
    expires: str
    issuer_label: Pair
    centre: str
    code_label: Pair
    card_code: str
    scan: Pair
    clinician_legend: Pair | None
    contact_label: Pair
    contact: str | None
    contact_latin: str | None  # the contact's name as a doctor can say it
    languages_label: Pair
    languages_spoken: str | None
    issued_label: Pair
    issued: str
    not_identity: Pair

    def more_items(self, count: int, language: str) -> Phrase:
        """The line that replaces items left off: "+2 more — scan the code"."""
        return Phrase(valuesets.term("card.more_items", language).format(count=count), language)


def pictogram(key: str | None) -> str:
    """The symbol of pictogram `key`, or "" when there is none."""
    if key is None:
        return ""
    entry = valuesets.pictograms().get(key)
    return str(entry["symbol"]) if entry else ""


def card_content(card: Card, languages: Languages, *, centre: str) -> CardContent:
    """Every phrase of `card`'s two sides, in `languages`."""
    holder, data = card.holder, card.emergency
    latin = latin_line(holder.name, holder.name_latin)
    confirmed = card.provenance.confirmed
    blood = data.blood_group
    blood_set = valuesets.blood_groups()
    if blood is None:
        blood_group = languages.term("state.not_asked")
    else:
        blood_group = languages.pair(lambda language: blood_set.label(blood, language))
    contact = f"{data.contact.name}  {data.contact.phone}" if data.contact else None
    contact_latin = latin_line(data.contact.name, None) if data.contact else None
    spoken = ", ".join(_native_name(code) for code in data.languages) or None
    return CardContent(
        title=languages.term("card.title"),
        name=Phrase(holder.name, languages.second),
        name_latin=None if latin is None or latin == holder.name.upper() else latin,
        birth_label=languages.term("field.birth_date"),
        birth_date=holder.birth_date.isoformat(),
        blood_label=languages.term("field.blood_group"),
        blood_pictogram=pictogram(FIELD_PICTOGRAMS[ClinicalField.BLOOD_GROUP]),
        blood_code=_blood_code(blood),
        blood_group=blood_group,
        blood_confirmed=ClinicalField.BLOOD_GROUP in confirmed and blood is not None,
        lists=tuple(_clinical_list(card, f, languages) for f in LISTS),
        expires_label=languages.term("field.expires"),
        expires=card.expires.isoformat(),
        issuer_label=languages.term("field.issuer"),
        centre=centre,
        code_label=languages.term("field.card_code"),
        card_code=card.card_code,
        scan=languages.term("card.scan_to_verify"),
        clinician_legend=(
            languages.pair(
                lambda language: (
                    f"{CLINICIAN_MARK} " + valuesets.term("provenance.clinician", language)
                )
            )
            if confirmed
            else None
        ),
        contact_label=languages.term("field.emergency_contact"),
        contact=contact,
        contact_latin=(
            None
            if data.contact is None or contact_latin == data.contact.name.upper()
            else contact_latin
        ),
        languages_label=languages.term("field.languages"),
        languages_spoken=spoken,
        issued_label=languages.term("field.issued"),
        issued=card.issued.isoformat(),
        not_identity=languages.term("card.not_identity"),
    )


def _clinical_list(card: Card, field: ClinicalField, languages: Languages) -> ClinicalList:
    state = card.emergency.state(field)
    value_set = valuesets.value_set(field.value)
    codes: tuple[str, ...] = getattr(card.emergency, field.value) or ()
    items = tuple(
        Item(
            pictogram=pictogram(value_set[code].pictogram if code in value_set else None),
            label=languages.pair(partial(_label, value_set, code)),
        )
        for code in codes
    )
    return ClinicalList(
        field=field,
        heading=languages.term(f"field.{field.value}"),
        pictogram=pictogram(FIELD_PICTOGRAMS[field]),
        confirmed=field in card.provenance.confirmed and state is not FieldState.NOT_ASKED,
        state=state,
        state_text=None if state is FieldState.KNOWN else languages.term(f"state.{state.value}"),
        items=items,
    )


def _blood_code(code: str | None) -> str | None:
    """The ABO/Rh code to print large, with a true minus sign (a hyphen reads as a dash)."""
    if code is None or code == "unknown":
        return None
    return code.replace("-", "\u2212")


def _label(value_set: valuesets.ValueSet, code: str, language: str) -> str:
    return value_set.card_label(code, language)


def _native_name(code: str) -> str:
    known = valuesets.languages()
    return str(known[code].extra.get("native", code)) if code in known else code
