"""The same card as a SMART Health Card: FHIR R4 bundle in a VC, DEFLATE, JWS ES256, `shc:/`.

Follows the SMART Health Cards framework's size rules: minified JSON, no
Resource.id, meta, text, CodeableConcept.text or Coding.display, `fullUrl`
and references as `resource:N`, raw DEFLATE (zlib wbits -15) under a
`zip: DEF` JWS header, and the QR text `shc:/` (byte mode) followed by two
digits per JWS character (its code minus 45, numeric mode), at ECC L.
"""

from __future__ import annotations

import base64
import hashlib
import json
import zlib
from datetime import UTC, date, datetime
from typing import Any

import segno
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

from cards.model import Card, ClinicalField

ECC = "L"
PREFIX = "shc:/"
SNOMED = "http://snomed.info/sct"
ABSENT = "http://hl7.org/fhir/uv/ips/CodeSystem/absent-unknown-uv-ips"
# SNOMED CT findings for the ABO/RhD groups, as FHIR IPS examples code them.
BLOOD_GROUP_SNOMED = {
    "A+": "278149003",
    "A-": "278152006",
    "B+": "278150003",
    "B-": "278153001",
    "AB+": "278151004",
    "AB-": "278154007",
    "O+": "278147001",
    "O-": "278148006",
}
NO_KNOWN_ALLERGY = "716186003"


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def epoch_seconds(day: date) -> int:
    return int(datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp())


def _coded(system: str, code: str) -> dict[str, Any]:
    return {"coding": [{"system": system, "code": code}]}


def fhir_bundle(card: Card) -> dict[str, Any]:
    """A FHIR R4 collection bundle carrying exactly what the card carries."""
    holder, data, provenance = card.holder, card.emergency, card.provenance
    patient: dict[str, Any] = {"resourceType": "Patient", "name": [{"text": holder.name}]}
    if holder.name_latin:
        patient["name"].append({"use": "official", "text": holder.name_latin})
    if holder.sex:
        patient["gender"] = holder.sex.value
    patient["birthDate"] = holder.birth_date.isoformat()
    if data.contact:
        patient["contact"] = [
            {
                "name": {"text": data.contact.name},
                "telecom": [{"system": "phone", "value": data.contact.phone}],
            }
        ]
    if data.languages:
        patient["communication"] = [
            {"language": _coded("urn:ietf:bcp:47", code)} for code in data.languages
        ]
    resources: list[dict[str, Any]] = [patient]
    subject = {"reference": "resource:0"}
    # A clinician's confirmation is a Practitioner the confirmed resources point to.
    confirmer: dict[str, str] | None = None
    if provenance.confirmed:
        resources.append(
            {
                "resourceType": "Practitioner",
                "identifier": [{"value": str(provenance.confirmed_by or 0)}],
            }
        )
        confirmer = {"reference": "resource:1"}

    def confirmed(field: ClinicalField, key: str, *, listed: bool = False) -> dict[str, Any]:
        if confirmer is None or field not in provenance.confirmed:
            return {}
        return {key: [confirmer] if listed else confirmer}

    if data.blood_group is not None:
        observation: dict[str, Any] = {
            "resourceType": "Observation",
            "status": "final",
            "code": _coded("http://loinc.org", "882-1"),
            "subject": subject,
            **confirmed(ClinicalField.BLOOD_GROUP, "performer", listed=True),
        }
        if data.blood_group == "unknown":
            observation["dataAbsentReason"] = _coded(
                "http://terminology.hl7.org/CodeSystem/data-absent-reason", "unknown"
            )
        else:
            observation["valueCodeableConcept"] = _coded(
                SNOMED, BLOOD_GROUP_SNOMED[data.blood_group]
            )
        resources.append(observation)
    if data.allergies is not None:
        for code in data.allergies or (NO_KNOWN_ALLERGY,):
            resources.append(
                {
                    "resourceType": "AllergyIntolerance",
                    "code": _coded(SNOMED, code),
                    "patient": subject,
                    **confirmed(ClinicalField.ALLERGIES, "asserter"),
                }
            )
    if data.medications is not None:
        for code in data.medications or ("no-known-medications",):
            system = "http://www.whocc.no/atc" if data.medications else ABSENT
            resources.append(
                {
                    "resourceType": "MedicationStatement",
                    "status": "active",
                    "medicationCodeableConcept": _coded(system, code),
                    "subject": subject,
                    **confirmed(ClinicalField.MEDICATIONS, "informationSource"),
                }
            )
    if data.conditions is not None:
        for code in data.conditions or ("no-known-problems",):
            system = "http://hl7.org/fhir/sid/icd-10" if data.conditions else ABSENT
            resources.append(
                {
                    "resourceType": "Condition",
                    "code": _coded(system, code),
                    "subject": subject,
                    **confirmed(ClinicalField.CONDITIONS, "asserter"),
                }
            )
    return {
        "resourceType": "Bundle",
        "type": "collection",
        # The card id and the full record's key, as the ehcard payload carries them.
        "identifier": {"value": b64url(card.card_id + card.record_key)},
        "entry": [
            {"fullUrl": f"resource:{index}", "resource": resource}
            for index, resource in enumerate(resources)
        ],
    }


def jws_payload(card: Card, host: str) -> dict[str, Any]:
    """The minimal SMART Health Card VC claims around the bundle."""
    return {
        "iss": f"https://{host.lower()}",
        "nbf": epoch_seconds(card.issued),
        "exp": epoch_seconds(card.expires),
        "vc": {
            "type": ["https://smarthealth.cards#health-card"],
            "credentialSubject": {"fhirVersion": "4.0.1", "fhirBundle": fhir_bundle(card)},
        },
    }


def minified(value: Any) -> bytes:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def jwk_thumbprint(public_key: ec.EllipticCurvePublicKey) -> str:
    """RFC 7638 thumbprint: the key id SMART Health Cards put in the JWS header."""
    numbers = public_key.public_numbers()
    jwk = {
        "crv": "P-256",
        "kty": "EC",
        "x": b64url(numbers.x.to_bytes(32, "big")),
        "y": b64url(numbers.y.to_bytes(32, "big")),
    }
    return b64url(hashlib.sha256(minified(jwk)).digest())


def es256(private_key: ec.EllipticCurvePrivateKey, message: bytes) -> bytes:
    """An ES256 signature as JWS and COSE carry it: r || s, 32 bytes each."""
    r, s = decode_dss_signature(private_key.sign(message, ec.ECDSA(hashes.SHA256())))
    return r.to_bytes(32, "big") + s.to_bytes(32, "big")


def compact_jws(card: Card, host: str, private_key: ec.EllipticCurvePrivateKey) -> str:
    header = {"zip": "DEF", "alg": "ES256", "kid": jwk_thumbprint(private_key.public_key())}
    deflate = zlib.compressobj(9, zlib.DEFLATED, -15)
    body = deflate.compress(minified(jws_payload(card, host))) + deflate.flush()
    signing_input = f"{b64url(minified(header))}.{b64url(body)}"
    return f"{signing_input}.{b64url(es256(private_key, signing_input.encode('ascii')))}"


def qr_digits(jws: str) -> str:
    return "".join(f"{ord(char) - 45:02d}" for char in jws)


def qr_text(jws: str) -> str:
    return PREFIX + qr_digits(jws)


def make_qr(text: str, ecc: str = ECC) -> segno.QRCode:
    """`shc:/` as a byte segment, the digits as a numeric one; never Micro QR."""
    digits = text.removeprefix(PREFIX)
    return segno.make_qr([(PREFIX, 4), (digits, 1)], error=ecc, boost_error=False)
