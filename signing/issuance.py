"""Make and sign a new card: fresh random ids, the payload, its QR text and symbol."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, timedelta

from cards import codec, qr
from cards.errors import Malformed, ProfileError
from cards.model import (
    CARD_ID_BYTES,
    RECORD_KEY_BYTES,
    Card,
    EmergencyData,
    Holder,
    Provenance,
)
from signing.envelope import open_payload, sign_card
from signing.keys import PrivateKey

DEFAULT_VALIDITY = timedelta(days=730)
# At 30 mm on a 203-dpi printer a version-13 code still gets 3 dots a module.
MAX_QR_VERSION = 13


@dataclass(frozen=True)
class IssuedCard:
    card: Card
    payload: bytes
    qr_text: str
    symbol: qr.QrSymbol


def new_card(
    holder: Holder,
    emergency: EmergencyData,
    provenance: Provenance,
    *,
    issued: date,
    validity: timedelta = DEFAULT_VALIDITY,
) -> Card:
    """A card with a fresh random card id and record key."""
    return Card(
        card_id=secrets.token_bytes(CARD_ID_BYTES),
        issued=issued,
        expires=issued + validity,
        holder=holder,
        emergency=emergency,
        record_key=secrets.token_bytes(RECORD_KEY_BYTES),
        provenance=provenance,
    )


def sign_and_encode(card: Card, issuer_key: PrivateKey, host: str) -> IssuedCard:
    """Sign `card`; refuse it when a verifier would, or its QR code is too dense at 30 mm."""
    payload = sign_card(card, issuer_key)
    try:
        # The issuer refuses whatever a strict verifier would refuse (see cards/codec.py).
        codec.decode_body(open_payload(payload).body)
    except Malformed as exc:
        raise ProfileError("card", f"would not verify: {exc.diagnostics()}") from exc
    text = qr.qr_text(host, payload)
    symbol = qr.make_symbol(text)
    if symbol.version > MAX_QR_VERSION:
        raise ProfileError(
            "profile",
            f"too much data for one card ({len(payload)} bytes, QR version above "
            f"{MAX_QR_VERSION}): remove some medications or conditions",
        )
    return IssuedCard(card=card, payload=payload, qr_text=text, symbol=symbol)
