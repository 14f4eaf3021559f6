"""Signature and trust faults: who signed, whether the list trusts that key for this card."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

from cards import codec
from tests.vectors.context import (
    COMPROMISED,
    IMPOSTOR,
    ISSUER,
    NOT_YET_VALID,
    OTHER_HOST,
    RETIRED,
    ROOT,
    SHORT_LIVED,
    STRANGER,
    base_card,
    signed,
    signed_body,
    text,
)
from tests.vectors.valid_cases import valid_case
from tests.vectors.vector import CardCase

SHARED_KID_TRUST = "context/trust-shared-kid.cbor"
# Ed25519's group order: adding it to S gives a second encoding of the same scalar.
GROUP_ORDER = 2**252 + 27742317777372353535851937790883648493


def _flip(payload: bytes, index: int, bit: int = 0) -> bytes:
    flipped = bytearray(payload)
    flipped[index] ^= 1 << bit
    return bytes(flipped)


def _signature_case(
    id: str, description: str, payload: bytes, error: str, **context: Any
) -> CardCase:
    return CardCase(
        f"signature-{id}",
        "signature",
        description,
        text(payload),
        fails_at="signature",
        error=error,
        **context,
    )


def signature_cases() -> list[CardCase]:
    card = base_card("signature")
    payload = signed(card)
    body = codec.encode_body(card)
    other_body = codec.encode_body(base_card("signature-other"))
    signature = payload[-64:]
    s_plus_order = int.from_bytes(signature[32:], "little") + GROUP_ORDER
    malleable = signature[:32] + s_plus_order.to_bytes(32, "little")
    no_domain = b"\x01" + ISSUER.kid + body + ISSUER.sign(ISSUER.kid + body)
    return [
        _signature_case(
            "bit-flip-in-body",
            "One bit flipped in the body (byte 20).",
            _flip(payload, 20),
            "bad_signature",
        ),
        _signature_case(
            "bit-flip-in-signature",
            "One bit flipped in the signature's last byte.",
            _flip(payload, len(payload) - 1, 7),
            "bad_signature",
        ),
        _signature_case(
            "bit-flip-in-kid",
            "One bit flipped in the key id: no trusted key has it.",
            _flip(payload, 3),
            "unknown_kid",
        ),
        _signature_case(
            "wrong-key",
            "Issuer A's key id, but signed by another key.",
            signed_body(body, STRANGER, kid=ISSUER.kid),
            "bad_signature",
        ),
        _signature_case(
            "unknown-kid",
            "A key id no trust list names, signed by issuer A over that kid.",
            signed_body(body, ISSUER, kid=bytes(range(8))),
            "unknown_kid",
        ),
        _signature_case(
            "root-key",
            "Signed by the trust list's root key, which is not an issuer key.",
            signed(card, ROOT),
            "unknown_kid",
        ),
        _signature_case(
            "truncated",
            "The signature's last byte cut off: the last 64 bytes are no longer the signature.",
            payload[:-1],
            "bad_signature",
        ),
        _signature_case(
            "byte-appended",
            "A byte appended after the signature.",
            payload + b"\x00",
            "bad_signature",
        ),
        _signature_case(
            "all-zero", "A signature of 64 zero bytes.", payload[:-64] + bytes(64), "bad_signature"
        ),
        _signature_case(
            "non-canonical-s",
            "The signature's S plus the group order: a second encoding of the same signature,"
            " which Ed25519 verifiers must refuse.",
            payload[:-64] + malleable,
            "bad_signature",
        ),
        _signature_case(
            "without-domain",
            "Signed over kid || body without the 'ehcard/v1' domain prefix.",
            no_domain,
            "bad_signature",
        ),
        _signature_case(
            "body-from-another-card",
            "Another card's body under this card's signature.",
            payload[:9] + other_body + signature,
            "bad_signature",
        ),
        _signature_case(
            "shared-kid-signed-by-neither",
            "Two trusted keys share the kid; the signature is by neither.",
            signed_body(body, STRANGER, kid=ISSUER.kid),
            "bad_signature",
            trust_list=SHARED_KID_TRUST,
        ),
        valid_case(
            "signature-shared-kid-second-key-signed",
            "signature",
            "Two trusted keys share issuer A's kid; the first listed did not sign, the second"
            " did: a verifier tries both.",
            base_card("signature-shared-kid-second-key-signed"),
            trust_list=SHARED_KID_TRUST,
        ),
        valid_case(
            "signature-shared-kid-first-key-signed",
            "signature",
            "Two trusted keys share issuer A's kid; the first listed (issuer G) signed.",
            base_card("signature-shared-kid-first-key-signed"),
            payload=_shared_kid_payload(),
            trust_list=SHARED_KID_TRUST,
        ),
    ]


def _trust_case(
    id: str, description: str, qr_text: str, error: str, stage: str = "trust"
) -> CardCase:
    return CardCase(f"trust-{id}", "trust", description, qr_text, fails_at=stage, error=error)


def _shared_kid_payload() -> bytes:
    body = codec.encode_body(base_card("signature-shared-kid-first-key-signed"))
    return signed_body(body, IMPOSTOR, kid=ISSUER.kid)


def trust_cases() -> list[CardCase]:
    return [
        _trust_case(
            "issuer-not-listed",
            "Signed by a key no trust list names.",
            text(signed(base_card("trust-issuer-not-listed"), STRANGER)),
            "unknown_kid",
            "signature",
        ),
        _trust_case(
            "key-not-yet-valid",
            "Issued 2026-11-01 under issuer D's key, valid only from 2027-01-01.",
            text(signed(base_card("trust-key-not-yet-valid"), NOT_YET_VALID)),
            "key_not_yet_valid",
        ),
        valid_case(
            "trust-issued-on-key-valid-from",
            "trust",
            "Issued on the first day of issuer D's key (2027-01-01), checked on 2027-01-15.",
            replace(
                base_card("trust-issued-on-key-valid-from"),
                issued=date(2027, 1, 1),
                expires=date(2029, 1, 1),
            ),
            signer=NOT_YET_VALID,
            validation_time=datetime(2027, 1, 15, 12, tzinfo=UTC),
        ),
        _trust_case(
            "key-retired-before-issue",
            "Issued 2026-11-01 under issuer B's key, retired on 2026-06-01.",
            text(signed(base_card("trust-key-retired-before-issue"), RETIRED)),
            "key_retired",
        ),
        valid_case(
            "trust-key-retired-after-issue",
            "trust",
            "Issued 2026-05-01 under issuer B's key, retired a month later: key rotation keeps"
            " earlier cards valid.",
            replace(
                base_card("trust-key-retired-after-issue"),
                issued=date(2026, 5, 1),
                expires=date(2028, 5, 1),
            ),
            signer=RETIRED,
        ),
        valid_case(
            "trust-issued-on-retirement-day",
            "trust",
            "Issued on the day issuer B's key was retired (2026-06-01): still valid.",
            replace(
                base_card("trust-issued-on-retirement-day"),
                issued=date(2026, 6, 1),
                expires=date(2028, 6, 1),
            ),
            signer=RETIRED,
        ),
        _trust_case(
            "key-compromised",
            "Issuer C's key is marked compromised (since 2026-10-01): even its earlier cards"
            " count for nothing.",
            text(
                signed(
                    replace(
                        base_card("trust-key-compromised"),
                        issued=date(2026, 3, 1),
                        expires=date(2028, 3, 1),
                    ),
                    COMPROMISED,
                )
            ),
            "key_compromised",
        ),
        _trust_case(
            "compromised-and-expired",
            "A compromised key's card that has also expired: trust is checked before time.",
            text(
                signed(
                    replace(
                        base_card("trust-compromised-and-expired"),
                        issued=date(2024, 1, 1),
                        expires=date(2026, 1, 1),
                    ),
                    COMPROMISED,
                )
            ),
            "key_compromised",
        ),
        _trust_case(
            "beyond-key-validity",
            "Expires 2028-11-01, after issuer E's key stops counting (2027-06-01).",
            text(signed(base_card("trust-beyond-key-validity"), SHORT_LIVED)),
            "beyond_key_validity",
        ),
        valid_case(
            "trust-expires-on-key-valid-until",
            "trust",
            "Expires on the last day of issuer E's key (2027-06-01).",
            replace(base_card("trust-expires-on-key-valid-until"), expires=date(2027, 6, 1)),
            signer=SHORT_LIVED,
        ),
        _trust_case(
            "wrong-host",
            f"Issuer A's card under {OTHER_HOST}, where issuer A does not publish.",
            text(signed(base_card("trust-wrong-host")), OTHER_HOST),
            "wrong_host",
        ),
    ]


def cases() -> list[CardCase]:
    return signature_cases() + trust_cases()
