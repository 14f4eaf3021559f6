"""Flask-Babel: which language a page is in, and its text direction.

Each area keeps its own catalogue folder (kiosk/<area>/translations); they
are all listed in TRANSLATION_DIRECTORIES.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask, request, session
from flask_babel import Babel

from cards.valuesets import RTL_LANGUAGES, UI_LANGUAGES

KIOSK = Path(__file__).resolve().parent
AREAS = ("reception", "staff", "verify", "holder")
TRANSLATION_DIRECTORIES = ";".join(str(KIOSK / area / "translations") for area in AREAS)


def current_language() -> str:
    """The page language: ?lang=, then the session's choice, then the browser's, then fr/en."""
    asked = request.args.get("lang")
    if asked in UI_LANGUAGES:
        return asked
    chosen = session.get("lang")
    if chosen in UI_LANGUAGES:
        return str(chosen)
    return request.accept_languages.best_match(UI_LANGUAGES) or "en"


def init_i18n(app: Flask) -> Babel:
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", TRANSLATION_DIRECTORIES)
    babel = Babel(app, locale_selector=current_language)

    @app.context_processor
    def _language() -> dict[str, Any]:
        lang = current_language()
        return {"lang": lang, "text_direction": "rtl" if lang in RTL_LANGUAGES else "ltr"}

    return babel
