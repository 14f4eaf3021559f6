"""Holder profiles: what they become, and one precise error per bad field."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from cards.errors import ProfileError
from cards.model import BirthDate, ClinicalField, FieldState
from cards.profile import parse_profile
from tests.conftest import load_profile

TODAY = date(2026, 11, 27)
AMINA: dict[str, Any] = load_profile("amina_diallo")  # the example of issue 3


def _parse(**changes: Any) -> Any:
    profile = {**AMINA, **changes}
    for key in [k for k, v in changes.items() if v is ...]:
        del profile[key]
    return parse_profile(profile, today=TODAY)


def test_issue_example_profile_parses() -> None:
    holder, data, provenance = _parse()
    assert holder.name == "Amina Diallo" and holder.name_latin is None
    assert data.medications == ("A10AE04",)
    assert not provenance.confirmed


def test_absent_means_not_asked_and_empty_means_none_known() -> None:
    _, data, _ = _parse(allergies=[], medications=..., conditions=None)
    assert data.state(ClinicalField.ALLERGIES) is FieldState.NONE_KNOWN
    assert data.state(ClinicalField.MEDICATIONS) is FieldState.NOT_ASKED
    assert data.state(ClinicalField.CONDITIONS) is FieldState.NOT_ASKED


def test_no_known_allergy_code_becomes_none_known() -> None:
    _, data, _ = _parse(allergies=["716186003"])
    assert data.allergies == ()


def test_year_only_birth_date() -> None:
    holder, _, _ = _parse(birth_date="1987")
    assert holder.birth_date == BirthDate(1987)


def test_scripts_without_icao_table_need_a_latin_name() -> None:
    with pytest.raises(ProfileError, match="name_latin: required"):
        _parse(name="ዮናስ ገብረሚካኤል")
    holder, _, _ = _parse(name="ዮናስ ገብረሚካኤል", name_latin="Yonas Gebremichael")
    assert holder.name_latin == "YONAS GEBREMICHAEL"


def test_latin_name_equal_to_the_icao_form_is_not_stored() -> None:
    holder, _, _ = _parse(name="Олена Шевченко", name_latin="Olena Shevchenko")
    assert holder.name_latin is None


def test_clinician_confirmation_becomes_provenance() -> None:
    _, _, provenance = _parse(confirmed={"staff_id": 4, "fields": ["allergies", "blood_group"]})
    assert provenance.confirmed == {ClinicalField.ALLERGIES, ClinicalField.BLOOD_GROUP}
    assert provenance.confirmed_by == 4


def test_sensitive_items_need_an_explicit_choice() -> None:
    with pytest.raises(ProfileError, match="conditions: B24 is sensitive"):
        _parse(conditions=["E10", "B24"])
    _, data, _ = _parse(conditions=["E10", "B24"], include_sensitive=["B24"])
    assert data.conditions == ("E10", "B24")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"name": ...}, "profile: 'name' is a required property"),
        ({"name": ""}, "name: '' should be non-empty"),
        ({"name": "Amina\u202eDiallo"}, "name: contains a character that is not allowed"),
        ({"name": "Amina  Diallo"}, "name: must not be empty or have"),
        ({"name": "Amina 3"}, "name: contains a character that is not allowed"),
        ({"name": "x" * 65}, "name: .* is too long"),
        ({"birth_date": "12/03/1994"}, "birth_date: .* does not match"),
        ({"birth_date": "1994-02-30"}, "birth_date: '1994-02-30' is not a real date"),
        ({"birth_date": "2030-01-01"}, "birth_date: is in the future"),
        ({"birth_date": "1850"}, "birth_date: is before 1900"),
        ({"sex": "f"}, "sex: 'f' is not one of"),
        ({"blood_group": "O"}, "blood_group: 'O' is not one of"),
        ({"allergies": ["12345679"]}, "allergies: 12345679 is not in the allergies value set"),
        ({"allergies": ["294505009"]}, "allergies: 294505009 fails the SNOMED CT check digit"),
        ({"name": "ዮናስ ገብረሚካኤል"}, "name_latin: required: no ICAO 9303 table covers"),
        ({"allergies": ["716186003", "294505008"]}, "allergies: 'no known allergy' cannot"),
        ({"allergies": "penicillin"}, "allergies: 'penicillin' is not of type"),
        ({"medications": ["A10XX99"]}, "medications: A10XX99 is not in the medications value set"),
        ({"medications": ["insulin"]}, "medications.0: 'insulin' does not match"),
        ({"medications": ["A10AE04", "A10AE04"]}, "medications: .* has non-unique elements"),
        ({"conditions": ["E10.12"]}, "conditions.0: 'E10.12' does not match"),
        (
            {"emergency_contact": {"name": "Moussa", "phone": "0612345678"}},
            "emergency_contact.phone",
        ),
        ({"emergency_contact": {"name": "Moussa"}}, "emergency_contact: 'phone' is a required"),
        ({"languages": ["xx"]}, "languages: xx is not a known ISO 639 language code"),
        ({"languages": ["FR"]}, "languages.0: 'FR' does not match"),
        ({"nationality": "SD"}, "profile: Additional properties are not allowed"),
        ({"include_sensitive": ["B24"]}, "include_sensitive: lists codes not on the card"),
        ({"confirmed": {"staff_id": 0, "fields": ["allergies"]}}, "confirmed.staff_id"),
        ({"name_latin": "أمينة"}, "name_latin: must be plain Latin letters"),
    ],
)
def test_bad_fields_are_refused_with_the_field_named(changes: dict[str, Any], message: str) -> None:
    with pytest.raises(ProfileError, match=message):
        _parse(**changes)


def test_a_profile_that_is_not_an_object_is_refused() -> None:
    with pytest.raises(ProfileError, match=r"profile: .* is not of type 'object'"):
        parse_profile(["Amina"], today=TODAY)
