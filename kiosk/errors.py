"""The one place that maps errors to HTTP responses."""

from __future__ import annotations

from collections.abc import Mapping

from flask import Flask, Response, jsonify, render_template, request
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException

from cards.errors import CardError, ProfileError, VerificationError
from kiosk.config import ConfigError
from kiosk.records.errors import (
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
) -> Response | tuple[str, int]:
    if _wants_json():
        response = jsonify({"error": code, "message": message, **(fields or {})})
        response.status_code = status
    else:
        page = render_template("error.html", status=status, code=code, message=message)
        response = Response(page, status=status, mimetype="text/html")
    response.headers.update(headers or {})
    return response


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(CardError)
    def card_error(error: CardError) -> Response | tuple[str, int]:
        status = next(s for kind, s in STATUS_OF_ERROR if isinstance(error, kind))
        if isinstance(error, RecordAccessError):
            return _respond(status, error.code, error.message, error.response_fields, error.headers)
        return _respond(status, error.code, error.message)

    @app.errorhandler(OperationalError)
    def database_unavailable(_error: OperationalError) -> Response | tuple[str, int]:
        # The transaction was rolled back: nothing was issued, so trying again is safe.
        response = _respond(
            503,
            "database_unavailable",
            "The database is not answering. Nothing was saved: try again.",
        )
        if isinstance(response, Response):
            response.headers["Retry-After"] = "5"
        return response

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Response | tuple[str, int]:
        return _respond(
            error.code or 500,
            (error.name or "error").lower().replace(" ", "_"),
            error.description or "",
        )
