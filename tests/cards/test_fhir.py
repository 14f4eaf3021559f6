"""The FHIR export: an IPS-style R4 document Bundle that a FHIR model library accepts."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from fhir.resources.R4B.bundle import Bundle
from pydantic import ValidationError

from cards.fhir import ABSENT, card_bundle, resource_uuid
from cards.fhir_common import ATC, ICD10, SNOMED
from cards.model import BirthDate, ClinicalField, Provenance
from cards.spelling import readable_latin
from tests.builders import make_card, with_emergency, with_holder

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)


def _resources(bundle: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


IPS = "http://hl7.org/fhir/uv/ips/StructureDefinition/"


def _only(bundle: dict[str, Any], kind: str) -> dict[str, Any]:
    (resource,) = _resources(bundle, kind)
    return resource


CARDS = {
    "known": make_card(),
    "none-known": with_emergency(make_card(), allergies=(), medications=(), conditions=()),
    "not-asked": with_emergency(
        make_card(), blood_group=None, allergies=None, medications=None, conditions=None
    ),
    "arabic-year-only": with_holder(make_card(), name="أمينة ديالو", birth_date=BirthDate(1990)),
    "unknown-blood-group": with_emergency(make_card(), blood_group="unknown"),
}


@pytest.mark.parametrize("name", sorted(CARDS))
def test_bundle_is_a_valid_fhir_r4_document(name: str) -> None:
    bundle = card_bundle(CARDS[name], issuer="Centre", timestamp=NOW)
    Bundle.model_validate(bundle)
    assert bundle["type"] == "document"
    assert bundle["timestamp"] == "2026-11-27T12:00:00Z"
    first = bundle["entry"][0]["resource"]
    assert first["resourceType"] == "Composition"
    assert first["type"]["coding"][0]["code"] == "60591-5"
    sections = {s["code"]["coding"][0]["code"] for s in first["section"]}
    assert {"48765-2", "10160-0", "11450-4"} <= sections
    references = {r["reference"] for s in first["section"] for r in s["entry"]}
    assert references <= {e["fullUrl"] for e in bundle["entry"]}


@pytest.mark.parametrize(("key", "value"), [("birthDate", "yesterday"), ("nickname", "Ami")])
def test_the_validation_reaches_into_every_resource(key: str, value: str) -> None:
    bundle = card_bundle(make_card(), issuer="Centre", timestamp=NOW)
    bundle["entry"][1]["resource"][key] = value
    with pytest.raises(ValidationError, match=f"entry.1.resource.{key}"):
        Bundle.model_validate(bundle)


def test_clinical_codes_use_their_code_systems() -> None:
    bundle = card_bundle(make_card(), issuer="Centre", timestamp=NOW)
    blood = _only(bundle, "Observation")
    assert blood["code"]["coding"][0] == {
        "system": "http://loinc.org",
        "code": "882-1",
        "display": "ABO and Rh group [Type] in Blood",
    }
    assert blood["valueCodeableConcept"]["coding"][0]["system"] == SNOMED
    # SNOMED CT 278147001: blood group O Rh(D) positive
    assert blood["valueCodeableConcept"]["coding"][0]["code"] == "278147001"
    allergy = _only(bundle, "AllergyIntolerance")["code"]["coding"][0]
    assert (allergy["system"], allergy["code"]) == (SNOMED, "294505008")
    medication = _only(bundle, "MedicationStatement")["medicationCodeableConcept"]["coding"][0]
    assert (medication["system"], medication["code"]) == (ATC, "A10AE04")
    condition = _only(bundle, "Condition")["code"]["coding"][0]
    assert (condition["system"], condition["code"]) == (ICD10, "E10")


@pytest.mark.parametrize(
    ("card", "codes"),
    [
        ("none-known", ["no-known-allergies", "no-known-medications", "no-known-problems"]),
        ("not-asked", ["no-allergy-info", "no-medication-info", "no-problem-info"]),
    ],
)
def test_none_known_and_not_asked_use_the_ips_absent_codes(card: str, codes: list[str]) -> None:
    bundle = card_bundle(CARDS[card], issuer="Centre", timestamp=NOW)
    found = [
        _only(bundle, "AllergyIntolerance")["code"]["coding"][0],
        _only(bundle, "MedicationStatement")["medicationCodeableConcept"]["coding"][0],
        _only(bundle, "Condition")["code"]["coding"][0],
    ]
    assert [(c["system"], c["code"]) for c in found] == [(ABSENT, code) for code in codes]


def test_a_blood_group_not_asked_or_unknown_is_no_laboratory_result() -> None:
    for name in ("not-asked", "unknown-blood-group"):
        bundle = card_bundle(CARDS[name], issuer="C", timestamp=NOW)
        assert _resources(bundle, "Observation") == []
        sections = bundle["entry"][0]["resource"]["section"]
        assert "30954-2" not in {s["code"]["coding"][0]["code"] for s in sections}


def test_a_known_blood_group_is_a_dated_laboratory_result() -> None:
    card = make_card()
    observation = _only(card_bundle(card, issuer="C", timestamp=NOW), "Observation")
    assert observation["effectiveDateTime"] == card.issued.isoformat()
    assert observation["valueCodeableConcept"]["coding"][0]["system"] == "http://snomed.info/sct"
    assert observation["meta"]["profile"] == [IPS + "Observation-results-laboratory-uv-ips"]


def test_every_resource_claims_its_ips_profile_and_medications_are_dated() -> None:
    card = make_card()
    bundle = card_bundle(card, issuer="C", timestamp=NOW)
    assert bundle["meta"]["profile"] == [IPS + "Bundle-uv-ips"]
    for entry in bundle["entry"]:
        resource = entry["resource"]
        if resource["resourceType"] == "Provenance":
            assert "meta" not in resource  # IPS has no Provenance profile: none is claimed
            continue
        assert resource["meta"]["profile"][0].startswith(IPS), resource["resourceType"]
    assert _only(bundle, "MedicationStatement")["effectiveDateTime"] == card.issued.isoformat()
    assert all("use" in name for name in _only(bundle, "Patient")["name"])


def test_provenance_marks_clinician_confirmed_and_self_declared_items() -> None:
    card = make_card(provenance=Provenance(frozenset({ClinicalField.ALLERGIES}), confirmed_by=7))
    bundle = card_bundle(card, issuer="Centre", timestamp=NOW)
    practitioner = _only(bundle, "Practitioner")
    assert practitioner["identifier"][0]["value"] == "7"
    allergy, condition = _only(bundle, "AllergyIntolerance"), _only(bundle, "Condition")
    assert allergy["verificationStatus"]["coding"][0]["code"] == "confirmed"
    assert allergy["asserter"]["reference"] == f"urn:uuid:{practitioner['id']}"
    assert condition["verificationStatus"]["coding"][0]["code"] == "unconfirmed"
    assert condition["asserter"]["reference"] == f"urn:uuid:{_only(bundle, 'Patient')['id']}"
    assert _only(bundle, "Organization")["name"] == "Centre"
    assert len(_only(bundle, "Provenance")["target"]) == len(bundle["entry"]) - 2


def test_patient_carries_both_scripts_languages_and_emergency_contact() -> None:
    patient = _only(card_bundle(CARDS["arabic-year-only"], issuer="C", timestamp=NOW), "Patient")
    assert [n["text"] for n in patient["name"]] == ["أمينة ديالو", readable_latin("أمينة ديالو")]
    assert patient["birthDate"] == "1990"
    assert [c["language"]["coding"][0]["code"] for c in patient["communication"]] == ["ff", "fr"]
    assert patient["contact"][0]["telecom"] == [{"system": "phone", "value": "+33612345678"}]


def test_ids_are_stable_for_a_card_and_differ_between_cards() -> None:
    first = card_bundle(make_card(), issuer="C", timestamp=NOW)
    assert card_bundle(make_card(), issuer="C", timestamp=NOW) == first
    other = card_bundle(make_card(card_id=b"\x02" * 8), issuer="C", timestamp=NOW)
    assert first["id"] != other["id"]
    assert resource_uuid("00" * 8, "patient")[14] == "8"  # UUID version 8
