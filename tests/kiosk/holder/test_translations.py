"""The holder, record and shared-layout catalogue: every string in every language, compiled."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from cards.valuesets import UI_LANGUAGES

ROOT = Path(__file__).resolve().parents[3]
CATALOGUES = ROOT / "kiosk" / "web" / "holder" / "translations"
PLACEHOLDER = re.compile(r"%\(\w+\)s")


def source_strings() -> set[str]:
    method_map = [
        ("kiosk/web/holder/**.py", "python"),
        ("kiosk/web/records/**.py", "python"),
        ("kiosk/web/holder/templates/**.html", "jinja2"),
        ("kiosk/web/records/templates/**.html", "jinja2"),
        ("kiosk/web/templates/base.html", "jinja2"),
        ("kiosk/web/templates/error.html", "jinja2"),
    ]
    return {str(found[2]) for found in extract_from_dir(str(ROOT), method_map)}


@pytest.mark.parametrize("lang", [lang for lang in UI_LANGUAGES if lang != "en"])
def test_every_string_is_translated_with_its_placeholders(lang: str) -> None:
    po_path = CATALOGUES / lang / "LC_MESSAGES" / "messages.po"
    with po_path.open("rb") as handle:
        catalogue = read_po(handle)
    translated = {m.id: m.string for m in catalogue if m.id}
    assert source_strings() <= set(translated), "run pybabel extract/update: strings are missing"
    for msgid, msgstr in translated.items():
        assert msgstr, f"{lang}: {msgid!r} is not translated"
        assert sorted(PLACEHOLDER.findall(msgid)) == sorted(PLACEHOLDER.findall(str(msgstr))), msgid
    with (po_path.with_suffix(".mo")).open("rb") as handle:
        compiled = {m.id: m.string for m in read_mo(handle) if m.id}
    assert compiled == translated, f"{lang}: messages.mo is stale: run pybabel compile"
