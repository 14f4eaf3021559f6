"""Encrypt the full record as SMART Health Link files (JWE compact, dir + A256GCM).

The card carries a 16-byte record key. Everything else is derived from it with
HKDF-SHA256 (RFC 5869), so the QR code stays small:

    file key    = HKDF(ikm=record key, salt=record id (16 bytes), info=b"ehcard/record/v1", 32)
    manifest id = base64url(HKDF(ikm=file key, salt=record id, info=b"ehcard/shl-manifest/v1", 32))

The file key is the SMART Health Link `key` (32 bytes, 43 base64url
characters); the manifest id is the last path segment of the manifest URL.
Salting with the record id (itself derived from the card id) puts the card
id's 64 bits on top of the key's 128 in the manifest URL, and a server given
a file key can check it against the manifest id without reading any file.
The same derivation runs in the browser (static/records/crypto.js).
"""

from __future__ import annotations

import base64
import json
import re
import secrets
import zlib
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from cards.model import RECORD_KEY_BYTES
from signing.errors import RecordCryptoError

BASE64URL = re.compile(r"[A-Za-z0-9_-]*")
FILE_KEY_INFO = b"ehcard/record/v1"
MANIFEST_ID_INFO = b"ehcard/shl-manifest/v1"
FILE_KEY_BYTES = 32
IV_BYTES = 12
TAG_BYTES = 16
FHIR_JSON = "application/fhir+json"
# A document of the record is at most a few MB; a JWE far larger than that is hostile.
MAX_JWE_CHARS = 48 * 1024 * 1024
MAX_INFLATED_BYTES = 64 * 1024 * 1024


@dataclass(frozen=True)
class Jwe:
    """A decrypted JWE: its protected header and its plaintext."""

    header: dict[str, Any]
    plaintext: bytes


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    """Strict base64url without padding: any other character is an error, not skipped."""
    if not BASE64URL.fullmatch(text) or len(text) % 4 == 1:
        raise RecordCryptoError("not base64url text")
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _record_salt(record_id: str) -> bytes:
    try:
        salt = bytes.fromhex(record_id)
    except ValueError as exc:
        raise RecordCryptoError(f"record id {record_id!r} is not hexadecimal") from exc
    if len(salt) != 16:
        raise RecordCryptoError("a record id is 32 hexadecimal digits")
    return salt


def _hkdf(ikm: bytes, salt: bytes, info: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=info).derive(ikm)


def file_key(record_key: bytes, record_id: str) -> bytes:
    """The 32-byte key every file of the record is encrypted under (the SHL `key`)."""
    if len(record_key) != RECORD_KEY_BYTES:
        raise RecordCryptoError(f"a record key is {RECORD_KEY_BYTES} bytes, not {len(record_key)}")
    return _hkdf(record_key, _record_salt(record_id), FILE_KEY_INFO)


def manifest_id(key: bytes, record_id: str) -> str:
    """The manifest URL's last segment: 43 base64url characters derived from the file key."""
    if len(key) != FILE_KEY_BYTES:
        raise RecordCryptoError(f"a file key is {FILE_KEY_BYTES} bytes, not {len(key)}")
    return b64url(_hkdf(key, _record_salt(record_id), MANIFEST_ID_INFO))


def encrypt(key: bytes, plaintext: bytes, *, content_type: str, deflate: bool = False) -> str:
    """A JWE compact serialisation of `plaintext` with a fresh random IV."""
    if len(key) != FILE_KEY_BYTES:
        raise RecordCryptoError(f"a file key is {FILE_KEY_BYTES} bytes, not {len(key)}")
    header: dict[str, str] = {"alg": "dir", "enc": "A256GCM", "cty": content_type}
    if deflate:
        header["zip"] = "DEF"
        compressor = zlib.compressobj(9, zlib.DEFLATED, -15)  # raw DEFLATE, RFC 1951
        plaintext = compressor.compress(plaintext) + compressor.flush()
    protected = b64url(json.dumps(header, separators=(",", ":")).encode())
    iv = secrets.token_bytes(IV_BYTES)
    sealed = AESGCM(key).encrypt(iv, plaintext, protected.encode("ascii"))
    ciphertext, tag = sealed[:-TAG_BYTES], sealed[-TAG_BYTES:]
    return ".".join((protected, "", b64url(iv), b64url(ciphertext), b64url(tag)))


def parse_header(jwe: str) -> dict[str, Any]:
    """Check a JWE's shape and return its protected header, without decrypting it.

    The server calls this on ciphertext it is given (it never has the key then),
    so every rule a reader relies on is checked here.
    """
    if len(jwe) > MAX_JWE_CHARS:
        raise RecordCryptoError("JWE is too large")
    parts = jwe.split(".")
    if len(parts) != 5:
        raise RecordCryptoError("a JWE compact serialisation has five parts")
    protected, encrypted_key, iv, ciphertext, tag = parts
    try:
        header = json.loads(b64url_decode(protected))
    except ValueError as exc:
        raise RecordCryptoError("JWE header is not JSON") from exc
    if not isinstance(header, dict):
        raise RecordCryptoError("JWE header is not a JSON object")
    if header.get("alg") != "dir" or header.get("enc") != "A256GCM":
        raise RecordCryptoError('JWE header must say "alg":"dir" and "enc":"A256GCM"')
    if not isinstance(header.get("cty"), str):
        raise RecordCryptoError("JWE header has no content type (cty)")
    if header.get("zip", "DEF") != "DEF":
        raise RecordCryptoError('the only JWE compression is "zip":"DEF"')
    unknown = set(header) - {"alg", "enc", "cty", "zip"}
    if unknown:
        raise RecordCryptoError(f"unexpected JWE header fields: {sorted(unknown)}")
    if encrypted_key:
        raise RecordCryptoError('a "dir" JWE has an empty encrypted key part')
    if len(b64url_decode(iv)) != IV_BYTES or len(b64url_decode(tag)) != TAG_BYTES:
        raise RecordCryptoError("JWE IV must be 12 bytes and its tag 16")
    b64url_decode(ciphertext)
    return header


def decrypt(key: bytes, jwe: str) -> Jwe:
    """Decrypt a JWE made by `encrypt` (or any conforming JOSE library)."""
    header = parse_header(jwe)
    protected, _, iv, ciphertext, tag = jwe.split(".")
    try:
        plaintext = AESGCM(key).decrypt(
            b64url_decode(iv),
            b64url_decode(ciphertext) + b64url_decode(tag),
            protected.encode("ascii"),
        )
    except InvalidTag as exc:
        raise RecordCryptoError(
            "JWE does not decrypt under this key (wrong card, or altered)"
        ) from exc
    if header.get("zip") == "DEF":
        inflater = zlib.decompressobj(-15)
        plaintext = inflater.decompress(plaintext, MAX_INFLATED_BYTES)
        if inflater.unconsumed_tail:
            raise RecordCryptoError("JWE plaintext inflates past the size limit")
    return Jwe(header=header, plaintext=plaintext)


def shlink_payload(
    *, manifest_url: str, key: bytes, label: str, exp: int | None = None
) -> dict[str, Any]:
    """The SMART Health Link payload: passcode required (flag P), long-term (flag L)."""
    if len(manifest_url) > 128:
        raise RecordCryptoError("an SHL manifest URL is at most 128 characters")
    payload: dict[str, Any] = {"url": manifest_url, "key": b64url(key), "flag": "LP"}
    if label:
        payload["label"] = label[:80]
    if exp is not None:
        payload["exp"] = exp
    return payload


def shlink(payload: dict[str, Any]) -> str:
    """`shlink:/` + base64url(minified JSON), as the SHL specification writes it."""
    return "shlink:/" + b64url(json.dumps(payload, separators=(",", ":")).encode())
