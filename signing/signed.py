"""Signed CBOR documents: `[signer kid, body, signature]` with a domain per document kind."""

from __future__ import annotations

from typing import Any

import cbor2

from cards import cbor
from cards.errors import Malformed
from signing.errors import SignedListError
from signing.keys import KID_BYTES, PrivateKey, PublicKey

MAX_DOCUMENT_BYTES = 4 * 1024 * 1024


def seal(body: dict[int, Any], key: PrivateKey, domain: bytes) -> bytes:
    return seal_encoded(cbor.dumps(body), key, domain)


def seal_encoded(encoded: bytes, key: PrivateKey, domain: bytes) -> bytes:
    """Sign an already encoded body (one prepared on another machine, say)."""
    return cbor.dumps([key.kid, encoded, key.sign(domain + encoded)])


def decode_body(encoded: bytes, what: str) -> dict[int, Any]:
    """An unsigned body as `unseal` would return it, once signed."""
    try:
        decoded = _loads_large(encoded)
    except Malformed as exc:
        raise SignedListError(f"{what} is not valid deterministic CBOR: {exc.message}") from exc
    if not isinstance(decoded, dict):
        raise SignedListError(f"{what} is not a CBOR map")
    return decoded


def signer_kid(document: bytes, what: str) -> bytes:
    """The kid of the key a document says signed it (not yet checked)."""
    return _outer(document, what)[0]


def _outer(document: bytes, what: str) -> tuple[bytes, bytes, bytes]:
    if len(document) > MAX_DOCUMENT_BYTES:
        raise SignedListError(f"{what} is larger than {MAX_DOCUMENT_BYTES} bytes")
    try:
        outer = cbor.loads(document)
    except Malformed as exc:
        raise SignedListError(f"{what} is not valid CBOR: {exc.message}") from exc
    if (
        not isinstance(outer, list)
        or len(outer) != 3
        or not all(isinstance(part, bytes) for part in outer)
        or len(outer[0]) != KID_BYTES
    ):
        raise SignedListError(f"{what} is not a [kid, body, signature] document")
    return outer[0], outer[1], outer[2]


def unseal(document: bytes, key: PublicKey, domain: bytes, what: str) -> dict[int, Any]:
    """The body of a document signed by `key`; `SignedListError` otherwise."""
    return unseal_any(document, key, (domain,), what)[1]


def unseal_any(
    document: bytes, key: PublicKey, domains: tuple[bytes, ...], what: str
) -> tuple[bytes, dict[int, Any]]:
    """The domain (the document's kind) among `domains` that `key` signed the document
    under, and its body; `SignedListError` otherwise."""
    kid, body, signature = _outer(document, what)
    domain = next(
        (d for d in domains if kid == key.kid and key.verifies(d + body, signature)), None
    )
    if domain is None:
        raise SignedListError(f"{what} is not signed by the expected key")
    try:
        decoded = _loads_large(body)
    except Malformed as exc:
        raise SignedListError(f"{what} body is not valid CBOR: {exc.message}") from exc
    if not isinstance(decoded, dict):
        raise SignedListError(f"{what} body is not a CBOR map")
    return domain, decoded


def _loads_large(body: bytes) -> Any:
    # Signed lists are trusted once their signature checks, and may hold far more
    # items than a card; cbor2 decodes them, and re-encoding proves them canonical.
    try:
        value = cbor2.loads(body)
    except (cbor2.CBORDecodeError, ValueError) as exc:
        raise Malformed(str(exc), code="cbor_invalid") from exc
    if cbor.dumps(value) != body:
        raise Malformed("body is not in deterministic form", code="non_canonical")
    return value
