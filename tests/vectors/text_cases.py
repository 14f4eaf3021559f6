"""QR text faults: the URL prefix, the version byte, the digits, and the size limits."""

from __future__ import annotations

from dataclasses import replace

from tests.vectors.context import HOST, ISSUER, base_card, signed, signed_body, text
from tests.vectors.valid_cases import qr_version, valid_case
from tests.vectors.vector import CardCase

PREFIX = f"HTTPS://{HOST}/V#"


def _qr(id: str, description: str, qr_text: str, error: str) -> CardCase:
    return CardCase(id, "qr", description, qr_text, fails_at="qr", error=error)


def _digits(id: str, description: str, qr_text: str, error: str) -> CardCase:
    return CardCase(id, "digits", description, qr_text, fails_at="qr", error=error)


def prefix_cases() -> list[CardCase]:
    payload = signed(base_card("qr"))
    good = text(payload)
    digits = good.split("#", 1)[1]
    as_version = {v: bytes([v]) + payload[1:] for v in (0, 2, 255)}
    if ISSUER.kid[0] in (0, 1):
        raise RuntimeError("qr-version-0 needs a key id that does not start with 0x00 or 0x01")
    return [
        _qr(
            "qr-lower-case-prefix",
            "The prefix in lower case: it would not fit QR alphanumeric mode, so no issuer"
            " writes it.",
            f"https://{HOST.lower()}/v#{digits}",
            "bad_prefix",
        ),
        _qr(
            "qr-http-scheme",
            "http:// instead of HTTPS://.",
            f"HTTP://{HOST}/V#{digits}",
            "bad_prefix",
        ),
        _qr("qr-wrong-path", "Path /X instead of /V.", f"HTTPS://{HOST}/X#{digits}", "bad_prefix"),
        _qr(
            "qr-path-with-slash",
            "An extra slash before the fragment (/V/#).",
            f"HTTPS://{HOST}/V/#{digits}",
            "bad_prefix",
        ),
        _qr(
            "qr-no-fragment-mark",
            "The digits follow /V without '#'.",
            f"HTTPS://{HOST}/V{digits}",
            "bad_prefix",
        ),
        _qr(
            "qr-byte-order-mark",
            "A UTF-8 byte-order mark before the prefix, as some encoders add.",
            "\ufeff" + good,
            "bad_prefix",
        ),
        _qr(
            "qr-other-scheme", "Another credential's prefix (HC1:).", f"HC1:{digits}", "bad_prefix"
        ),
        _qr(
            "qr-host-with-space",
            "A host that is not a DNS name.",
            f"HTTPS://EHC EXAMPLE/V#{digits}",
            "bad_prefix",
        ),
        _qr(
            "qr-version-2",
            "Payload version byte 2 (unknown to a version-1 verifier); the rest is a good card.",
            text(as_version[2]),
            "unknown_version",
        ),
        _qr(
            "qr-version-255",
            "Payload version byte 255.",
            text(as_version[255]),
            "unknown_version",
        ),
        _qr(
            "qr-version-0",
            "Payload version byte 0: written as an integer it vanishes, so the verifier reads"
            f" the key id's first byte (0x{ISSUER.kid[0]:02x}) as the version.",
            f"{PREFIX}{int.from_bytes(as_version[0], 'big')}",
            "unknown_version",
        ),
        _qr(
            "qr-payload-too-short",
            "Version byte, key id and signature but no body (73 bytes).",
            text(payload[:9] + payload[-64:]),
            "truncated",
        ),
    ]


def _long_body(size: int) -> bytes:
    # A CBOR byte string filling the body; the size check comes before any decoding.
    return b"\x59" + (size - 3).to_bytes(2, "big") + b"\x00" * (size - 3)


def digit_cases() -> list[CardCase]:
    good = text(signed(base_card("digits")))
    digits = good.split("#", 1)[1]
    arabic_indic = digits.translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    fullwidth = digits.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    return [
        _digits("digits-empty", "Nothing after '#'.", PREFIX, "truncated"),
        _digits(
            "digits-leading-zero", "A zero before the digits.", f"{PREFIX}0{digits}", "leading_zero"
        ),
        _digits("digits-only-zero", "The single digit 0.", f"{PREFIX}0", "leading_zero"),
        _digits(
            "digits-letter", "One digit replaced by 'A'.", f"{good[:-10]}A{good[-9:]}", "non_digit"
        ),
        _digits(
            "digits-inner-space",
            "A space inside the digits.",
            f"{good[:-10]} {good[-10:]}",
            "non_digit",
        ),
        _digits(
            "digits-trailing-newline",
            "A scanner's trailing CR LF.",
            f"{good}\r\n",
            "non_digit",
        ),
        _digits(
            "digits-minus-sign",
            "A minus sign before the digits.",
            f"{PREFIX}-{digits}",
            "non_digit",
        ),
        _digits(
            "digits-arabic-indic",
            "The digits written in Arabic-Indic numerals (U+0660..U+0669).",
            PREFIX + arabic_indic,
            "non_digit",
        ),
        _digits(
            "digits-fullwidth",
            "The digits written in full-width numerals (U+FF10..U+FF19).",
            PREFIX + fullwidth,
            "non_digit",
        ),
        _digits(
            "digits-second-fragment-mark",
            "A second '#' inside the digits.",
            f"{good[:-10]}#{good[-10:]}",
            "non_digit",
        ),
        _digits(
            "digits-too-long", "2501 digits, more than any card.", PREFIX + "9" * 2501, "too_large"
        ),
        _digits(
            "digits-qr-text-too-long",
            "QR text of 4297 characters, more than a QR code holds.",
            PREFIX + "1" * (4297 - len(PREFIX)),
            "too_large",
        ),
        _digits(
            "digits-last-digit-dropped",
            "The last digit dropped: the number is a tenth, so its first byte is no longer 0x01"
            " (the version byte doubles as a length check).",
            good[:-1],
            "unknown_version",
        ),
        _digits(
            "digits-digit-appended",
            "A digit appended: the number is ten times larger.",
            good + "7",
            "unknown_version",
        ),
    ]


def size_cases() -> list[CardCase]:
    """The largest card that fits QR version 10 at ECC M, and the same card one byte longer."""
    base = replace(
        base_card("size"),
        emergency=replace(base_card("size").emergency, medications=(), conditions=()),
    )
    name = "Amina Diallo"
    fits = None
    for extra in range(60):
        card = replace(base, holder=replace(base.holder, name=name + "a" * extra))
        version = qr_version(text(signed(card)))
        if version > 10:
            break
        fits = card
    if fits is None:
        raise RuntimeError("even the smallest size card is above version 10")
    over = replace(fits, holder=replace(fits.holder, name=fits.holder.name + "a"))
    at_cap = valid_case(
        "size-at-version-10-cap",
        "size",
        f"The longest card that still fits QR version 10 at ECC M"
        f" ({len(signed(fits))}-byte payload).",
        fits,
    )
    one_over = valid_case(
        "size-one-byte-over-version-10",
        "size",
        f"The same card one name letter longer ({len(signed(over))}-byte payload): version 11,"
        " and still valid (verifiers read any version; issuers keep to 10 where they can).",
        over,
    )
    too_large = CardCase(
        "size-payload-over-1024-bytes",
        "size",
        "A signed payload of 1025 bytes, longer than any card: refused before any decoding.",
        text(signed_body(_long_body(1025 - 73))),
        fails_at="qr",
        error="too_large",
    )
    return [at_cap, one_over, too_large]


def cases() -> list[CardCase]:
    return prefix_cases() + digit_cases() + size_cases()
