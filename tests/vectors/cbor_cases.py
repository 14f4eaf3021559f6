"""Bodies that are not well-formed, canonical CBOR or not a card, each signed by the trusted issuer.

The signature verifies, so each reaches the decode stage and must fail there
with its own code. Bodies are assembled field by field from the encoded base
card, so one fault is changed at a time.
"""

from __future__ import annotations

from typing import Any

import cbor2

from cards import cbor, codec
from tests.vectors.context import base_card, signed_body, text
from tests.vectors.vector import CardCase

Fields = list[tuple[bytes, bytes]]


def head(major: int, value: int, size: int | None = None) -> bytes:
    """A CBOR head; `size` (1, 2, 4 or 8 argument bytes) forces a longer form than needed."""
    if size is None:
        return _shortest(major, value)
    info = {1: 24, 2: 25, 4: 26, 8: 27}[size]
    return bytes([major << 5 | info]) + value.to_bytes(size, "big")


def _shortest(major: int, value: int) -> bytes:
    if value < 24:
        return bytes([major << 5 | value])
    size = next(s for s in (1, 2, 4, 8) if value < 1 << (8 * s))
    return head(major, value, size)


def base_fields() -> Fields:
    body = cbor2.loads(codec.encode_body(base_card("cbor")))
    return [(cbor.dumps(key), cbor.dumps(value)) for key, value in body.items()]


def assemble(fields: Fields, map_head: bytes | None = None) -> bytes:
    start = head(5, len(fields)) if map_head is None else map_head
    return start + b"".join(key + value for key, value in fields)


def replaced(key: int, value: bytes) -> Fields:
    """The base fields with `key`'s value replaced by raw bytes (added in order if absent)."""
    encoded = cbor.dumps(key)
    fields = [(k, value if k == encoded else v) for k, v in base_fields()]
    if all(k != encoded for k, _ in fields):
        fields = sorted([*fields, (encoded, value)], key=lambda f: (len(f[0]), f[0]))
    return fields


def without(key: int) -> Fields:
    return [(k, v) for k, v in base_fields() if k != cbor.dumps(key)]


def body_with(key: int, value: Any) -> bytes:
    return assemble(replaced(key, cbor.dumps(value)))


def decode_case(id: str, description: str, body: bytes, error: str) -> CardCase:
    return CardCase(
        f"cbor-{id}", "cbor", description, text(signed_body(body)), fails_at="decode", error=error
    )


def _structure_cases() -> list[CardCase]:
    good = assemble(base_fields())
    fields = base_fields()
    issued = dict(fields)[cbor.dumps(codec.ISSUED)]
    name_key = cbor.dumps(codec.NAME)
    chunked_name = b"\x7f" + cbor.dumps("Amina ") + cbor.dumps("Diallo") + b"\xff"
    swapped = [fields[0], fields[2], fields[1], *fields[3:]]
    return [
        decode_case(
            "trailing-zero-byte",
            "A 0x00 byte after the body map.",
            good + b"\x00",
            "trailing_bytes",
        ),
        decode_case(
            "trailing-second-map",
            "An empty map after the body map.",
            good + b"\xa0",
            "trailing_bytes",
        ),
        decode_case("truncated", "The body's last five bytes cut off.", good[:-5], "truncated"),
        decode_case(
            "only-map-head", "A map head announcing fields that never come.", good[:1], "truncated"
        ),
        decode_case(
            "non-canonical-integer",
            "The issue day in a 4-byte argument where 2 bytes suffice.",
            assemble(replaced(codec.ISSUED, head(0, cbor2.loads(issued), 4))),
            "non_canonical",
        ),
        decode_case(
            "non-canonical-key",
            "Map key 1 written as 0x18 0x01.",
            assemble([(head(0, 1, 1), fields[0][1]), *fields[1:]]),
            "non_canonical",
        ),
        decode_case(
            "non-canonical-byte-string-length",
            "The 8-byte card id with its length in an extra byte (0x58 0x08).",
            assemble([(fields[0][0], b"\x58\x08" + fields[0][1][1:]), *fields[1:]]),
            "non_canonical",
        ),
        decode_case(
            "non-canonical-map-length",
            "The map's field count in an extra byte.",
            assemble(fields, head(5, len(fields), 1)),
            "non_canonical",
        ),
        decode_case(
            "indefinite-map",
            "The body as an indefinite-length map.",
            assemble(fields, b"\xbf") + b"\xff",
            "non_canonical",
        ),
        decode_case(
            "indefinite-text",
            "The name as an indefinite-length text string of two chunks.",
            assemble([(k, chunked_name if k == name_key else v) for k, v in fields]),
            "non_canonical",
        ),
        decode_case(
            "indefinite-array",
            "The emergency contact as an indefinite-length array.",
            assemble(
                replaced(
                    codec.CONTACT, b"\x9f" + dict(fields)[cbor.dumps(codec.CONTACT)][1:] + b"\xff"
                )
            ),
            "non_canonical",
        ),
        decode_case("unsorted-keys", "Keys 2 and 3 swapped.", assemble(swapped), "non_canonical"),
        decode_case(
            "keys-descending",
            "Every key in descending order.",
            assemble(list(reversed(fields))),
            "non_canonical",
        ),
        decode_case(
            "duplicate-key",
            "Key 2 (issued) twice with the same value.",
            assemble([fields[0], fields[1], fields[1], *fields[2:]]),
            "duplicate_key",
        ),
        decode_case(
            "duplicate-key-other-value",
            "Key 3 (expires) twice: a later value must never win.",
            assemble([*fields[:3], (fields[2][0], cbor.dumps(24000)), *fields[3:]]),
            "duplicate_key",
        ),
        decode_case(
            "reserved-additional-info",
            "Blood group head 0x1c: additional information 28 is reserved.",
            assemble(replaced(codec.BLOOD, b"\x1c")),
            "cbor_invalid",
        ),
        decode_case(
            "invalid-utf8",
            "The name as a text string holding invalid UTF-8 (0xc3 0x28).",
            assemble(replaced(codec.NAME, b"\x62\xc3\x28")),
            "invalid_utf8",
        ),
        decode_case(
            "nesting-too-deep",
            "The contact nested five arrays deep, past the decoder's depth limit.",
            body_with(codec.CONTACT, [[[[1]]]]),
            "too_large",
        ),
    ]


def _key_cases() -> list[CardCase]:
    return [
        decode_case(
            "unknown-key-16",
            "Key 16, which no version-1 card has.",
            body_with(16, 1),
            "unknown_key",
        ),
        decode_case(
            "unknown-key-0", "Key 0.", assemble([(b"\x00", b"\x01"), *base_fields()]), "unknown_key"
        ),
        decode_case(
            "negative-key",
            "Key -1 (sorted after every unsigned key).",
            assemble([*base_fields(), (b"\x20", b"\x01")]),
            "unknown_key",
        ),
        decode_case(
            "text-key",
            'A text key "x" (sorted after every integer key).',
            assemble([*base_fields(), (cbor.dumps("x"), b"\x01")]),
            "wrong_type",
        ),
        decode_case(
            "missing-card-id",
            "No key 1 (card id).",
            assemble(without(codec.CARD_ID)),
            "missing_key",
        ),
        decode_case(
            "missing-expiry",
            "No key 3: expiry is mandatory.",
            assemble(without(codec.EXPIRES)),
            "missing_key",
        ),
        decode_case(
            "missing-name", "No key 4 (name).", assemble(without(codec.NAME)), "missing_key"
        ),
        decode_case(
            "missing-record-key",
            "No key 14 (record key).",
            assemble(without(codec.RECORD_KEY)),
            "missing_key",
        ),
    ]


def _type_cases() -> list[CardCase]:
    return [
        decode_case(
            "body-is-array", "The body is an array, not a map.", cbor.dumps([1, 2]), "wrong_type"
        ),
        decode_case(
            "card-id-as-text",
            "The card id as text.",
            body_with(codec.CARD_ID, "0123456789abcdef"),
            "wrong_type",
        ),
        decode_case(
            "blood-group-true",
            "Blood group as CBOR true.",
            assemble(replaced(codec.BLOOD, b"\xf5")),
            "wrong_type",
        ),
        decode_case(
            "sex-null",
            "Sex as CBOR null (absent is how 'not given' is written).",
            assemble(replaced(codec.SEX, b"\xf6")),
            "wrong_type",
        ),
        decode_case(
            "issued-as-float",
            "The issue day as a half-precision float.",
            assemble(replaced(codec.ISSUED, b"\xf9\x3c\x00")),
            "wrong_type",
        ),
        decode_case(
            "issued-as-epoch-tag",
            "The issue date as tag 1 (epoch seconds).",
            assemble(replaced(codec.ISSUED, b"\xc1\x1a\x69\x05\x5c\x80")),
            "wrong_type",
        ),
        decode_case(
            "expires-as-bignum",
            "The expiry day as a bignum (tag 2).",
            assemble(replaced(codec.EXPIRES, b"\xc2\x42\x5d\xa8")),
            "wrong_type",
        ),
        decode_case(
            "name-as-integer", "The name as an integer.", body_with(codec.NAME, 42), "wrong_type"
        ),
        decode_case(
            "allergies-as-bytes",
            "Allergies as a byte string instead of an array of integers.",
            body_with(codec.ALLERGIES, b"\x01\x02"),
            "wrong_type",
        ),
        decode_case(
            "contact-as-map",
            "The emergency contact as a map.",
            body_with(codec.CONTACT, {1: "Moussa", 2: b"\x07"}),
            "wrong_type",
        ),
        decode_case(
            "provenance-as-integer",
            "Provenance as a bare integer instead of [bits, staff id].",
            body_with(codec.PROVENANCE, 2),
            "wrong_type",
        ),
    ]


def cases() -> list[CardCase]:
    return _structure_cases() + _key_cases() + _type_cases()
