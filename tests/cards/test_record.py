"""Record items: what a valid item is, and the FHIR R4 / IPS resources they become."""

from __future__ import annotations

import importlib
from datetime import date

import pytest

from cards.record import Attachment, Confirmation, ItemKind, MediaType, RecordError, RecordItem
from cards.record_fhir import item_resource
from tests.record_items import record_items

PATIENT = "urn:uuid:5b3a7c1e-0000-4000-8000-000000000001"
PDF = Attachment(MediaType.PDF, b"%PDF-1.4\n%%EOF")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"text": "  "}, "says nothing"),
        ({"text": "x" * 201}, "longer than 200"),
        ({"note": "x" * 2001}, "note is longer than 2000"),
        ({"text": "bell\x07"}, "control characters"),
        ({"when": "2019-13"}, "does not exist"),
        ({"when": "March 2019"}, "is not YYYY"),
        ({"phone": "+33612345678"}, "only a trusted person"),
        ({"attachment": PDF}, "only a document"),
        ({"item_id": "ABC"}, "item id"),
    ],
)
def test_bad_items_are_refused_with_the_reason(changes: dict[str, object], message: str) -> None:
    fields = {"kind": ItemKind.ALLERGY, "text": "Penicillin", **changes}
    with pytest.raises(RecordError, match=message):
        RecordItem(**fields)  # type: ignore[arg-type]


def test_a_document_needs_its_attachment_and_a_trusted_person_an_e164_phone() -> None:
    with pytest.raises(RecordError, match="a document, and only a document"):
        RecordItem(ItemKind.DOCUMENT, "Scan")
    with pytest.raises(RecordError, match=r"E\.164"):
        RecordItem(ItemKind.TRUSTED_PERSON, "Fatoumata", phone="0612345678")


@pytest.mark.parametrize(
    ("item", "resource_type"),
    [
        (RecordItem(ItemKind.ALLERGY, "Penicillin", code="294505008"), "AllergyIntolerance"),
        (RecordItem(ItemKind.MEDICATION, "Salbutamol", code="R03AC02"), "MedicationStatement"),
        (RecordItem(ItemKind.CONDITION, "Epilepsy", code="G40"), "Condition"),
        (RecordItem(ItemKind.VACCINATION, "Tetanus"), "Immunization"),
        (RecordItem(ItemKind.SURGERY, "Appendectomy", when="2012"), "Procedure"),
        (RecordItem(ItemKind.IMPLANT, "Pacemaker"), "DeviceUseStatement"),
        (RecordItem(ItemKind.PREGNANCY, "Pregnant, due 2027-03"), "Observation"),
        (RecordItem(ItemKind.TRUSTED_PERSON, "Fatoumata", phone="+33612345678"), "RelatedPerson"),
        (RecordItem(ItemKind.ORGAN_DONATION, "Yes, all organs"), "Consent"),
        (RecordItem(ItemKind.ADVANCE_DIRECTIVE, "No ventilation"), "Consent"),
        (RecordItem(ItemKind.DOCUMENT, "Old binder", attachment=PDF), "DocumentReference"),
    ],
)
def test_each_kind_becomes_its_fhir_resource(item: RecordItem, resource_type: str) -> None:
    resource = item_resource(item, PATIENT)
    assert resource["resourceType"] == resource_type
    assert resource["id"] == item.item_id
    tags = {t["system"].rsplit("/", 1)[-1]: t["code"] for t in resource["meta"]["tag"]}
    assert tags["provenance"] == "self-declared"
    assert tags["record-item-kind"] == item.kind.value
    assert PATIENT in str(resource)


def test_a_clinician_confirmation_says_who_and_when() -> None:
    confirmed = Confirmation(by="Dr N. Haddad", on=date(2026, 11, 2), staff_id=3)
    resource = item_resource(
        RecordItem(ItemKind.CONDITION, "Epilepsy", confirmed=confirmed), PATIENT
    )
    assert resource["verificationStatus"]["coding"][0]["code"] == "confirmed"
    assert {
        "url": "https://ehcard.org/fhir/StructureDefinition/confirmed-by",
        "valueString": "Dr N. Haddad",
    } in resource["extension"]
    assert resource["meta"]["tag"][0]["code"] == "clinician-confirmed"


def test_coded_items_carry_their_code_system() -> None:
    resource = item_resource(RecordItem(ItemKind.MEDICATION, "Salbutamol", code="R03AC02"), PATIENT)
    assert resource["medicationCodeableConcept"]["coding"] == [
        {
            "system": "http://www.whocc.no/atc",
            "code": "R03AC02",
            "display": "Salbutamol (albuterol)",
        }
    ]
    assert resource["medicationCodeableConcept"]["text"] == "Salbutamol"  # the holder's words


@pytest.mark.parametrize(
    ("kind", "element"),
    [
        (ItemKind.VACCINATION, "occurrenceDateTime"),
        (ItemKind.MEDICATION, "effectiveDateTime"),
        (ItemKind.SURGERY, "performedDateTime"),
    ],
)
def test_a_date_ips_requires_but_nobody_gave_is_marked_unknown(
    kind: ItemKind, element: str
) -> None:
    resource = item_resource(RecordItem(kind, "Something"), PATIENT)
    assert element not in resource
    reason = resource[f"_{element}"]["extension"][0]
    assert reason == {
        "url": "http://hl7.org/fhir/StructureDefinition/data-absent-reason",
        "valueCode": "unknown",
    }


@pytest.mark.parametrize("kind", list(ItemKind))
def test_every_item_resource_is_valid_fhir_r4(kind: ItemKind) -> None:
    item = (
        next(i for i in record_items() if i.kind is kind)
        if kind is not ItemKind.PREGNANCY
        else (RecordItem(ItemKind.PREGNANCY, "Pregnant, due 2027-03", when="2026-11-20"))
    )
    resource = item_resource(item, PATIENT)
    module = importlib.import_module(f"fhir.resources.R4B.{resource['resourceType'].lower()}")
    getattr(module, resource["resourceType"]).model_validate(resource)
