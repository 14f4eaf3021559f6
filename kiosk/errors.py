"""The one place that maps errors to HTTP responses."""

from __future__ import annotations

from flask import Flask, Response, current_app, jsonify, redirect, render_template, request, url_for
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response as BaseResponse

from cards.errors import CardError, ProfileError, VerificationError
from kiosk.config import ConfigError

STATUS_OF_ERROR: list[tuple[type[Exception], int]] = [
    (ProfileError, 422),
    (VerificationError, 422),
    (CardError, 400),
    (ConfigError, 500),
]
# Errors whose code alone says what HTTP status fits, whatever their class.
STATUS_OF_CODE: dict[str, int] = {
    "unknown_card": 404,
    "unknown_list_issuer": 404,
    "unknown_key": 404,
    "already_revoked": 409,
    "other_card": 422,
    "stale_trust_list": 409,
    "nothing_pending": 409,
    "bad_kid": 400,
    "bad_since": 400,
}


def _wants_json() -> bool:
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def _respond(
    status: int, code: str, message: str, headers: dict[str, str] | None = None
) -> Response | tuple[str, int, dict[str, str]]:
    if _wants_json():
        response = jsonify({"error": code, "message": message})
        response.status_code = status
        response.headers.update(headers or {})
        return response
    page = render_template("error.html", status=status, code=code, message=message)
    return page, status, headers or {}


def status_of(error: CardError) -> int:
    if error.code in STATUS_OF_CODE:
        return STATUS_OF_CODE[error.code]
    return next(s for kind, s in STATUS_OF_ERROR if isinstance(error, kind))


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(CardError)
    def card_error(error: CardError) -> Response | tuple[str, int, dict[str, str]]:
        return _respond(status_of(error), error.code, error.message)

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError) -> Response | tuple[str, int, dict[str, str]]:
        return _respond(400, "csrf", error.description or "the form's security token is missing")

    @app.errorhandler(OperationalError)
    def database_unavailable(
        _error: OperationalError,
    ) -> Response | tuple[str, int, dict[str, str]]:
        # The transaction was rolled back: nothing was issued, so trying again is safe.
        return _respond(
            503,
            "database_unavailable",
            "The database is not answering. Nothing was saved: try again.",
            {"Retry-After": "5"},
        )

    @app.errorhandler(HTTPException)
    def http_error(
        error: HTTPException,
    ) -> Response | BaseResponse | tuple[str, int, dict[str, str]]:
        login_view = getattr(getattr(current_app, "login_manager", None), "login_view", None)
        if error.code == 401 and login_view and not _wants_json():
            # A person at a browser is sent to sign in, then back here.
            return redirect(url_for(login_view, next=request.full_path.rstrip("?")))
        headers = {
            name: value
            for name, value in error.get_headers()
            if name.lower() in ("retry-after", "allow", "www-authenticate")
        }
        return _respond(
            error.code or 500,
            (error.name or "error").lower().replace(" ", "_"),
            error.description or "",
            headers,
        )
