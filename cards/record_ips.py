"""The record as one IPS document: what any SMART Health Link client reads.

`summary_base` makes the document's frame from the card: Composition, Patient, the
issuing Organization, the blood group and the IPS absent/unknown entries the card's
states call for. `ips_document` adds record items (cards/record_fhir.py resources) to a
frame or to an earlier document: each lands in its IPS section, replaces that section's
absent/unknown entry, and every section left empty says why (`emptyReason`). The same
assembly runs in the record page (static/records/ips.js), so a clinician's browser can
fold in items the server cannot read. Pure: JSON values in and out.
"""

from __future__ import annotations

import copy
import html
import uuid
from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any, cast

from cards import valuesets
from cards.fhir_common import (
    ATC,
    ICD10,
    LOINC,
    SNOMED,
    TERMINOLOGY,
    bundle_identifier,
    communication,
    concept,
    full_url,
    narrative,
    status,
)
from cards.ips_profiles import ABSENT, profiled, unknown_date
from cards.model import Card, ClinicalField, FieldState, Sex
from cards.spelling import latin_line

EMPTY_REASON = TERMINOLOGY + "list-empty-reason"
# The sections IPS requires: each has entries or an emptyReason.
REQUIRED = ("48765-2", "10160-0", "11450-4")
RESULTS = ("30954-2", "Results")
# The card's clinical lists: their section and the absent/unknown entry of each state.
CARD_LISTS: dict[ClinicalField, tuple[str, str, dict[FieldState, tuple[str, str]]]] = {
    ClinicalField.ALLERGIES: (
        "48765-2",
        "Allergies and intolerances",
        {
            FieldState.NONE_KNOWN: ("no-known-allergies", "No known allergies"),
            FieldState.NOT_ASKED: ("no-allergy-info", "No information about allergies"),
        },
    ),
    ClinicalField.MEDICATIONS: (
        "10160-0",
        "Medication summary",
        {
            FieldState.NONE_KNOWN: ("no-known-medications", "No known medications"),
            FieldState.NOT_ASKED: ("no-medication-info", "No information about medications"),
        },
    ),
    ClinicalField.CONDITIONS: (
        "11450-4",
        "Problem list",
        {
            FieldState.NONE_KNOWN: ("no-known-problems", "No known problems"),
            FieldState.NOT_ASKED: ("no-problem-info", "No information about problems"),
        },
    ),
}
SYSTEM_NAMES = {SNOMED: "SNOMED CT", ATC: "ATC", ICD10: "ICD-10", LOINC: "LOINC"}


def item_url(resource_id: str) -> str:
    """The full URL of a record item in the document: its 32-hex id as a UUID."""
    return full_url(str(uuid.UUID(hex=resource_id)))


def summary_base(
    card: Card,
    *,
    patient_id: str,
    document_id: str,
    language: str,
    author: str,
    now: datetime,
) -> dict[str, Any]:
    """The document's frame from `card`: no record item yet, every section explained."""
    patient_url = full_url(patient_id)
    organization_id = str(uuid.uuid5(uuid.UUID(document_id), "organization"))
    organization_url = full_url(organization_id)
    subject = {"reference": patient_url}
    entries: list[tuple[str, dict[str, Any]]] = [
        (patient_url, _patient(card, patient_id, language)),
        (
            organization_url,
            profiled({"resourceType": "Organization", "id": organization_id, "name": author}),
        ),
    ]
    sections: list[dict[str, Any]] = []
    for clinical_field, (code, title, absent) in CARD_LISTS.items():
        section: dict[str, Any] = {"title": title, "code": concept(LOINC, code), "entry": []}
        state = card.emergency.state(clinical_field)
        if state in absent:
            absent_code, display = absent[state]
            resource_id = str(uuid.uuid5(uuid.UUID(document_id), clinical_field.value))
            entries.append(
                (
                    full_url(resource_id),
                    _absent(clinical_field, resource_id, absent_code, display, subject, card),
                )
            )
            section["entry"].append({"reference": full_url(resource_id)})
        sections.append(section)
    blood = _blood_group(card, document_id, subject, organization_url)
    if blood is not None:
        entries.append((full_url(blood["id"]), blood))
        sections.append(
            {
                "title": RESULTS[1],
                "code": concept(LOINC, RESULTS[0]),
                "entry": [{"reference": full_url(blood["id"])}],
            }
        )
    composition = profiled(
        {
            "resourceType": "Composition",
            "id": document_id,
            "status": "final",
            "type": concept(LOINC, "60591-5", "Patient summary Document"),
            "subject": subject,
            "date": now.isoformat(timespec="seconds"),
            "author": [{"reference": organization_url}],
            "title": "Patient summary (emergency health card record)",
            "language": language,
            "section": sections,
        }
    )
    bundle = profiled(
        {
            "resourceType": "Bundle",
            "identifier": bundle_identifier(document_id),
            "type": "document",
            "timestamp": now.isoformat(timespec="seconds"),
            "entry": [
                {"fullUrl": full_url(document_id), "resource": composition},
                *({"fullUrl": url, "resource": resource} for url, resource in entries),
            ],
        }
    )
    return _finish(bundle, withheld=())


def ips_document(
    document: dict[str, Any],
    items: Sequence[dict[str, Any]],
    *,
    withheld: Collection[str] = (),
) -> dict[str, Any]:
    """`document` with the item resources `items` added to their sections.

    `withheld` names the sections (LOINC codes) whose items the holder hid: an empty one
    of those says `withheld`, any other empty one `unavailable` (or the card's state).
    """
    bundle = copy.deepcopy(document)
    composition = bundle["entry"][0]["resource"]
    present = {entry["fullUrl"] for entry in bundle["entry"]}
    for resource in items:
        url = item_url(resource["id"])
        if url in present:
            continue
        code, title = _section_of(resource)
        section = _section(composition, code, title)
        _drop_absent(bundle, section)
        section.setdefault("entry", []).append({"reference": url})
        section.pop("emptyReason", None)
        bundle["entry"].append({"fullUrl": url, "resource": profiled(copy.deepcopy(resource))})
        present.add(url)
    return _finish(bundle, withheld=withheld)


def _section_of(resource: dict[str, Any]) -> tuple[str, str]:
    for tag in resource.get("meta", {}).get("tag", []):
        if tag.get("system") == LOINC:
            return str(tag["code"]), str(tag.get("display", ""))
    raise ValueError(f"{resource.get('resourceType')} has no section tag")


def _section(composition: dict[str, Any], code: str, title: str) -> dict[str, Any]:
    for section in composition["section"]:
        if section["code"]["coding"][0]["code"] == code:
            return cast(dict[str, Any], section)
    section = {"title": title, "code": concept(LOINC, code), "entry": []}
    composition["section"].append(section)
    return section


def _drop_absent(bundle: dict[str, Any], section: dict[str, Any]) -> None:
    """Remove the section's absent/unknown entries: a real item replaces them."""
    by_url = {entry["fullUrl"]: entry for entry in bundle["entry"]}
    absent = {
        ref["reference"]
        for ref in section.get("entry", [])
        if _is_absent(by_url.get(ref["reference"], {}).get("resource", {}))
    }
    if not absent:
        return
    section["entry"] = [ref for ref in section["entry"] if ref["reference"] not in absent]
    bundle["entry"] = [entry for entry in bundle["entry"] if entry["fullUrl"] not in absent]


def _is_absent(resource: dict[str, Any]) -> bool:
    for name in ("code", "medicationCodeableConcept"):
        codings = resource.get(name, {}).get("coding", [])
        if any(coding.get("system") == ABSENT for coding in codings):
            return True
    return False


def _finish(bundle: dict[str, Any], *, withheld: Collection[str]) -> dict[str, Any]:
    """Narratives from the entries; empty required sections say why, other empty ones go."""
    composition = bundle["entry"][0]["resource"]
    by_url = {entry["fullUrl"]: entry["resource"] for entry in bundle["entry"]}
    kept = []
    for section in composition["section"]:
        code = section["code"]["coding"][0]["code"]
        refs = section.get("entry", [])
        if not refs and code not in REQUIRED:
            continue
        if refs:
            lines = [_line(by_url[ref["reference"]]) for ref in refs]
            section.pop("emptyReason", None)
        else:
            section.pop("entry", None)
            before = section.get("emptyReason", {}).get("coding", [{}])[0].get("code")
            reason = "withheld" if code in withheld or before == "withheld" else "unavailable"
            section["emptyReason"] = status("list-empty-reason", reason)
            lines = ["Withheld by the holder" if reason == "withheld" else "Not available"]
        section["text"] = narrative(
            "<ul>" + "".join(f"<li>{html.escape(line)}</li>" for line in lines) + "</ul>"
        )
        kept.append(section)
    composition["section"] = kept
    return bundle


def _line(resource: dict[str, Any]) -> str:
    """One readable line of a section's narrative: the words, and the code beside."""
    for name in ("code", "medicationCodeableConcept", "vaccineCode", "valueCodeableConcept"):
        value = resource.get(name)
        if not value:
            continue
        if resource.get("resourceType") == "Observation" and name == "code":
            continue
        text = value.get("text") or ""
        for coding in value.get("coding", []):
            text = text or coding.get("display", "")
            system = SYSTEM_NAMES.get(coding.get("system", ""))
            if system:
                return f"{text} ({system} {coding['code']})"
        return str(text)
    for name in ("device", "policyRule"):
        if name in resource:
            return str(resource[name].get("display") or resource[name].get("text") or "")
    names = resource.get("name")
    if isinstance(names, list) and names:
        return str(names[0].get("text", ""))
    return str(resource.get("valueString", resource.get("resourceType", "")))


def _patient(card: Card, patient_id: str, language: str) -> dict[str, Any]:
    holder = card.holder
    names: list[dict[str, Any]] = [{"use": "usual", "text": holder.name}]
    # A stored spelling is the documents'; else the readable spelling people say.
    latin = latin_line(holder.name, holder.name_latin)
    if latin and latin != holder.name.upper():
        names.append({"use": "official" if holder.name_latin else "usual", "text": latin})
    patient: dict[str, Any] = {
        "resourceType": "Patient",
        "id": patient_id,
        "name": names,
        "birthDate": holder.birth_date.isoformat(),
        "communication": [
            communication(code) for code in (card.emergency.languages or (language,))
        ],
    }
    if holder.sex:
        patient["gender"] = {Sex.MALE: "male", Sex.FEMALE: "female", Sex.OTHER: "other"}[holder.sex]
    contact = card.emergency.contact
    if contact is not None:
        patient["contact"] = [
            {
                "relationship": [status("v2-0131", "C")],
                "name": {"text": contact.name},
                "telecom": [{"system": "phone", "value": contact.phone}],
            }
        ]
    return profiled(patient)


def _absent(
    clinical_field: ClinicalField,
    resource_id: str,
    code: str,
    display: str,
    subject: dict[str, str],
    card: Card,
) -> dict[str, Any]:
    coded = concept(ABSENT, code, display)
    resource: dict[str, Any]
    if clinical_field is ClinicalField.ALLERGIES:
        resource = {
            "resourceType": "AllergyIntolerance",
            "clinicalStatus": status("allergyintolerance-clinical", "active"),
            "verificationStatus": status("allergyintolerance-verification", "unconfirmed"),
            "code": coded,
            "patient": subject,
        }
    elif clinical_field is ClinicalField.MEDICATIONS:
        resource = {
            "resourceType": "MedicationStatement",
            "status": "active" if code == "no-known-medications" else "unknown",
            "medicationCodeableConcept": coded,
            "subject": subject,
            "effectiveDateTime": card.issued.isoformat(),
        }
    else:
        resource = {
            "resourceType": "Condition",
            "clinicalStatus": status("condition-clinical", "active"),
            "verificationStatus": status("condition-ver-status", "unconfirmed"),
            "category": [status("condition-category", "problem-list-item")],
            "code": coded,
            "subject": subject,
        }
    return profiled({**resource, "id": resource_id})


def _blood_group(
    card: Card, document_id: str, subject: dict[str, str], organization_url: str
) -> dict[str, Any] | None:
    """The ABO/Rh Observation, only when the card knows the group: an unknown group is no
    laboratory result, so the Results section is left out."""
    code = card.emergency.blood_group
    group = valuesets.blood_groups().concepts.get(code) if code else None
    snomed = group.extra.get("snomed") if group else None
    if group is None or code == "unknown" or not snomed:
        return None
    confirmed = ClinicalField.BLOOD_GROUP in card.provenance.confirmed
    resource_id = str(uuid.uuid5(uuid.UUID(document_id), "blood_group"))
    return profiled(
        {
            "resourceType": "Observation",
            "id": resource_id,
            "status": "final",
            "category": [status("observation-category", "laboratory")],
            "code": concept(LOINC, "882-1", "ABO and Rh group [Type] in Blood"),
            "subject": subject,
            "effectiveDateTime": card.issued.isoformat(),
            "performer": [{"reference": organization_url if confirmed else subject["reference"]}],
            "valueCodeableConcept": concept(SNOMED, str(snomed), group.label("en")),
        }
    )


__all__ = ["ips_document", "item_url", "summary_base", "unknown_date"]
