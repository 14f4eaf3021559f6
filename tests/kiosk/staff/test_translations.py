"""Every console text has its French translation, and the compiled catalogues are current."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

STAFF = Path(__file__).resolve().parents[3] / "kiosk" / "web" / "staff"
CATALOGUES = STAFF / "translations"
METHODS = [("**.py", "python"), ("templates/**.html", "jinja2")]
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None}


def source_messages() -> set[str]:
    found = set()
    for _, _, message, _, _ in extract_from_dir(STAFF, METHODS, keywords=KEYWORDS):
        found.add(message[0] if isinstance(message, tuple) else message)
    return found


@pytest.mark.parametrize("language", ["fr", "en"])
def test_every_console_text_is_translated(language: str) -> None:
    with (CATALOGUES / language / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalogue = read_po(handle)
    translated = {
        (m.id[0] if isinstance(m.id, tuple) else m.id)
        for m in catalogue
        if m.id and all(m.string if isinstance(m.string, tuple) else [m.string])
    }
    assert sorted(source_messages() - translated) == []


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_compiled_catalogue_matches_its_source(language: str) -> None:
    folder = CATALOGUES / language / "LC_MESSAGES"
    with (folder / "messages.po").open("rb") as po, (folder / "messages.mo").open("rb") as mo:
        source, compiled = read_po(po), read_mo(mo)
    assert entries(source) == entries(compiled)


def entries(catalogue: Catalog) -> dict[object, object]:
    def key(value: object) -> object:
        return tuple(value) if isinstance(value, list | tuple) else value

    return {key(m.id): key(m.string) for m in catalogue if m.id}
