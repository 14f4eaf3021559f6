"""Publication (blueprint `api`, /api): the trust list and each issuer's revocation list.

    GET /api/trust[.json]
    GET /api/revocations/<issuer kid, 16 hex digits>[.json][?since=<counter>]

CBOR by default, JSON with a `.json` suffix or `Accept: application/json`.
Public, cacheable, conditional (strong ETags, If-None-Match -> 304), and
open to every origin: the lists are signed and name no person.
"""

from __future__ import annotations

import re
from importlib import resources

from flask import Blueprint, Flask, Request, Response, current_app, jsonify, request
from flask.sessions import SecureCookieSession

from cards.errors import CardError
from kiosk.context import services, transaction
from kiosk.domain.cards import registry
from kiosk.domain.clock import Clock, today
from kiosk.domain.publication import (
    CBOR,
    DocumentCache,
    ListKey,
    revocations_json,
    trust_etag,
    trust_json,
)
from kiosk.web.auth import ClockedCookieSessions

bp = Blueprint("api", __name__, url_prefix="/api")
CACHE_EXTENSION = "ehcard.list_documents"
KID_PATTERN = re.compile(r"^[0-9a-fA-F]{16}$")


class ListRequestError(CardError):
    """A list was asked for with a malformed issuer key id or counter."""

    code = "bad_list_request"


def _wants_json(suffixed: bool) -> bool:
    if suffixed:
        return True
    best = request.accept_mimetypes.best_match([CBOR, "application/json"], default=CBOR)
    return best == "application/json"


def _cache_headers(response: Response, etag: str, *, negotiated: bool) -> Response:
    max_age = services().settings.list_max_age_seconds
    response.set_etag(etag)
    # Stale copies stay usable while refreshing and when the server is down:
    # an old list must never stop a verifier (DESIGN §9).
    response.headers["Cache-Control"] = (
        f"public, max-age={max_age}, stale-while-revalidate={max_age * 12}, "
        "stale-if-error=604800"
    )
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Access-Control-Expose-Headers"] = "ETag"
    if negotiated:
        response.headers["Vary"] = "Accept"
    return response


def _not_modified(etag: str, *, as_json: bool, negotiated: bool) -> Response | None:
    if not request.if_none_match.contains_weak(etag):
        return None
    unchanged = Response(status=304, mimetype="application/json" if as_json else CBOR)
    return _cache_headers(unchanged, etag, negotiated=negotiated)


@bp.get("/openapi.json")
def openapi() -> Response:
    """The OpenAPI description of the public endpoints (lists, SHL manifests, readiness)."""
    document = resources.files("kiosk.web.api").joinpath("openapi.json").read_bytes()
    return Response(document, mimetype="application/json")


@bp.get("/trust")
@bp.get("/trust.json", endpoint="trust_json")
def trust() -> Response:
    suffixed = request.path.endswith(".json")
    as_json = _wants_json(suffixed)
    keyring = services().keyring
    etag = trust_etag(keyring.trust_document, "json" if as_json else "cbor")
    unchanged = _not_modified(etag, as_json=as_json, negotiated=not suffixed)
    if unchanged is not None:
        return unchanged
    if as_json:
        response = jsonify(trust_json(keyring.trust_list, keyring.trust_document))
    else:
        response = Response(keyring.trust_document, mimetype=CBOR)
    return _cache_headers(response, etag, negotiated=not suffixed)


def _issuer_kid(text: str) -> bytes:
    if not KID_PATTERN.match(text):
        raise ListRequestError(
            f"{text!r} is not an issuer key id: 16 hexadecimal digits", code="bad_kid"
        )
    return bytes.fromhex(text)


def _since() -> int:
    raw = request.args.get("since", "0")
    if not raw.isdigit() or len(raw) > 18:
        raise ListRequestError(
            f"since={raw!r} is not a list counter: a whole number from 0", code="bad_since"
        )
    return int(raw)


@bp.get("/revocations/<kid>")
def revocations(kid: str) -> Response:
    suffixed = kid.endswith(".json")
    issuer_kid = _issuer_kid(kid.removesuffix(".json"))
    since = _since()
    as_json = _wants_json(suffixed)
    keyring = services().keyring
    issuer_key = keyring.issuer_keys.get(issuer_kid)
    if issuer_key is None:
        raise registry.RegistryError(
            f"this server publishes no revocation list for issuer {issuer_kid.hex()}",
            code="unknown_list_issuer",
        )
    day = today(services().clock)
    with transaction() as session:
        counter = registry.list_counter(session, issuer_kid)
        key = ListKey(issuer_kid, counter, since, day)
        etag = key.etag("json" if as_json else "cbor")
        unchanged = _not_modified(etag, as_json=as_json, negotiated=not suffixed)
        if unchanged is not None:
            return unchanged
        cache: DocumentCache = current_app.extensions[CACHE_EXTENSION]
        document = cache.get(key)
        if document is None:
            document = registry.revocation_list(
                session, keyring, issuer_kid, since=since, today=day, counter=counter
            )
            cache.put(key, document)
    if as_json:
        response = jsonify(revocations_json(document, issuer_key.public))
    else:
        response = Response(document, mimetype=CBOR)
    return _cache_headers(response, etag, negotiated=not suffixed)


class CookielessListsSession(ClockedCookieSessions):
    """The app's cookie sessions (aged by its clock), but none under /api: the lists are
    public, so no cookie is read, set or varied on.

    Shared caches then keep one copy of a list for everyone (no `Vary: Cookie`).
    """

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        if request.path.startswith(bp.url_prefix or "/api"):
            return self.make_null_session(app)
        return super().open_session(app, request)


def init_api(app: Flask, clock: Clock) -> None:
    app.extensions[CACHE_EXTENSION] = DocumentCache()
    app.session_interface = CookielessListsSession(clock)
    app.register_blueprint(bp)
