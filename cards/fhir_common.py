"""What both FHIR R4 builders share: code systems and the small values they are made of.

cards/fhir.py builds a verified card's Bundle, cards/record_fhir.py the full record's
files. Pure, like the rest of cards/: JSON values in and out.
"""

from __future__ import annotations

from typing import Any

SNOMED = "http://snomed.info/sct"
LOINC = "http://loinc.org"
ATC = "http://www.whocc.no/atc"
ICD10 = "http://hl7.org/fhir/sid/icd-10"
TERMINOLOGY = "http://terminology.hl7.org/CodeSystem/"
LANGUAGE_SYSTEM = "urn:ietf:bcp:47"
URI_SYSTEM = "urn:ietf:rfc:3986"


def concept(
    system: str, code: str, display: str | None = None, *, text: str | None = None
) -> dict[str, Any]:
    """A CodeableConcept of one coding; its text is `text`, else the display (if any)."""
    coding = {"system": system, "code": code}
    if display is not None:
        coding["display"] = display
    value: dict[str, Any] = {"coding": [coding]}
    if text is not None or display is not None:
        value["text"] = display if text is None else text
    return value


def status(system: str, code: str) -> dict[str, Any]:
    """A status or category concept from HL7's terminology: `system` is the CodeSystem's name."""
    return {"coding": [{"system": TERMINOLOGY + system, "code": code}]}


def communication(code: str) -> dict[str, Any]:
    """A Patient.communication entry: the language `code` (BCP 47)."""
    return {"language": {"coding": [{"system": LANGUAGE_SYSTEM, "code": code}]}}


def full_url(uuid: str) -> str:
    return f"urn:uuid:{uuid}"


def bundle_identifier(uuid: str) -> dict[str, str]:
    return {"system": URI_SYSTEM, "value": full_url(uuid)}


def narrative(xhtml: str) -> dict[str, str]:
    """A generated narrative whose XHTML body is `xhtml` (already escaped)."""
    return {"status": "generated", "div": f'<div xmlns="http://www.w3.org/1999/xhtml">{xhtml}</div>'}
