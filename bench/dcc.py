"""The same card as an EU DCC-style code: CWT in COSE_Sign1 ES256, zlib, base45, `HC1:`.

Follows the eHealth Network HCERT layout: protected header {alg: ES256,
kid: 8 bytes}, CWT claims iss (1), exp (4), iat (6) and hcert (-260) holding
{1: certificate}, the certificate a DCC-like map of short string keys; the
COSE structure is zlib-compressed, base45-encoded, prefixed `HC1:` and put in
an alphanumeric QR segment at ECC Q.
"""

from __future__ import annotations

import hashlib
import zlib
from dataclasses import dataclass
from datetime import date
from typing import Any

import cbor2
import segno
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from shc import b64url, epoch_seconds, es256

from cards.model import Card

ECC = "Q"
PREFIX = "HC1:"
ES256 = -7
COSE_SIGN1_TAG = 18
HCERT_CLAIM = -260
BASE45 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"
_BASE45_VALUE = {char: value for value, char in enumerate(BASE45)}
SEX_CODES = {"female": "F", "male": "M", "other": "X"}


def base45_encode(data: bytes) -> str:
    """RFC 9285: two bytes to three characters, a last odd byte to two."""
    out = []
    for index in range(0, len(data), 2):
        chunk = data[index : index + 2]
        value = int.from_bytes(chunk, "big")
        digits = 3 if len(chunk) == 2 else 2
        for _ in range(digits):
            value, digit = divmod(value, 45)
            out.append(BASE45[digit])
    return "".join(out)


def base45_decode(text: str) -> bytes:
    try:
        values = [_BASE45_VALUE[char] for char in text]
    except KeyError as exc:
        raise ValueError("not a base45 character") from exc
    whole = len(values) - len(values) % 3
    out = bytearray()
    for c, d, e in zip(values[0:whole:3], values[1:whole:3], values[2:whole:3], strict=True):
        out += (c + d * 45 + e * 2025).to_bytes(2, "big")
    if len(values) % 3 == 2:
        out.append(values[-2] + values[-1] * 45)
    elif len(values) % 3 == 1:
        raise ValueError("base45 text has a bad length")
    return bytes(out)


def certificate(card: Card) -> dict[str, Any]:
    """The card's data in the DCC style: short keys, codes as strings, ISO dates."""
    holder, data, provenance = card.holder, card.emergency, card.provenance
    name: dict[str, str] = {"n": holder.name}
    if holder.name_latin:
        name["nt"] = holder.name_latin
    cert: dict[str, Any] = {"ver": "1.0.0", "nam": name, "dob": holder.birth_date.isoformat()}
    if holder.sex:
        cert["sex"] = SEX_CODES[holder.sex.value]
    if data.blood_group is not None:
        cert["bg"] = data.blood_group
    # A list present and empty means none known; a missing key, not asked.
    for key, codes in (("al", data.allergies), ("md", data.medications), ("cd", data.conditions)):
        if codes is not None:
            cert[key] = list(codes)
    if data.contact:
        cert["ec"] = {"n": data.contact.name, "tel": data.contact.phone}
    if data.languages:
        cert["lg"] = list(data.languages)
    if provenance.confirmed:
        cert["cf"] = {
            "f": sorted(field.value for field in provenance.confirmed),
            "by": provenance.confirmed_by or 0,
        }
    cert["ci"] = b64url(card.card_id + card.record_key)
    return cert


def key_id(public_key: ec.EllipticCurvePublicKey) -> bytes:
    """8 bytes of SHA-256 over the key, as DCC key ids are 8 bytes of a certificate hash."""
    der = public_key.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return hashlib.sha256(der).digest()[:8]


def signature_structure(protected: bytes, payload: bytes) -> bytes:
    return bytes(cbor2.dumps(["Signature1", protected, b"", payload]))


def cose_sign1(card: Card, private_key: ec.EllipticCurvePrivateKey) -> bytes:
    claims = {
        1: "FR",
        4: epoch_seconds(card.expires),
        6: epoch_seconds(card.issued),
        HCERT_CLAIM: {1: certificate(card)},
    }
    protected = bytes(cbor2.dumps({1: ES256, 4: key_id(private_key.public_key())}))
    payload = bytes(cbor2.dumps(claims))
    signature = es256(private_key, signature_structure(protected, payload))
    return bytes(cbor2.dumps(cbor2.CBORTag(COSE_SIGN1_TAG, [protected, {}, payload, signature])))


def compressed(card: Card, private_key: ec.EllipticCurvePrivateKey) -> bytes:
    return zlib.compress(cose_sign1(card, private_key), 9)


def qr_text(compressed_cose: bytes) -> str:
    return PREFIX + base45_encode(compressed_cose)


def make_qr(text: str, ecc: str = ECC) -> segno.QRCode:
    """One alphanumeric segment (base45 is the QR alphanumeric alphabet); never Micro QR."""
    return segno.make_qr(text, mode="alphanumeric", error=ecc, boost_error=False)


class DccError(Exception):
    """A DCC-style code that does not verify."""


def open_cose(text: str) -> tuple[bytes, dict[int, Any], bytes, bytes]:
    """(protected header bytes, unprotected header, payload, signature) of an HC1: code."""
    if not text.startswith(PREFIX):
        raise DccError("not an HC1: code")
    cose = cbor2.loads(zlib.decompress(base45_decode(text[len(PREFIX) :])))
    if not isinstance(cose, cbor2.CBORTag) or cose.tag != COSE_SIGN1_TAG or len(cose.value) != 4:
        raise DccError("not a COSE_Sign1 structure")
    protected, unprotected, payload, signature = cose.value
    return protected, unprotected, payload, signature


def der_signature(signature: bytes) -> bytes:
    """A raw r || s ES256 signature in the DER form `cryptography` verifies."""
    return encode_dss_signature(
        int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big")
    )


@dataclass(frozen=True)
class DccVerifier:
    """What an EU DCC verifier does per code: unwrap, check the signature and the dates."""

    keys: dict[bytes, ec.EllipticCurvePublicKey]

    def verify(self, text: str, today: date) -> dict[str, Any]:
        protected_bytes, unprotected, payload, signature = open_cose(text)
        protected = cbor2.loads(protected_bytes)
        if protected.get(1) != ES256 or len(signature) != 64:
            raise DccError("not an ES256 signature")
        key = self.keys.get(protected.get(4) or unprotected.get(4))
        if key is None:
            raise DccError("unknown key id")
        try:
            key.verify(
                der_signature(signature),
                signature_structure(protected_bytes, payload),
                ec.ECDSA(hashes.SHA256()),
            )
        except InvalidSignature as exc:
            raise DccError("bad signature") from exc
        claims = cbor2.loads(payload)
        now = epoch_seconds(today)
        if not claims[6] <= now + 86400 or claims[4] < now - 86400:
            raise DccError("expired or not yet valid")
        cert: dict[str, Any] = claims[HCERT_CLAIM][1]
        return cert
