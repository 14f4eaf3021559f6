"""The reception kiosk's blueprint object; its routes live in steps.py, views.py, clinician.py."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, request

# The largest kiosk form (every tile of a list ticked) is a few kilobytes.
MAX_FORM_BYTES = 64 * 1024

bp = Blueprint("reception", __name__, url_prefix="/kiosk", template_folder="templates")


@bp.url_value_preprocessor
def _limit_form_size(_endpoint: str | None, _values: dict[str, Any] | None) -> None:
    # URL value preprocessors run before every before_request hook, so the
    # limit holds when the CSRF check first reads the form.
    request.max_content_length = MAX_FORM_BYTES
