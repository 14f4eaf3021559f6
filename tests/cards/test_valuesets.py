"""The value sets: sizes, complete labels, well-formed codes, pictograms, sensitive flags."""

from __future__ import annotations

import re

import pytest

from cards import valuesets
from cards.packing import ATC_PATTERN, ICD10_PATTERN, LANGUAGE_PATTERN

MINIMUM = {
    "blood_groups": 9,
    "allergies": 64,
    "medications": 150,
    "conditions": 80,
    "languages": 45,
}


@pytest.mark.parametrize("name", sorted(MINIMUM))
def test_value_set_is_large_enough_and_labelled_in_every_ui_language(name: str) -> None:
    value_set = valuesets.value_set(name)
    assert len(value_set.concepts) >= MINIMUM[name]
    for concept in value_set.concepts.values():
        missing = [
            lang for lang in valuesets.UI_LANGUAGES if not concept.labels.get(lang, "").strip()
        ]
        assert missing == [], f"{name} {concept.code} lacks labels in {missing}"


@pytest.mark.parametrize(
    ("name", "pattern"),
    [
        ("allergies", re.compile(r"^\d{6,18}$")),
        ("medications", ATC_PATTERN),
        ("conditions", ICD10_PATTERN),
        ("languages", LANGUAGE_PATTERN),
    ],
)
def test_codes_are_well_formed(name: str, pattern: re.Pattern[str]) -> None:
    bad = [code for code in valuesets.value_set(name).concepts if not pattern.match(code)]
    assert bad == []


def test_every_pictogram_key_is_defined() -> None:
    table = valuesets.pictograms()
    used = {
        concept.pictogram
        for name in MINIMUM
        for concept in valuesets.value_set(name).concepts.values()
        if concept.pictogram
    }
    assert used - set(table) == set()
    assert all(len(entry["symbol"]) <= 2 for entry in table.values())


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("medications", "J05AR03"),  # tenofovir + emtricitabine
        ("medications", "N07BC02"),  # methadone
        ("medications", "N06AB06"),  # sertraline
        ("conditions", "B24"),  # HIV disease
        ("conditions", "F32"),  # depression
        ("conditions", "Z33"),  # pregnancy
        ("conditions", "Z91.7"),  # female genital mutilation
    ],
)
def test_sensitive_items_are_flagged(name: str, code: str) -> None:
    assert valuesets.value_set(name)[code].sensitive


def test_emergency_essentials_are_not_flagged_sensitive() -> None:
    for name, code in [("conditions", "E10"), ("conditions", "G40"), ("medications", "B01AA03")]:
        assert not valuesets.value_set(name)[code].sensitive


def test_no_known_allergy_concepts_are_present() -> None:
    allergies = valuesets.allergies()
    for code in ("716186003", "409137002"):
        assert allergies[code].extra["kind"] == "none_known"


def test_penicillin_allergy_rules_out_penicillins() -> None:
    assert "J01C" in valuesets.allergies()["91936005"].extra["drug_classes"]


def test_languages_have_native_names_and_direction() -> None:
    languages = valuesets.languages()
    assert languages["ar"].extra["native"] == "العربية"
    assert languages["ar"].extra["rtl"] is True
    assert languages["ti"].extra["native"] == "ትግርኛ"


def test_labels_fall_back_to_english_and_unknown_codes_to_themselves() -> None:
    medications = valuesets.medications()
    assert medications.label("A10AE04", "xx") == medications["A10AE04"].labels["en"]
    assert medications.label("Z99ZZ99", "fr") == "Z99ZZ99"


def test_search_finds_by_label_in_the_holders_language_and_by_code() -> None:
    found = valuesets.medications().search("insuline", "fr")
    assert any(c.code.startswith("A10A") for c in found)
    assert [c.code for c in valuesets.medications().search("A10AE04", "ar")] == ["A10AE04"]
