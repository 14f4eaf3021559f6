"""The one place that maps errors to HTTP responses."""

from __future__ import annotations

from collections.abc import Mapping

from flask import Flask, Response, current_app, jsonify, redirect, render_template, request, url_for
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response as BaseResponse

from cards.errors import CardError, ProfileError, VerificationError
from kiosk.config import ConfigError
from kiosk.domain.records.errors import (
    AccessRefused,
    BadRecordRequest,
    PasscodeRejected,
    RecordAccessError,
    RecordGone,
    RecordNotFound,
    SignInFailed,
    Throttled,
    UploadRejected,
    UploadTooLarge,
    UploadWrongType,
)

# The first matching class wins: subclasses before their bases.
STATUS_OF_ERROR: list[tuple[type[Exception], int]] = [
    (RecordNotFound, 404),
    (RecordGone, 410),  # the SHL spec says 404 for "no longer active"; 410 says it is for good
    (PasscodeRejected, 401),
    (SignInFailed, 401),
    (Throttled, 429),
    (AccessRefused, 403),
    (UploadTooLarge, 413),
    (UploadWrongType, 415),
    (UploadRejected, 422),
    (BadRecordRequest, 400),
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
    "card_revoked": 409,
    "other_card": 422,
    "stale_trust_list": 409,
    "nothing_pending": 409,
    "bad_kid": 400,
    "bad_since": 400,
}


# Machine clients of these paths always get JSON, whatever they say they accept.
JSON_PATHS = ("/api/", "/shl/", "/records/api/", "/holder/api/")


def _wants_json() -> bool:
    return (
        request.path.startswith(JSON_PATHS) or request.accept_mimetypes.best == "application/json"
    )


def _respond(
    status: int,
    code: str,
    message: str,
    fields: Mapping[str, int | str] | None = None,
    headers: Mapping[str, str] | None = None,
) -> Response:
    if _wants_json():
        response = jsonify({"error": code, "message": message, **(fields or {})})
        response.status_code = status
    else:
        page = render_template("error.html", status=status, code=code, message=message)
        response = Response(page, status=status, mimetype="text/html")
    response.headers.update(headers or {})
    return response


def status_of(error: CardError) -> int:
    # A card's own fault codes (e.g. `unknown_key` in a body) are never registry codes.
    if error.code in STATUS_OF_CODE and not isinstance(error, VerificationError):
        return STATUS_OF_CODE[error.code]
    return next(s for kind, s in STATUS_OF_ERROR if isinstance(error, kind))


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(CardError)
    def card_error(error: CardError) -> Response:
        status = status_of(error)
        if isinstance(error, RecordAccessError):
            return _respond(status, error.code, error.message, error.response_fields, error.headers)
        return _respond(status, error.code, error.message)

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError) -> Response:
        return _respond(400, "csrf", error.description or "the form's security token is missing")

    @app.errorhandler(OperationalError)
    def database_unavailable(
        _error: OperationalError,
    ) -> Response:
        # The transaction was rolled back: nothing was issued, so trying again is safe.
        return _respond(
            503,
            "database_unavailable",
            "The database is not answering. Nothing was saved: try again.",
            headers={"Retry-After": "5"},
        )

    @app.errorhandler(HTTPException)
    def http_error(
        error: HTTPException,
    ) -> Response | BaseResponse:
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
            headers=headers,
        )
