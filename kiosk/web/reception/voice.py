"""The kiosk's voice on the web: audio files, each language's word map, the read-aloud switch.

Audio and maps are served under content-addressed names with a year's `immutable` cache
lifetime: a new recording or wording gets a new name, never a new body under an old one.
"""

from __future__ import annotations

import re
from typing import Any

from flask import current_app, redirect, request, send_from_directory, session, url_for
from flask.typing import ResponseReturnValue
from werkzeug.exceptions import NotFound

from cards.valuesets import UI_LANGUAGES
from kiosk.context import services
from kiosk.domain.voice.encoding import MEDIA_TYPE
from kiosk.domain.voice.library import IndexReader, LanguageVoice
from kiosk.web.i18n import current_language
from kiosk.web.reception.blueprint import bp

IMMUTABLE = "public, max-age=31536000, immutable"
# The kiosk's own switch, kept in its browser session: see docs/holders-and-kiosk.md.
READ_ALOUD_KEY = "read_aloud"
_AUDIO_NAME = re.compile(r"[0-9a-f]{24}\.ogg")
_EXTENSION = "ehcard.voice"


def _reader() -> IndexReader:
    reader = current_app.extensions.get(_EXTENSION)
    if reader is None:
        reader = current_app.extensions[_EXTENSION] = IndexReader(services().settings.voice_cache)
    return reader


def language_voice(language: str) -> LanguageVoice | None:
    return _reader().language(language)


def voice_url(language: str, message_id: str) -> str:
    """The audio of one message in one language; "" when it has none (no speaker button)."""
    voice = language_voice(language)
    name = voice.files.get(message_id) if voice else None
    return url_for("reception.voice_audio", name=name) if name else ""


def voice_frame() -> dict[str, Any]:
    """What every kiosk page needs to speak: its language's word map and the switch."""
    voice = language_voice(current_language())
    return {
        "voice_map": (
            url_for("reception.voice_map", language=current_language(), digest=voice.digest)
            if voice
            else ""
        ),
        # The map names files; the page puts this in front of each name.
        "voice_base": url_for("reception.voice_audio", name="_")[:-1],
        "read_aloud": bool(session.get(READ_ALOUD_KEY)),
        "voice_url": voice_url,
    }


@bp.get("/voice/<name>")
def voice_audio(name: str) -> ResponseReturnValue:
    if not _AUDIO_NAME.fullmatch(name):
        raise NotFound("no such audio file")
    response = send_from_directory(
        services().settings.voice_cache, name, mimetype=MEDIA_TYPE, max_age=31536000
    )
    response.headers["Cache-Control"] = IMMUTABLE
    return response


@bp.get("/voice/<language>-<digest>.json")
def voice_map(language: str, digest: str) -> ResponseReturnValue:
    """Shown words -> audio file for one language; the digest names this exact map."""
    voice = language_voice(language) if language in UI_LANGUAGES else None
    if voice is None or voice.digest != digest:
        raise NotFound("no such voice map (a newer `ehcard voice build` replaced it)")
    response = current_app.response_class(voice.document, mimetype="application/json")
    response.headers["Cache-Control"] = IMMUTABLE
    return response


@bp.post("/read-aloud")
def read_aloud() -> ResponseReturnValue:
    """Staff turn reading each page aloud on or off for this kiosk."""
    session[READ_ALOUD_KEY] = request.form.get("read_aloud") == "on"
    return redirect(url_for("reception.start"))
