"""The record as FHIR R4 (International Patient Summary): one resource per item.

The record is served as SMART Health Link files: a summary file (an IPS
document Bundle: Composition + Patient) and one `application/fhir+json` file
per item, so the holder can mask an item and the server can withhold its file
without reading it. Items point at the Patient by its `urn:uuid:` full URL.
static/records/fhir.js reads these resources back for display.
"""

from __future__ import annotations

import base64
import json
from datetime import datetime
from typing import Any

from cards.fhir_common import (
    ATC,
    ICD10,
    LOINC,
    SNOMED,
    bundle_identifier,
    communication,
    concept,
    full_url,
    narrative,
    status,
)
from cards.model import Holder, Sex
from cards.record import ItemKind, RecordError, RecordItem
from cards.spelling import latin_line

FHIR_VERSION = "4.0.1"
EHCARD = "https://ehcard.org/fhir"
PROVENANCE_SYSTEM = f"{EHCARD}/CodeSystem/provenance"
KIND_SYSTEM = f"{EHCARD}/CodeSystem/record-item-kind"
NARRATIVE = "Entries of this section are separate files of the same SMART Health Link."
CODE_SYSTEMS = {ItemKind.ALLERGY: SNOMED, ItemKind.MEDICATION: ATC, ItemKind.CONDITION: ICD10}
# IPS section of each kind (LOINC), used by readers to group items.
SECTIONS = {
    ItemKind.ALLERGY: ("48765-2", "Allergies and intolerances"),
    ItemKind.MEDICATION: ("10160-0", "Medication summary"),
    ItemKind.CONDITION: ("11450-4", "Problem list"),
    ItemKind.VACCINATION: ("11369-6", "History of immunizations"),
    ItemKind.SURGERY: ("47519-4", "History of procedures"),
    ItemKind.IMPLANT: ("46264-8", "Medical devices"),
    ItemKind.PREGNANCY: ("10162-6", "History of pregnancies"),
    ItemKind.TRUSTED_PERSON: ("56864-2", "Trusted person"),
    ItemKind.ORGAN_DONATION: ("42348-3", "Advance directives"),
    ItemKind.ADVANCE_DIRECTIVE: ("42348-3", "Advance directives"),
    ItemKind.DOCUMENT: ("55107-7", "Attached documents"),
}


def _coded(item: RecordItem) -> dict[str, Any]:
    concept: dict[str, Any] = {"text": item.text}
    system = CODE_SYSTEMS.get(item.kind)
    if item.code and system:
        concept["coding"] = [{"system": system, "code": item.code}]
    return concept


def _common(item: RecordItem) -> dict[str, Any]:
    section = SECTIONS[item.kind]
    resource: dict[str, Any] = {
        "id": item.item_id,
        "meta": {
            "tag": [
                {"system": PROVENANCE_SYSTEM, "code": item.provenance},
                {"system": KIND_SYSTEM, "code": item.kind.value},
                {"system": LOINC, "code": section[0], "display": section[1]},
            ]
        },
    }
    if item.confirmed:
        resource["extension"] = [
            {"url": f"{EHCARD}/StructureDefinition/confirmed-by", "valueString": item.confirmed.by},
            {
                "url": f"{EHCARD}/StructureDefinition/confirmed-on",
                "valueDate": item.confirmed.on.isoformat(),
            },
        ]
    if item.note:
        resource["note"] = [{"text": item.note}]
    return resource


def item_resource(item: RecordItem, patient: str) -> dict[str, Any]:
    """The FHIR R4 resource of one item; `patient` is the Patient's full URL."""
    subject = {"reference": patient}
    resource = _common(item)
    kind = item.kind
    verification = "confirmed" if item.confirmed else "unconfirmed"
    if kind is ItemKind.ALLERGY:
        resource |= {
            "resourceType": "AllergyIntolerance",
            "clinicalStatus": status("allergyintolerance-clinical", "active"),
            "verificationStatus": status("allergyintolerance-verification", verification),
            "code": _coded(item),
            "patient": subject,
        }
        _when(resource, "onsetDateTime", item.when)
    elif kind is ItemKind.MEDICATION:
        resource |= {
            "resourceType": "MedicationStatement",
            "status": "active",
            "medicationCodeableConcept": _coded(item),
            "subject": subject,
        }
        _when(resource, "effectiveDateTime", item.when)
    elif kind is ItemKind.CONDITION:
        resource |= {
            "resourceType": "Condition",
            "clinicalStatus": status("condition-clinical", "active"),
            "verificationStatus": status("condition-ver-status", verification),
            "code": _coded(item),
            "subject": subject,
        }
        _when(resource, "onsetDateTime", item.when)
    elif kind is ItemKind.VACCINATION:
        resource |= {
            "resourceType": "Immunization",
            "status": "completed",
            "vaccineCode": _coded(item),
            "patient": subject,
            "primarySource": item.confirmed is not None,
        }
        # Immunization.occurrence[x] is mandatory: an unknown date is said so.
        resource |= (
            {"occurrenceDateTime": item.when} if item.when else {"occurrenceString": "unknown"}
        )
    elif kind is ItemKind.SURGERY:
        resource |= {
            "resourceType": "Procedure",
            "status": "completed",
            "code": _coded(item),
            "subject": subject,
        }
        _when(resource, "performedDateTime", item.when)
    elif kind is ItemKind.IMPLANT:
        resource |= {
            "resourceType": "DeviceUseStatement",
            "status": "active",
            "subject": subject,
            "device": {"display": item.text},
        }
        _when(resource, "timingDateTime", item.when)
    elif kind is ItemKind.PREGNANCY:
        resource |= {
            "resourceType": "Observation",
            "status": "final",
            "code": concept(LOINC, "82810-3", text="Pregnancy status"),
            "subject": subject,
            "valueString": item.text,
        }
        _when(resource, "effectiveDateTime", item.when)
    elif kind is ItemKind.TRUSTED_PERSON:
        resource |= {
            "resourceType": "RelatedPerson",
            "patient": subject,
            "name": [{"text": item.text}],
        }
        if item.phone:
            resource["telecom"] = [{"system": "phone", "value": item.phone}]
    elif kind in (ItemKind.ORGAN_DONATION, ItemKind.ADVANCE_DIRECTIVE):
        label = "Organ donation wish" if kind is ItemKind.ORGAN_DONATION else "Advance directive"
        resource |= {
            "resourceType": "Consent",
            "status": "active",
            "scope": status("consentscope", "adr"),
            "category": [concept(LOINC, "42348-3", text=label)],
            "patient": subject,
            "policyRule": {"text": item.text},
        }
        _when(resource, "dateTime", item.when)
    else:
        resource |= _document(item, subject)
    return resource


def _document(item: RecordItem, subject: dict[str, str]) -> dict[str, Any]:
    if item.attachment is None:
        raise RecordError(f"{item.kind.value}: has no attachment")
    attachment: dict[str, Any] = {
        "contentType": item.attachment.media_type.value,
        "data": base64.b64encode(item.attachment.data).decode("ascii"),
        "title": item.text,
        "size": len(item.attachment.data),
    }
    if item.when:
        attachment["creation"] = item.when
    return {
        "resourceType": "DocumentReference",
        "status": "current",
        "type": {"text": item.text},
        "subject": subject,
        "content": [{"attachment": attachment}],
    }


def _when(resource: dict[str, Any], name: str, value: str | None) -> None:
    if value:
        resource[name] = value


def summary_bundle(
    holder: Holder,
    *,
    patient_id: str,
    document_id: str,
    language: str,
    author: str,
    now: datetime,
) -> dict[str, Any]:
    """The record's summary file: an IPS document Bundle with Composition and Patient.

    Its sections carry a narrative only: the items come as separate files of
    the same SMART Health Link, so masking one never needs this file rewritten.
    """
    patient_url = full_url(patient_id)
    latin = latin_line(holder.name, holder.name_latin)
    names: list[dict[str, Any]] = [{"text": holder.name}]
    if latin and latin != holder.name.upper():
        names.append({"text": latin, "use": "official"})
    patient: dict[str, Any] = {
        "resourceType": "Patient",
        "id": patient_id,
        "name": names,
        "birthDate": holder.birth_date.isoformat(),
        "communication": [communication(language)],
    }
    if holder.sex:
        patient["gender"] = {Sex.MALE: "male", Sex.FEMALE: "female", Sex.OTHER: "other"}[holder.sex]
    sections = [
        {
            "title": title,
            "code": concept(LOINC, code),
            "text": narrative(NARRATIVE),
        }
        for code, title in dict(SECTIONS.values()).items()
    ]
    composition = {
        "resourceType": "Composition",
        "id": document_id,
        "status": "final",
        "type": concept(LOINC, "60591-5", text="Patient summary"),
        "subject": {"reference": patient_url},
        "date": now.isoformat(timespec="seconds"),
        "author": [{"display": author}],
        "title": "Patient summary (emergency health card record)",
        "language": language,
        "section": sections,
    }
    return {
        "resourceType": "Bundle",
        "type": "document",
        "identifier": bundle_identifier(document_id),
        "timestamp": now.isoformat(timespec="seconds"),
        "entry": [
            {"fullUrl": full_url(document_id), "resource": composition},
            {"fullUrl": patient_url, "resource": patient},
        ],
    }


def to_json_bytes(resource: dict[str, Any]) -> bytes:
    """Minified UTF-8 JSON, the plaintext of a record file."""
    return json.dumps(resource, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
