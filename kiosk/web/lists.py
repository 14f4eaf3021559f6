"""The signed lists over HTTP: one implementation behind /V/lists/ and /api/.

Both routes serve the bytes the publisher wrote (kiosk.domain.publication) with
the same strong ETag, and answer If-None-Match (weak comparison, lists of tags,
`*`) with 304 before touching anything else: no signing, no database. Public,
cacheable by shared caches, open to every origin: the lists are signed and name
no person.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache

from flask import Flask, Response, current_app, request

from kiosk.config import Settings
from kiosk.context import services
from kiosk.domain.publication.bundle import Document, ListRequestError
from kiosk.domain.publication.publisher import ListPublisher, PublishedLists
from kiosk.domain.publication.representations import CBOR, revocations_json, trust_json
from signing.keys import PublicKey
from signing.trust import load_trust_list

JSON = "application/json"
LISTS_EXTENSION = "ehcard.published_lists"
KID_PATTERN = re.compile(r"[0-9a-fA-F]{16}")
# Whole numbers that fit a signed 64-bit counter.
COUNTER_DIGITS = 18


def init_lists(app: Flask, publisher: ListPublisher) -> None:
    app.extensions[LISTS_EXTENSION] = PublishedLists(publisher)


def cache_control(settings: Settings) -> str:
    """Shared caches may keep a list `max-age` seconds; stale copies stay usable while
    refreshing and when the server is down: an old list must never stop a verifier."""
    max_age = settings.list_max_age_seconds
    return (
        f"public, max-age={max_age}, stale-while-revalidate={max_age * 12}, stale-if-error=604800"
    )


def issuer_kid(text: str, *, code: str) -> bytes:
    """The issuer kid of a list URL; `code` is the error when it is not one (the /V/ files
    answer 404 for a name that cannot exist, the API 400)."""
    if not KID_PATTERN.fullmatch(text):
        raise ListRequestError(
            f"{text!r} is not an issuer key id: 16 hexadecimal digits", code=code
        )
    return bytes.fromhex(text)


def since_counter() -> int:
    raw = request.args.get("since", "0")
    if not (raw.isascii() and raw.isdigit()) or len(raw) > COUNTER_DIGITS:
        raise ListRequestError(
            f"since={raw!r} is not a list counter: a whole number from 0", code="bad_since"
        )
    return int(raw)


def trust_response(*, as_json: bool, negotiated: bool) -> Response:
    document = _trust_document(services().keyring.trust_document)
    if as_json:
        return respond(_trust_json(document.body), JSON, negotiated=negotiated)
    return respond(document, CBOR, negotiated=negotiated)


def revocations_response(kid: bytes, since: int, *, as_json: bool, negotiated: bool) -> Response:
    issuer = services().keyring.issuer_keys.get(kid)
    if issuer is None:
        raise ListRequestError(
            f"this server publishes no revocation list for issuer {kid.hex()}",
            code="unknown_list_issuer",
        )
    published: PublishedLists = current_app.extensions[LISTS_EXTENSION]
    document = published.bundle(kid).document(since)
    if as_json:
        return respond(
            _revocations_json(document.body, issuer.public.raw), JSON, negotiated=negotiated
        )
    return respond(document, CBOR, negotiated=negotiated)


def respond(document: Document, mimetype: str, *, negotiated: bool) -> Response:
    if request.if_none_match.contains_weak(document.etag):
        response = Response(status=304, mimetype=mimetype)
    else:
        response = Response(document.body, mimetype=mimetype)
    response.set_etag(document.etag)
    response.headers["Cache-Control"] = cache_control(services().settings)
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Access-Control-Expose-Headers"] = "ETag"
    if negotiated:
        response.headers["Vary"] = "Accept"
    return response


# Keyed by the bytes objects the keyring and the bundles hold (bytes cache their hash):
# each document is hashed and turned into JSON once per process.
@lru_cache(maxsize=8)
def _trust_document(body: bytes) -> Document:
    return Document.of(body)


@lru_cache(maxsize=8)
def _trust_json(body: bytes) -> Document:
    trust = load_trust_list(body, [services().keyring.root_public_key])
    return Document.of(_json_bytes(trust_json(trust, body)))


@lru_cache(maxsize=8)
def _revocations_json(body: bytes, issuer: bytes) -> Document:
    return Document.of(_json_bytes(revocations_json(body, PublicKey(issuer))))


def _json_bytes(value: object) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()
