"""The record's first items come from the card, labelled in the holder's language."""

from __future__ import annotations

from datetime import date

from cards import valuesets
from cards.record import Confirmation, ItemKind
from kiosk.domain.accounts.users import StaffUser
from kiosk.domain.cards.card_record import record_items
from tests.builders import make_card, with_emergency

NURSE = StaffUser(id=7, username="nurse.amal", display_name="Amal Haddad", role="clinician",
                  facility="")  # fmt: skip


def test_each_list_entry_and_the_contact_become_items_in_the_holders_language() -> None:
    items = record_items(make_card(), "ar", NURSE)
    assert [(item.kind, item.code) for item in items] == [
        (ItemKind.ALLERGY, "294505008"),
        (ItemKind.MEDICATION, "A10AE04"),
        (ItemKind.CONDITION, "E10"),
        (ItemKind.TRUSTED_PERSON, None),
    ]
    allergy = items[0]
    assert allergy.text == valuesets.allergies().label("294505008", "ar")
    assert allergy.text != valuesets.allergies().label("294505008", "en")
    assert (items[3].text, items[3].phone) == ("Moussa", "+33612345678")


def test_only_the_fields_the_card_marks_confirmed_are_clinician_confirmed() -> None:
    items = record_items(make_card(), "fr", NURSE)
    assert [item.provenance for item in items] == [
        "clinician-confirmed",
        "self-declared",
        "self-declared",
        "self-declared",
    ]
    assert items[0].confirmed == Confirmation(by="Amal Haddad", on=date(2026, 11, 1), staff_id=7)


def test_without_a_clinician_at_the_kiosk_every_item_is_self_declared() -> None:
    assert {item.provenance for item in record_items(make_card(), "fr", None)} == {"self-declared"}


def test_not_asked_none_known_and_no_contact_make_no_items() -> None:
    card = with_emergency(make_card(), allergies=None, medications=(), conditions=None,
                          contact=None)  # fmt: skip
    assert record_items(card, "en", None) == []
