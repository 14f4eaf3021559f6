"""Every text of the reception pages is translated into every kiosk language."""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from cards.valuesets import UI_LANGUAGES

RECEPTION = Path(__file__).resolve().parents[3] / "kiosk" / "web" / "reception"
TRANSLATIONS = RECEPTION / "translations"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")
# Scripts whose languages must not show a page left in English.
SCRIPT_OF_LANGUAGE = {
    "ar": "ARABIC", "fa": "ARABIC", "ps": "ARABIC", "ti": "ETHIOPIC",
    "uk": "CYRILLIC", "ru": "CYRILLIC", "ka": "GEORGIAN",
}  # fmt: skip


@cache
def source_messages() -> frozenset[str]:
    """Every msgid used by the reception templates and Python code."""
    method_map = [("**/templates/**.html", "jinja2.ext:babel_extract"), ("**.py", "python")]
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(RECEPTION), method_map=method_map
    ):
        found.add(message if isinstance(message, str) else message[0])
    return frozenset(found)


def catalogue(language: str) -> Catalog:
    with open(TRANSLATIONS / language / "LC_MESSAGES" / "messages.po", "rb") as handle:
        return read_po(handle, locale=language)


def test_source_has_messages_from_templates_and_code() -> None:
    messages = source_messages()
    assert "Choose your language" in messages  # a template
    assert "Please write your name." in messages  # validate.py
    assert len(messages) > 90


@pytest.mark.parametrize("language", UI_LANGUAGES)
def test_every_message_has_a_translation(language: str) -> None:
    translated = {m.id: m.string for m in catalogue(language) if m.id}
    missing = sorted(m for m in source_messages() if not translated.get(m))
    assert missing == []


@pytest.mark.parametrize("language", UI_LANGUAGES)
def test_translations_keep_their_placeholders(language: str) -> None:
    for message in catalogue(language):
        if message.id:
            assert sorted(PLACEHOLDER.findall(message.string)) == sorted(
                PLACEHOLDER.findall(message.id)
            ), message.id


@pytest.mark.parametrize("language", sorted(SCRIPT_OF_LANGUAGE))
def test_translations_are_written_in_the_languages_script(language: str) -> None:
    script = SCRIPT_OF_LANGUAGE[language]

    def in_script(text: str) -> bool:
        return any(unicodedata.name(c, "").startswith(script) for c in text)

    untranslated = [m.id for m in catalogue(language) if m.id and not in_script(m.string)]
    assert untranslated == []


@pytest.mark.parametrize("language", UI_LANGUAGES)
def test_compiled_catalogue_matches_its_source(language: str) -> None:
    with open(TRANSLATIONS / language / "LC_MESSAGES" / "messages.mo", "rb") as handle:
        compiled = {m.id: m.string for m in read_mo(handle) if m.id}
    source = {m.id: m.string for m in catalogue(language) if m.id}
    assert compiled == source, "run: pybabel compile -d kiosk/web/reception/translations"
