"""Whole terminologies: every ICD-10 WHO 2019, ATC level-5 and SNOMED CT allergy code is
accepted, carried by the codec, labelled in every language and flagged sensitive by its
place in the hierarchy; any other code is refused naming its field."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from importlib import resources

import pytest

from cards import codec, packing, valuesets
from cards.errors import ProfileError
from cards.fhir import card_bundle
from cards.profile import parse_profile
from cards.valuesets.terminology import group_labels, terminology
from tests.builders import make_card, with_emergency

FIELDS = ("allergies", "medications", "conditions")
DONE_WHEN = {
    "name": "Amina Diallo",
    "birth_date": "1990-05-01",
    "allergies": ["294494002"],  # benethamine penicillin allergy: not a curated entry
    "medications": ["J05AE01", "C10AA01"],
    "conditions": ["B20", "E78", "Z21"],
    "include_sensitive": ["B20", "Z21", "J05AE01"],
}


def _rules() -> dict[str, list[str]]:
    path = resources.files("cards.valuesets").joinpath("data/sensitive.json")
    rules: dict[str, list[str]] = json.loads(path.read_text("utf-8"))
    return rules


def test_each_terminology_is_whole() -> None:
    icd10, atc, snomed = (terminology(n) for n in ("icd10", "atc", "snomed_allergy"))
    categories = [c for c in icd10.official if len(c) == 3]
    assert len(categories) > 2000 and len(icd10.official) > 12000
    assert {"B20", "B20.1", "E78", "E78.0", "Z21", "U07.1"} <= set(icd10.official)
    assert len(atc.official) > 4000 and all(len(c) == 7 for c in atc.official)
    assert len(snomed.official) > 3000
    for field in FIELDS:
        value_set = valuesets.value_set(field)
        assert value_set.concepts.keys() <= {c for c in value_set.concepts if c in value_set}


@pytest.mark.parametrize("field", ["medications", "conditions"])
def test_every_code_round_trips_through_the_packing(field: str) -> None:
    value_set = valuesets.value_set(field)
    system = value_set.terminology
    assert system is not None
    pack, unpack = {
        "medications": (packing.pack_atc, packing.unpack_atc),
        "conditions": (packing.pack_icd10, packing.unpack_icd10),
    }[field]
    codes = set(system.official) | set(value_set.concepts)
    assert [c for c in codes if unpack.__wrapped__(pack(c)) != c] == []


@pytest.mark.parametrize("field", FIELDS)
def test_every_code_round_trips_through_a_card(field: str) -> None:
    value_set = valuesets.value_set(field)
    assert value_set.terminology is not None
    codes = sorted(set(value_set.terminology.official) | set(value_set.concepts))
    card = make_card()
    size = codec.MAX_LIST_ITEMS
    for batch in (tuple(codes[i : i + size]) for i in range(0, len(codes), size)):
        body = codec.encode_body(with_emergency(card, **{field: batch}))
        assert getattr(codec.decode_body(body).emergency, field) == batch


@pytest.mark.parametrize("field", FIELDS)
def test_every_code_has_a_label_in_every_language_with_its_code(field: str) -> None:
    value_set = valuesets.value_set(field)
    assert value_set.terminology is not None
    for code in value_set.terminology.official:
        for language in valuesets.UI_LANGUAGES:
            label = value_set.label(code, language)
            assert label.strip() and label != code
            assert code in value_set.concepts or label.endswith(f"({code})")


def test_uncurated_codes_take_their_nearest_curated_ancestor() -> None:
    conditions, medications = valuesets.conditions(), valuesets.medications()
    hiv = group_labels()["icd10:B20-B24"]
    metabolic = group_labels()["icd10:E70-E90"]
    for language in ("ar", "fa", "ps", "ti", "uk", "ru", "es", "pt", "ka"):
        assert conditions.label("B20", language) == f"{hiv[language]} (B20)"
        assert conditions.label("E78", language) == f"{metabolic[language]} (E78)"
        # A subcategory under a curated category: that category's curated label.
        e10 = conditions.concepts["E10"].label(language)
        assert conditions.label("E10.9", language) == f"{e10} (E10.9)"
        antiviral = group_labels()["atc:J05A"][language]
        assert medications.label("J05AE01", language) == f"{antiviral} (J05AE01)"
    # English and French have the official label itself.
    assert conditions.label("E78", "en") == (
        "Disorders of lipoprotein metabolism and other lipidaemias (E78)"
    )
    assert medications.label("J05AE01", "fr") == "Saquinavir (J05AE01)"
    assert conditions.label("E78", "fr") == (
        "Anomalies du métabolisme des lipoprotéines et autres lipidémies (E78)"
    )
    # A printed card keeps the shorter curated label, even in English and French.
    assert conditions.card_label("E78", "en") == "Metabolic disorder (E78)"
    assert conditions.card_label("E78", "fr") == "Trouble du métabolisme (E78)"
    assert conditions.card_label("E10", "en") == conditions.label("E10", "en")
    # No curated ancestor: the official English label, never a blank.
    allergy = valuesets.allergies().label("294494002", "ar")
    assert allergy == "Benethamine penicillin allergy (294494002)"


def test_curated_groups_are_labelled_in_every_language_and_marked_unreviewed() -> None:
    path = resources.files("cards.valuesets").joinpath("data/groups.json")
    document = json.loads(path.read_text("utf-8"))
    for key, labels in document["groups"].items():
        assert set(labels) == set(valuesets.UI_LANGUAGES), key
        assert all(text.strip() for text in labels.values()), key
    for language in valuesets.UI_LANGUAGES:
        if language != "en":
            assert set(document["unreviewed"][language]) == set(document["groups"])


def test_sensitive_flags_follow_the_hierarchy_over_the_whole_lists() -> None:
    conditions, medications = valuesets.conditions(), valuesets.medications()
    icd10, atc = terminology("icd10"), terminology("atc")
    sensitive_icd = {c for c in icd10.official if conditions[c].sensitive}
    for code in icd10.official:
        expected = (
            "B15" <= code[:3] <= "B24"
            or "A50" <= code[:3] <= "A64"
            or code[0] in "FO"
            or code.startswith(("Z21", "Z30", "Z31", "Z32", "Z33", "Z34", "Z35", "Z36", "Z37"))
        )
        if expected:
            assert code in sensitive_icd, code
    assert not {"E78", "E78.0", "I10", "J45", "E10.9", "A15.0", "Z22.7"} & sensitive_icd
    for code in atc.official:
        if code.startswith(("J05AE", "J05AF", "J05AG", "J05AR", "N07BC", "N05A", "N06A", "G03A")):
            assert medications[code].sensitive, code
    assert not any(medications[c].sensitive for c in ("C10AA01", "A02BC01", "J05AB01"))


def test_every_curated_sensitive_flag_is_kept() -> None:
    for field in FIELDS:
        path = resources.files("cards.valuesets").joinpath(f"data/{field}.json")
        entries = json.loads(path.read_text("utf-8"))["entries"]
        value_set = valuesets.value_set(field)
        for entry in entries:
            assert value_set[entry["code"]].sensitive >= entry.get("sensitive", False)


def test_every_sensitive_rule_names_real_codes() -> None:
    rules = _rules()
    icd10 = terminology("icd10").official
    for rule in rules["icd10"]:
        assert all(end in icd10 for end in rule.split("-")), rule
    atc = set(terminology("atc").official) | set(valuesets.medications().concepts)
    for prefix in rules["atc"]:
        assert any(code.startswith(prefix) for code in atc), prefix


def test_the_privacy_rule_holds_for_the_whole_terminology() -> None:
    conditions = valuesets.conditions()
    assert conditions.terminology is not None
    sensitive = [c for c in conditions.terminology.official if conditions[c].sensitive]
    assert len(sensitive) > 1000
    base = {"name": "Amina Diallo", "birth_date": "1990-05-01"}
    for code in sensitive[::97]:
        with pytest.raises(ProfileError, match="conditions") as refused:
            parse_profile({**base, "conditions": [code]})
        assert "include_sensitive" in str(refused.value)
        _holder, data, _provenance = parse_profile(
            {**base, "conditions": [code], "include_sensitive": [code]}
        )
        assert data.conditions == (code,)


def test_the_done_when_profile_is_accepted() -> None:
    _holder, data, _provenance = parse_profile(DONE_WHEN, today=date(2026, 12, 7))
    assert data.conditions == ("B20", "E78", "Z21")
    assert valuesets.unknown_code(data) is None


@pytest.mark.parametrize(
    ("field", "code", "system"),
    [
        ("conditions", "U99.9", "ICD-10"),
        ("conditions", "D49", "ICD-10"),
        ("medications", "A99ZZ99", "ATC"),
        ("medications", "J05AX99", "ATC"),
        ("allergies", "22298006", "SNOMED CT"),
    ],
)
def test_an_unknown_code_is_refused_naming_its_field(field: str, code: str, system: str) -> None:
    profile = {"name": "Amina Diallo", "birth_date": "1990-05-01", field: [code]}
    with pytest.raises(ProfileError) as refused:
        parse_profile(profile)
    assert refused.value.field == field
    assert code in str(refused.value)
    data = with_emergency(make_card(), **{field: (code,)}).emergency
    why = valuesets.unknown_code(data)
    assert why is not None and why.startswith(f"{field}: {code} ") and system in why


def test_kiosk_search_finds_codes_by_language_english_and_code() -> None:
    conditions, medications = valuesets.conditions(), valuesets.medications()
    assert "E78" in {c.code for c in conditions.search("lipoprotein", "ar")}
    assert "E78" in {c.code for c in conditions.search("E78", "ti")}
    assert "B20" in {c.code for c in conditions.search("نقص المناعة", "ar")}
    assert "E10.9" in {c.code for c in conditions.search("السكري من النوع الأول", "ar")}
    assert "J05AE01" in {c.code for c in medications.search("saquinavir", "fr")}
    assert "J05AE01" in {c.code for c in medications.search("противовирусн", "ru", limit=500)}
    found = conditions.search("E78", "en")
    assert found[0].code in conditions.concepts or found[0].code == "E78"


def test_fhir_display_is_the_official_label() -> None:
    _holder, data, _provenance = parse_profile(DONE_WHEN, today=date(2026, 12, 7))
    card = make_card(emergency=data)
    bundle = card_bundle(card, issuer="Centre", timestamp=datetime(2026, 12, 7, tzinfo=UTC))
    displays = {
        coding["code"]: coding["display"]
        for entry in bundle["entry"]
        for key in ("code", "medicationCodeableConcept")
        for coding in entry["resource"].get(key, {}).get("coding", [])
    }
    assert displays["E78"] == "Disorders of lipoprotein metabolism and other lipidaemias"
    assert displays["294494002"] == "Benethamine penicillin allergy"
    assert displays["J05AE01"] == "Saquinavir"
