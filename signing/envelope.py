"""The signed payload: version byte, key id, CBOR body, Ed25519 signature.

payload   = 0x01 || kid (8) || body (deterministic CBOR) || signature (64)
signature = Ed25519(issuer key, b"ehcard/v1" || kid || body)
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from cards import codec
from cards.errors import Malformed, Tampered, UnknownIssuer
from cards.model import Card
from signing.keys import KID_BYTES, PrivateKey, PublicKey

VERSION = 1
DOMAIN = b"ehcard/v1"
SIGNATURE_BYTES = 64
HEADER_BYTES = 1 + KID_BYTES
MIN_BODY_BYTES = 1
MAX_PAYLOAD_BYTES = 1024


@dataclass(frozen=True)
class Envelope:
    """A payload split into its parts, not yet verified."""

    kid: bytes
    body: bytes
    signature: bytes

    @property
    def signed_message(self) -> bytes:
        return DOMAIN + self.kid + self.body


def sign_card(card: Card, issuer_key: PrivateKey) -> bytes:
    """The signed payload bytes for `card`."""
    kid = issuer_key.kid
    body = codec.encode_body(card)
    signature = issuer_key.sign(DOMAIN + kid + body)
    return bytes([VERSION]) + kid + body + signature


def open_payload(payload: bytes) -> Envelope:
    """Split a payload; `Malformed` when its shape is wrong."""
    if not payload:
        raise Malformed("payload is empty", code="truncated")
    if payload[0] != VERSION:
        raise Malformed(f"unknown payload version {payload[0]}", code="unknown_version")
    if len(payload) > MAX_PAYLOAD_BYTES:
        raise Malformed("payload is longer than any card", code="too_large")
    if len(payload) < HEADER_BYTES + MIN_BODY_BYTES + SIGNATURE_BYTES:
        raise Malformed("payload is too short to hold a body and a signature", code="truncated")
    return Envelope(
        kid=payload[1:HEADER_BYTES],
        body=payload[HEADER_BYTES:-SIGNATURE_BYTES],
        signature=payload[-SIGNATURE_BYTES:],
    )


def check_signature(envelope: Envelope, candidates: Iterable[PublicKey]) -> PublicKey:
    """The key among `candidates` (all with the envelope's kid) whose signature verifies."""
    keys = list(candidates)
    if not keys:
        raise UnknownIssuer(f"no trusted key has key id {envelope.kid.hex()}")
    message = envelope.signed_message
    for key in keys:
        if key.verifies(message, envelope.signature):
            return key
    raise Tampered("the signature does not match the card under its issuer's key")
