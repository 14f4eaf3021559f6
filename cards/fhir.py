"""A verified card as an IPS-style FHIR R4 document Bundle (pure: JSON values in and out).

The verifier page builds the same Bundle in the browser (static/verify/fhir.js), byte for
byte in its JSON values; tests compare the two. Resource ids are derived from the card id,
so exporting the same card twice gives the same Bundle.

Shape (after the International Patient Summary): a `document` Bundle whose first entry is
a Composition (LOINC 60591-5) with the IPS sections for allergies, medications, problems
and results; then Patient, the issuing Organization, the confirming Practitioner (when a
clinician confirmed fields), the ABO/Rh Observation (LOINC 882-1, SNOMED CT value),
AllergyIntolerance (SNOMED CT), MedicationStatement (ATC), Condition (ICD-10) and a
Provenance naming the issuer. "None known" and "not asked" use the IPS absent/unknown codes.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from typing import Any

from cards import valuesets
from cards.export import card_to_json
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
from cards.ips_profiles import ABSENT, profiled
from cards.model import Card
from cards.spelling import shown_latin

CARD_ID_SYSTEM = "urn:ehcard:card-id"
STAFF_SYSTEM = "urn:ehcard:staff-id"
LANGUAGE = "en"

# field -> (absent code when none known, its display, absent code when not asked, display)
ABSENT_CODES = {
    "allergies": (
        "no-known-allergies",
        "No known allergies",
        "no-allergy-info",
        "No information about allergies",
    ),
    "medications": (
        "no-known-medications",
        "No known medications",
        "no-medication-info",
        "No information about medications",
    ),
    "conditions": (
        "no-known-problems",
        "No known problems",
        "no-problem-info",
        "No information about problems",
    ),
}
SECTIONS = (
    (
        "allergies",
        "48765-2",
        "Allergies and adverse reactions Document",
        "Allergies and intolerances",
    ),
    ("medications", "10160-0", "History of Medication use Narrative", "Medication summary"),
    ("conditions", "11450-4", "Problem list - Reported", "Problem list"),
    ("blood_group", "30954-2", "Relevant diagnostic tests/laboratory data Narrative", "Results"),
)


def resource_uuid(card_id_hex: str, name: str) -> str:
    """A stable UUID (version 8, RFC 9562) for one resource of one card's Bundle."""
    digest = bytearray(
        hashlib.sha256(f"ehcard/fhir/v1|{card_id_hex}|{name}".encode()).digest()[:16]
    )
    digest[6] = (digest[6] & 0x0F) | 0x80
    digest[8] = (digest[8] & 0x3F) | 0x80
    h = digest.hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _narrative(lines: list[str]) -> dict[str, str]:
    items = "".join(f"<li>{_escape(line)}</li>" for line in lines)
    return narrative(f"<ul>{items}</ul>")


def card_bundle(card: Card, *, issuer: str, timestamp: datetime) -> dict[str, Any]:
    """The FHIR R4 document Bundle of a verified `card` issued by centre `issuer`."""
    return bundle_from_json(card_to_json(card), issuer=issuer, timestamp=_instant(timestamp))


def _instant(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def bundle_from_json(card: dict[str, Any], *, issuer: str, timestamp: str) -> dict[str, Any]:
    """The Bundle of `card_to_json` output; `timestamp` is an instant (2026-11-27T12:00:00Z)."""

    def uid(name: str) -> str:
        return resource_uuid(card["card_id"], name)

    def ref(name: str) -> dict[str, str]:
        return {"reference": full_url(uid(name))}

    confirmed_by = card["confirmed_by"]
    entries: list[tuple[str, dict[str, Any]]] = [
        ("patient", _patient(card)),
        ("organization", {"resourceType": "Organization", "name": issuer}),
    ]
    if confirmed_by is not None:
        entries.append(
            (
                "practitioner",
                {
                    "resourceType": "Practitioner",
                    "identifier": [{"system": STAFF_SYSTEM, "value": str(confirmed_by)}],
                },
            )
        )

    def source(field: str) -> dict[str, str]:
        clinician = card["provenance"][field] == "clinician" and confirmed_by is not None
        return ref("practitioner" if clinician else "patient")

    section_entries: dict[str, list[str]] = {name: [] for name, *_ in SECTIONS}
    section_lines: dict[str, list[str]] = {name: [] for name, *_ in SECTIONS}
    blood_group = _blood_group(
        card["blood_group"], ref("patient"), source("blood_group"), card["issued"]
    )
    if card["states"]["blood_group"] != "not_asked" and blood_group is not None:
        entries.append(("blood_group", blood_group))
        section_entries["blood_group"].append("blood_group")
        section_lines["blood_group"].append(f"ABO and Rh group: {card['blood_group']}")
    for field, build in (
        ("allergies", _allergy),
        ("medications", _medication),
        ("conditions", _condition),
    ):
        state = card["states"][field]
        confirmed = card["provenance"][field] == "clinician"
        if state == "known":
            items = [(code, _label(field, code)) for code in card[field]]
        else:
            known_none, known_display, not_asked, not_asked_display = ABSENT_CODES[field]
            pair = (
                (known_none, known_display)
                if state == "none_known"
                else (not_asked, not_asked_display)
            )
            items = [pair]
        for index, (code, display) in enumerate(items):
            name = f"{field}-{index}"
            absent = state != "known"
            entries.append(
                (
                    name,
                    build(
                        code, display, absent, confirmed, ref("patient"), source(field), card
                    ),
                )
            )
            section_entries[field].append(name)
            section_lines[field].append(display if absent else f"{display} ({code})")
    composition = {
        "resourceType": "Composition",
        "status": "final",
        "type": concept(LOINC, "60591-5", "Patient summary Document"),
        "subject": ref("patient"),
        "date": timestamp,
        "author": [ref("organization")],
        "title": "International Patient Summary",
        "confidentiality": "N",
        "section": [
            {
                "title": title,
                "code": concept(LOINC, loinc, display),
                "text": _narrative(section_lines[name]),
                "entry": [ref(entry) for entry in section_entries[name]],
            }
            for name, loinc, display, title in SECTIONS
            if section_entries[name] or name != "blood_group"
        ],
    }
    provenance = {
        "resourceType": "Provenance",
        "target": [ref(name) for name, _ in entries],
        "recorded": f"{card['issued']}T00:00:00Z",
        "agent": [
            {
                "type": status("provenance-participant-type", "author"),
                "who": ref("organization"),
            }
        ],
    }
    ordered = [("composition", composition), *entries, ("provenance", provenance)]
    bundle = {
        "resourceType": "Bundle",
        "id": uid("bundle"),
        "identifier": bundle_identifier(uid("bundle")),
        "type": "document",
        "timestamp": timestamp,
        "entry": [
            {"fullUrl": full_url(uid(name)), "resource": profiled({**resource, "id": uid(name)})}
            for name, resource in ordered
        ],
    }
    return profiled(bundle)


def _label(field: str, code: str) -> str:
    return valuesets.value_set(field).english(code)


def _patient(card: dict[str, Any]) -> dict[str, Any]:
    names = [{"use": "usual", "text": card["name"]}]
    latin = shown_latin(card["name"], card["name_latin"])
    if latin and latin != card["name"].upper():
        names.append({"use": "usual", "text": latin})
    patient: dict[str, Any] = {
        "resourceType": "Patient",
        "identifier": [{"system": CARD_ID_SYSTEM, "value": card["card_id"]}],
        "name": names,
        "birthDate": card["birth_date"],
    }
    if card["sex"]:
        patient["gender"] = card["sex"]
    if card["languages"]:
        patient["communication"] = [communication(code) for code in card["languages"]]
    contact = card["emergency_contact"]
    if contact:
        patient["contact"] = [
            {
                "relationship": [status("v2-0131", "C")],
                "name": {"text": contact["name"]},
                "telecom": [{"system": "phone", "value": contact["phone"]}],
            }
        ]
    return patient


def _blood_group(
    code: str, subject: dict[str, str], performer: dict[str, str], issued: str
) -> dict[str, Any] | None:
    """The ABO/Rh laboratory Observation; None for an unknown group (no result to state)."""
    group = valuesets.blood_groups().concepts.get(code)
    snomed = group.extra.get("snomed") if group else None
    if group is None or code == "unknown" or not snomed:
        return None
    return {
        "resourceType": "Observation",
        "status": "final",
        "category": [status("observation-category", "laboratory")],
        "code": concept(LOINC, "882-1", "ABO and Rh group [Type] in Blood"),
        "subject": subject,
        "effectiveDateTime": issued,
        "performer": [performer],
        "valueCodeableConcept": concept(SNOMED, str(snomed), group.label(LANGUAGE)),
    }


def _allergy(
    code: str,
    display: str,
    absent: bool,
    confirmed: bool,
    patient: dict[str, str],
    asserter: dict[str, str],
    card: dict[str, Any],
) -> dict[str, Any]:
    return {
        "resourceType": "AllergyIntolerance",
        "clinicalStatus": status("allergyintolerance-clinical", "active"),
        "verificationStatus": status(
            "allergyintolerance-verification", "confirmed" if confirmed else "unconfirmed"
        ),
        "code": concept(ABSENT if absent else SNOMED, code, display),
        "patient": patient,
        "asserter": asserter,
    }


def _medication(
    code: str,
    display: str,
    absent: bool,
    confirmed: bool,
    patient: dict[str, str],
    source: dict[str, str],
    card: dict[str, Any],
) -> dict[str, Any]:
    # IPS asks when the medication is taken: the card says it is current on its issue date.
    return {
        "resourceType": "MedicationStatement",
        "status": "active" if not absent or code == "no-known-medications" else "unknown",
        "medicationCodeableConcept": concept(ABSENT if absent else ATC, code, display),
        "subject": patient,
        "effectiveDateTime": card["issued"],
        "informationSource": source,
    }


def _condition(
    code: str,
    display: str,
    absent: bool,
    confirmed: bool,
    patient: dict[str, str],
    asserter: dict[str, str],
    card: dict[str, Any],
) -> dict[str, Any]:
    return {
        "resourceType": "Condition",
        "clinicalStatus": status("condition-clinical", "active"),
        "verificationStatus": status(
            "condition-ver-status", "confirmed" if confirmed else "unconfirmed"
        ),
        "category": [status("condition-category", "problem-list-item")],
        "code": concept(ABSENT if absent else ICD10, code, display),
        "subject": patient,
        "asserter": asserter,
    }
