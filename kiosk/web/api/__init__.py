"""Publication (blueprint `api`, /api): the trust list and each issuer's revocation list.

    GET /api/trust[.json]
    GET /api/revocations/<issuer kid, 16 hex digits>[.json][?since=<counter>]

CBOR by default, JSON with a `.json` suffix or `Accept: application/json`.
Public, cacheable, conditional (strong ETags, If-None-Match -> 304), and
open to every origin: the lists are signed and name no person.
"""

from __future__ import annotations

from importlib import resources

from flask import Blueprint, Flask, Request, Response, request
from flask.sessions import SecureCookieSession

from kiosk.domain.clock import Clock
from kiosk.domain.publication.representations import CBOR
from kiosk.web import lists
from kiosk.web.auth import ClockedCookieSessions

bp = Blueprint("api", __name__, url_prefix="/api")


def _wants_json(suffixed: bool) -> bool:
    if suffixed:
        return True
    best = request.accept_mimetypes.best_match([CBOR, lists.JSON], default=CBOR)
    return best == lists.JSON


@bp.get("/openapi.json")
def openapi() -> Response:
    """The OpenAPI description of the public endpoints (lists, SHL manifests, readiness)."""
    document = resources.files("kiosk.web.api").joinpath("openapi.json").read_bytes()
    return Response(document, mimetype="application/json")


@bp.get("/trust")
@bp.get("/trust.json", endpoint="trust_json")
def trust() -> Response:
    suffixed = request.path.endswith(".json")
    return lists.trust_response(as_json=_wants_json(suffixed), negotiated=not suffixed)


@bp.get("/revocations/<kid>")
def revocations(kid: str) -> Response:
    suffixed = kid.endswith(".json")
    issuer_kid = lists.issuer_kid(kid.removesuffix(".json"), code="bad_kid")
    return lists.revocations_response(
        issuer_kid, lists.since_counter(), as_json=_wants_json(suffixed), negotiated=not suffixed
    )


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
    app.session_interface = CookielessListsSession(clock)
    app.register_blueprint(bp)
