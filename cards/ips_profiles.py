"""Which International Patient Summary profile each resource we write conforms to.

IPS STU1 (1.1.0, FHIR R4) profiles, claimed in `meta.profile` only by resources built to
meet them; the others (pregnancy as free text, devices without a Device resource, the
trusted person, consents, documents) claim none rather than claim falsely.
"""

from __future__ import annotations

from typing import Any

IPS = "http://hl7.org/fhir/uv/ips/StructureDefinition/"
ABSENT = "http://hl7.org/fhir/uv/ips/CodeSystem/absent-unknown-uv-ips"
DATA_ABSENT = "http://hl7.org/fhir/StructureDefinition/data-absent-reason"
PROFILES = {
    "Bundle": "Bundle-uv-ips",
    "Composition": "Composition-uv-ips",
    "Patient": "Patient-uv-ips",
    "Organization": "Organization-uv-ips",
    "Practitioner": "Practitioner-uv-ips",
    "AllergyIntolerance": "AllergyIntolerance-uv-ips",
    "MedicationStatement": "MedicationStatement-uv-ips",
    "Condition": "Condition-uv-ips",
    "Immunization": "Immunization-uv-ips",
    "Procedure": "Procedure-uv-ips",
}
LABORATORY = "Observation-results-laboratory-uv-ips"
BLOOD_GROUP_LOINC = "882-1"


def profile_of(resource: dict[str, Any]) -> str | None:
    """The IPS profile `resource` conforms to, or None."""
    kind = resource.get("resourceType", "")
    if kind == "Observation":
        codes = [c.get("code") for c in resource.get("code", {}).get("coding", [])]
        return IPS + LABORATORY if BLOOD_GROUP_LOINC in codes else None
    name = PROFILES.get(kind)
    return IPS + name if name else None


def profiled(resource: dict[str, Any]) -> dict[str, Any]:
    """`resource` with its IPS profile claimed in meta.profile (first in meta)."""
    profile = profile_of(resource)
    if profile is None:
        return resource
    meta = dict(resource.get("meta", {}))
    profiles = [p for p in meta.get("profile", []) if p != profile]
    meta = {"profile": [profile, *profiles], **{k: v for k, v in meta.items() if k != "profile"}}
    head: dict[str, Any] = {k: resource[k] for k in ("resourceType", "id") if k in resource}
    rest = {k: v for k, v in resource.items() if k not in head and k != "meta"}
    return {**head, "meta": meta, **rest}


def unknown_date(name: str) -> dict[str, Any]:
    """A date element IPS requires but nobody knows: no value, a data-absent-reason."""
    return {f"_{name}": {"extension": [{"url": DATA_ABSENT, "valueCode": "unknown"}]}}
