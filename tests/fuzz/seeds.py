"""Valid inputs the fuzz targets start from (and the only payloads allowed to verify)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

from cards import qr
from signing.envelope import sign_card
from signing.keys import PrivateKey
from signing.trust import TrustEntry, TrustList
from signing.verifier import Verifier
from tests.builders import make_card, with_holder

HOST = "EHC.EXAMPLE.ORG"
ISSUER = PrivateKey(bytes(range(32)))
PAYLOADS = [
    sign_card(make_card(), ISSUER),
    sign_card(with_holder(make_card(), name="ዮናስ ገብረሚካኤል", name_latin="YONAS"), ISSUER),
]
PROFILE = {
    "name": "Amina Diallo", "birth_date": "1994-03-12", "allergies": ["91936005"],
    "medications": ["A10AE04"], "conditions": ["E10"], "languages": ["fr"],
    "emergency_contact": {"name": "Moussa", "phone": "+33612345678"},
}  # fmt: skip


def verifier() -> Verifier:
    entry = TrustEntry(ISSUER.public, "Fuzz centre", HOST, date(2026, 1, 1), date(2036, 1, 1))
    return Verifier(
        trust_list=TrustList(1, date(2026, 1, 1), (entry,)),
        clock=lambda: datetime(2026, 11, 27, tzinfo=UTC),
    )


def seeds(target: str) -> list[bytes]:
    if target == "payload":
        return PAYLOADS
    if target == "qr_text":
        return [qr.qr_text(HOST, p).encode() for p in PAYLOADS]
    return [json.dumps(PROFILE).encode()]
