"""The review screen's content: what the card will print, in the holder's and the card's language.

Headings, states and labels are the card's own words (terms.json and the
value sets), so the holder reviews exactly the text that is printed; only
"I don't know" is shown back in the holder's column as the holder tapped it.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _

from cards import valuesets
from cards.spelling import latin_line
from kiosk.web.reception import choices
from kiosk.web.reception.answers import CLINICAL_LISTS, Answers


@dataclass(frozen=True)
class Item:
    symbol: str
    holder_text: str
    card_text: str
    private: bool = False


@dataclass(frozen=True)
class Section:
    field: str  # the card's field key (terms.json "field.<key>")
    step: str  # where the holder changes it
    holder_heading: str
    card_heading: str
    items: tuple[Item, ...]
    confirmable: bool = False  # a clinical field a clinician's confirmation covers


def _same(text: str) -> Item:
    return Item(symbol="", holder_text=text, card_text=text)


def _state(kind: str, holder_language: str, card_language: str) -> Item:
    return Item(
        symbol="",
        holder_text=valuesets.term(f"state.{kind}", holder_language),
        card_text=valuesets.term(f"state.{kind}", card_language),
    )


def sections(answers: Answers, holder_language: str, card_language: str) -> list[Section]:
    """The card's content, section by section, as it will be printed."""
    term = valuesets.term

    def section(field: str, step: str, items: list[Item], confirmable: bool = False) -> Section:
        return Section(
            field=field,
            step=step,
            holder_heading=term(f"field.{field}", holder_language),
            card_heading=term(f"field.{field}", card_language),
            items=tuple(items),
            confirmable=confirmable,
        )

    latin = latin_line(answers.name, answers.latin_line() or None) or ""
    name_items = [_same(answers.name)]
    if latin and latin != answers.name.upper():
        name_items.append(_same(latin.upper()))
    result = [
        section("name", "name", name_items),
        section("birth_date", "birth", [_same(answers.birth_date())]),
    ]
    if answers.blood_group is None:
        blood = [_state("not_asked", holder_language, card_language)]
    else:
        groups = valuesets.blood_groups()
        blood = [
            Item(
                symbol="",
                holder_text=groups.label(answers.blood_group, holder_language),
                card_text=groups.label(answers.blood_group, card_language),
            )
        ]
    result.append(section("blood_group", "blood", blood, confirmable=True))
    for clinical_list in CLINICAL_LISTS:
        codes = answers.printed_codes(clinical_list)
        private = set(answers.sensitive_codes(clinical_list))
        value_set = choices.VALUE_SETS[clinical_list]()
        if codes is None:
            # The holder's own answer, shown back as tapped; the card prints "not asked".
            items = [
                Item(
                    symbol="",
                    holder_text=_("I don't know"),
                    card_text=term("state.not_asked", card_language),
                )
            ]
        elif not codes:
            items = [_state("none_known", holder_language, card_language)]
        else:
            items = [
                Item(
                    symbol=choices.symbol(value_set[code].pictogram),
                    holder_text=value_set.card_label(code, holder_language),
                    card_text=value_set.card_label(code, card_language),
                    private=code in private,
                )
                for code in codes
            ]
        result.append(section(clinical_list, clinical_list, items, confirmable=True))
    if answers.contact_phone:
        contact = [_same(answers.contact_name)]
        contact_latin = latin_line(answers.contact_name, None)
        if contact_latin and contact_latin != answers.contact_name.upper():
            contact.append(_same(contact_latin))
        contact.append(_same(answers.contact_phone))
        result.append(section("emergency_contact", "contact", contact))
    if answers.languages:
        spoken = valuesets.languages()
        names = [
            _same(str(spoken[code].extra.get("native") or spoken[code].label("en")))
            for code in answers.languages
        ]
        result.append(section("languages", "languages", names))
    return result
