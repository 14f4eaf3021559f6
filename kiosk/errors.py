"""The one place that maps errors to HTTP responses."""

from __future__ import annotations

from flask import Flask, Response, jsonify, render_template, request
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException

from cards.errors import CardError, ProfileError, VerificationError
from kiosk.config import ConfigError

STATUS_OF_ERROR: list[tuple[type[Exception], int]] = [
    (ProfileError, 422),
    (VerificationError, 422),
    (CardError, 400),
    (ConfigError, 500),
]


def _wants_json() -> bool:
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def _respond(status: int, code: str, message: str) -> Response | tuple[str, int]:
    if _wants_json():
        response = jsonify({"error": code, "message": message})
        response.status_code = status
        return response
    return render_template("error.html", status=status, code=code, message=message), status


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(CardError)
    def card_error(error: CardError) -> Response | tuple[str, int]:
        status = next(s for kind, s in STATUS_OF_ERROR if isinstance(error, kind))
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
