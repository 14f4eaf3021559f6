"""Fixed keys, cards and the signed list files every vector is verified against.

Every key comes from a fixed 32-byte seed and every card id and record key
from the vector's name, so the generator writes the same bytes on every run
(Ed25519 signatures are deterministic).
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import replace
from datetime import date
from typing import Any

from cards import qr
from cards.model import (
    BirthDate,
    Card,
    ClinicalField,
    EmergencyContact,
    EmergencyData,
    Holder,
    Provenance,
    Sex,
)
from cards.packing import day_number
from signing import envelope
from signing.keys import PUBLIC_HEADER, PrivateKey
from signing.revocation import Reason, Revocation, RevocationList, sign_revocation_list
from signing.signed import seal
from signing.trust import KeyStatus, TrustEntry, TrustList, sign_trust_list

HOST = "EHC.EXAMPLE.ORG"
OTHER_HOST = "CARDS.EXAMPLE.NET"
ISSUED, EXPIRES = date(2026, 11, 1), date(2028, 11, 1)
LIST_DAY = date(2026, 11, 26)


def key(name: str) -> PrivateKey:
    return PrivateKey(hashlib.sha256(b"ehcard test vectors/key/" + name.encode()).digest())


ROOT = key("root")
OTHER_ROOT = key("other root")
ISSUER = key("issuer A")
RETIRED = key("issuer B, retired")
COMPROMISED = key("issuer C, compromised")
NOT_YET_VALID = key("issuer D, not yet valid")
SHORT_LIVED = key("issuer E, short validity")
OTHER_HOST_ISSUER = key("issuer F, other host")
IMPOSTOR = key("issuer G, shares issuer A's kid")
STRANGER = key("stranger, in no trust list")


def card_id(name: str) -> bytes:
    return hashlib.sha256(b"ehcard test vectors/card/" + name.encode()).digest()[:8]


def base_card(name: str, **changes: Any) -> Card:
    """A full card (every field known, one clinician-confirmed) with ids derived from `name`."""
    card = Card(
        card_id=card_id(name),
        issued=ISSUED,
        expires=EXPIRES,
        holder=Holder(name="Amina Diallo", birth_date=BirthDate(1994, 3, 12), sex=Sex.FEMALE),
        emergency=EmergencyData(
            blood_group="O+",
            allergies=("294505008",),
            medications=("A10AE04",),
            conditions=("E10",),
            contact=EmergencyContact(name="Moussa Diallo", phone="+33612345678"),
            languages=("ff", "fr"),
        ),
        record_key=hashlib.sha256(b"ehcard test vectors/record-key/" + name.encode()).digest()[:16],
        provenance=Provenance(confirmed=frozenset({ClinicalField.ALLERGIES}), confirmed_by=7),
    )
    return replace(card, **changes)


def text(payload: bytes, host: str = HOST) -> str:
    return qr.qr_text(host, payload)


def signed(card: Card, signer: PrivateKey = ISSUER) -> bytes:
    return envelope.sign_card(card, signer)


def signed_body(body: bytes, signer: PrivateKey = ISSUER, kid: bytes | None = None) -> bytes:
    """A payload around any body bytes, signed as an issuer signs a card."""
    kid = signer.kid if kid is None else kid
    return bytes([envelope.VERSION]) + kid + body + signer.sign(envelope.DOMAIN + kid + body)


def _entry(signer: PrivateKey, centre: str, **changes: Any) -> TrustEntry:
    entry = TrustEntry(signer.public, centre, HOST, date(2026, 1, 1), date(2036, 1, 1))
    return replace(entry, **changes)


TRUST_ENTRIES = (
    _entry(ISSUER, "Reception centre A"),
    _entry(
        RETIRED,
        "Reception centre B (key retired)",
        valid_from=date(2024, 1, 1),
        status=KeyStatus.RETIRED,
        status_since=date(2026, 6, 1),
    ),
    _entry(
        COMPROMISED,
        "Reception centre C (key compromised)",
        status=KeyStatus.COMPROMISED,
        status_since=date(2026, 10, 1),
    ),
    _entry(NOT_YET_VALID, "Reception centre D (key from 2027)", valid_from=date(2027, 1, 1)),
    _entry(SHORT_LIVED, "Reception centre E (key until mid-2027)", valid_until=date(2027, 6, 1)),
    _entry(OTHER_HOST_ISSUER, "Reception centre F", host=OTHER_HOST),
)
SHARED_KID_ENTRIES = (
    _entry(IMPOSTOR, "Reception centre G (listed under A's kid)", listed_kid=ISSUER.kid),
    TRUST_ENTRIES[0],
)


def _revocations(
    signer: PrivateKey, counter: int, entries: tuple[Revocation, ...], since: int = 0
) -> bytes:
    return sign_revocation_list(
        RevocationList(signer.kid, counter, LIST_DAY, entries, since), signer
    )


def _revoked(name: str, reason: Reason, on: date, until: date | None = None) -> Revocation:
    return replace(Revocation.of_card(card_id(name), reason, on), until=until)


REVOKED = _revoked("revocation-revoked", Reason.LOST, date(2026, 11, 20))
FULL_LIST_ENTRIES = (
    REVOKED,
    _revoked("revocation-entry-ended", Reason.WRONG_DATA, date(2026, 11, 5), date(2026, 11, 20)),
    _revoked(
        "revocation-entry-ends-on-validation-day",
        Reason.HOLDER_REQUEST,
        date(2026, 11, 5),
        date(2026, 11, 27),
    ),
    _revoked("time-expired-and-revoked", Reason.DECEASED, date(2026, 12, 1)),
    _revoked("revocation-reinstated-by-newer-full-list", Reason.WRONG_DATA, date(2026, 11, 10)),
)
DELTA_ENTRY = _revoked("revocation-added-by-delta", Reason.STOLEN, date(2026, 11, 25))


def _tampered(document: bytes) -> bytes:
    flipped = bytearray(document)
    flipped[len(flipped) // 2] ^= 0x01
    return bytes(flipped)


def _list_naming_another_issuer() -> bytes:
    # sign_revocation_list refuses this; a forger would not.
    body = {1: 1, 2: OTHER_HOST_ISSUER.kid, 3: 1, 4: day_number(LIST_DAY), 5: 0, 6: []}
    return seal(body, ISSUER, b"ehcard/revocations/v1")


def _list_with_unknown_reason() -> bytes:
    group = [day_number(LIST_DAY), 9, Revocation.of_card(card_id("x"), Reason.LOST, LIST_DAY).rid]
    body = {1: 1, 2: ISSUER.kid, 3: 1, 4: day_number(LIST_DAY), 5: 0, 6: [group]}
    return seal(body, ISSUER, b"ehcard/revocations/v1")


def context_files() -> dict[str, bytes]:
    """Every shared file the vectors name, by its path under tests/vectors/."""
    trust = TrustList(sequence=3, issued=date(2026, 10, 1), entries=TRUST_ENTRIES)
    shared = TrustList(sequence=4, issued=date(2026, 10, 1), entries=SHARED_KID_ENTRIES)
    twice = _revoked("lists-duplicate-ids", Reason.LOST, date(2026, 11, 20))
    files = {
        "root.pub": f"{PUBLIC_HEADER}\n{base64.b64encode(ROOT.public.raw).decode()}\n".encode(),
        "trust.cbor": sign_trust_list(trust, ROOT),
        "trust-shared-kid.cbor": sign_trust_list(shared, ROOT),
        "trust-other-root.cbor": sign_trust_list(trust, OTHER_ROOT),
        "trust-tampered.cbor": _tampered(sign_trust_list(trust, ROOT)),
        "revocations-a-1-empty.cbor": _revocations(ISSUER, 1, ()),
        "revocations-a-5.cbor": _revocations(ISSUER, 5, FULL_LIST_ENTRIES),
        "revocations-a-7-delta-from-5.cbor": _revocations(ISSUER, 7, (DELTA_ENTRY,), since=5),
        "revocations-a-8.cbor": _revocations(ISSUER, 8, (DELTA_ENTRY,)),
        "revocations-f-2.cbor": _revocations(
            OTHER_HOST_ISSUER,
            2,
            (_revoked("revocation-listed-by-another-issuer", Reason.LOST, date(2026, 11, 20)),),
        ),
        "revocations-a-4.cbor": _revocations(ISSUER, 4, (REVOKED,)),
        "revocations-a-duplicate-id.cbor": _revocations(ISSUER, 2, (twice, twice)),
        "revocations-a-10-delta-from-9.cbor": _revocations(ISSUER, 10, (), since=9),
        "revocations-a-6-delta-from-6.cbor": _revocations(ISSUER, 6, (), since=6),
        "revocations-a-tampered.cbor": _tampered(_revocations(ISSUER, 5, FULL_LIST_ENTRIES)),
        "revocations-a-names-issuer-f.cbor": _list_naming_another_issuer(),
        "revocations-a-unknown-reason.cbor": _list_with_unknown_reason(),
        "revocations-stranger.cbor": _revocations(STRANGER, 1, ()),
        "revocations-not-cbor.cbor": b"ehcard revocation list\n",
    }
    return {f"context/{name}": data for name, data in files.items()}
