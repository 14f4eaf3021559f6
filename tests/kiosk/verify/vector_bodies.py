"""Signed card bodies with one encoding or field fault each: they pass the signature check
and must be refused by the body decoder with the same code in Python and in the browser."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import cbor2

from cards import cbor, codec
from tests.builders import make_card
from tests.kiosk.verify.vectors import Case, signed_body, text_of

Pair = tuple[bytes, bytes]


def _base() -> dict[int, Any]:
    body: dict[int, Any] = cbor2.loads(codec.encode_body(make_card()))
    return body


def _pairs(body: dict[int, Any]) -> list[Pair]:
    return [(cbor.dumps(k), cbor.dumps(v)) for k, v in sorted(body.items())]


def _map(pairs: list[Pair]) -> bytes:
    header = bytes([0xA0 + len(pairs)]) if len(pairs) < 24 else bytes([0xB8, len(pairs)])
    return header + b"".join(k + v for k, v in pairs)


def _replace(key: int, value: bytes) -> bytes:
    return _map([(k, value if k == cbor.dumps(key) else v) for k, v in _pairs(_base())])


def _with(**changes: Any) -> bytes:
    body = _base()
    for name, value in changes.items():
        key = int(name.removeprefix("k"))
        if value is None:
            body.pop(key, None)
        else:
            body[key] = value
    return cbor.dumps(body)


def encoding_faults() -> dict[str, bytes]:
    pairs = _pairs(_base())
    swapped = [pairs[1], pairs[0], *pairs[2:]]
    return {
        "non-shortest-key": _map([(b"\x18\x01", pairs[0][1]), *pairs[1:]]),
        "non-shortest-length": _replace(4, b"\x78\x0c" + pairs[3][1][1:]),
        "indefinite-map": b"\xbf" + b"".join(k + v for k, v in pairs) + b"\xff",
        "indefinite-bytes": _replace(1, b"\x5f\x48" + bytes.fromhex("0123456789abcdef") + b"\xff"),
        "unsorted-keys": _map(swapped),
        "duplicate-key": _map([pairs[0], pairs[1], pairs[1], *pairs[2:]]),
        "tag": _replace(2, b"\xc1" + cbor.dumps(20758)),
        "float": _replace(2, b"\xfb" + bytes(8)),
        "half-float": _replace(7, b"\xf9\x3c\x00"),
        "simple-true": _replace(7, b"\xf5"),
        "null": _replace(8, b"\xf6"),
        "reserved-info": _replace(7, b"\x1c"),
        "trailing-byte": cbor.dumps(_base()) + b"\x00",
        "truncated": cbor.dumps(_base())[:-1],
        "invalid-utf8": _replace(4, b"\x62\xff\xfe"),
        "surrogate-utf8": _replace(4, b"\x63\xed\xa0\x80"),
        "text-key": _map([*pairs, (b"\x61a", b"\x01")]),
        "too-deep": _replace(9, b"\x81\x81\x81\x81\x81\x01"),
        "too-many-items": _replace(9, b"\x99\x01\x2c" + b"\x1a\x00\x01\x86\xa0" * 300),
        "array-body": cbor.dumps([1, 2, 3]),
        "empty-body": b"",
    }


def field_faults() -> dict[str, bytes]:
    return {
        "unknown-key": _with(k16=1),
        "negative-key": cbor.dumps({**_base(), -1: 1}),
        "missing-record-key": _with(k14=None),
        "card-id-as-int": _with(k1=5),
        "card-id-short": _with(k1=b"\x01" * 7),
        "issued-as-text": _with(k2="2026-11-01"),
        "day-out-of-range": _with(k3=70000),
        "expires-before-issued": _with(k3=20000),
        "name-as-int": _with(k4=7),
        "name-with-bidi-override": _with(k4="Amina\u202eDiallo"),
        "name-double-space": _with(k4="Amina  Diallo"),
        "name-not-nfc": _with(k4="Ame\u0301lie"),
        "arabic-name-unpacked": _with(k4="أمينة ديالو"),
        "zwnj-not-between-letters": _with(k4="محمد \u200cرضا"),
        "zwnj-after-latin-letter": _with(k4="Amina\u200c Diallo"),
        "packed-name-too-short": _with(k4=b"\x06\x27"),
        "packed-name-not-minimal": _with(k4=b"\x06\x00\x05\x06"),
        "latin-name-lowercase": _with(k5="Amina"),
        "birth-year-too-late": _with(k6=-400),
        "birth-day-out-of-range": _with(k6=70000),
        "sex-code-3": _with(k7=3),
        "blood-group-9": _with(k8=9),
        "blood-group-negative": _with(k8=-1),
        "allergies-not-list": _with(k9=294505008),
        "allergy-code-too-small": _with(k9=[12]),
        "allergy-twice": _with(k9=[294505008, 294505008]),
        "seventeen-allergies": _with(k9=[100000 + i for i in range(17)]),
        "medications-odd-length": _with(k10=b"\x00\x0a\x52"),
        "atc-out-of-range": _with(k10=b"\xff\xff\xff\xff"),
        "medication-twice": _with(k10=b"\x00\x0a\x52\x34" * 2),
        "icd10-out-of-range": _with(k11=b"\xff\xff"),
        "contact-not-pair": _with(k12=["Moussa"]),
        "phone-leading-zero": _with(k12=["Moussa", b"\x00\x07\xd3\x73\xb1\x4e"]),
        "phone-too-short": _with(k12=["Moussa", b"\x01"]),
        "languages-empty": _with(k13=b""),
        "language-invalid": _with(k13=b"\x00\x01"),
        "record-key-short": _with(k14=b"\x00" * 15),
        "provenance-zero": _with(k15=[0, 7]),
        "provenance-negative-staff": _with(k15=[2, -1]),
        "provenance-not-list": _with(k15=2),
    }


def body_cases() -> Iterator[Case]:
    for name, body in {**encoding_faults(), **field_faults()}.items():
        yield Case(f"body-{name}", text_of(signed_body(body)))
