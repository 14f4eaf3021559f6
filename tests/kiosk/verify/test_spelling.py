"""The browser spells names as cards/spelling.py does, and the verifier page reads them out."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page

from cards.spelling import readable_latin
from tests.cards.common_names import COMMON_NAMES, WHOLE_NAMES
from tests.engines import ChromiumPage
from tests.kiosk.verify.conftest import Site, live_site, open_verifier
from tests.kiosk.verify.phone import issue, show

OTHER_NAMES = (
    "غسان", "جبران", "بهزاد", "پښتون", "حبيب الرحمن", "مُحَمَّد", "كريمي", "أمينة ديالو",
    "عبدالرحمن", "نجيب الله", "الهام", "ሰላም ተስፋይ", "ዮናስ ገብረሚካኤል", "ሐጎስ", "ቍ",
    "ნინო ბერიძე", "Олена Шевченко", "José Núñez-García", "張偉", "ዮናስ 張", "  ",
)
SPELL_ALL = """async (names) => {
  const { readableLatin } = await import("/static/verify/spelling.js");
  const bundle = await (await fetch("/V/labels-en.json")).json();
  return names.map((name) => readableLatin(name, bundle.names_latin, bundle.icao9303));
}"""


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """The verifier site on SQLite only: the page does this work itself, whichever database
    issued the card (issuing on PostgreSQL is tested over HTTP)."""
    with live_site("sqlite", tmp_path_factory.mktemp("verifier")) as opened:
        yield opened


@pytest.fixture(scope="module")
def verifier_page(site: Site, browser: Browser) -> Iterator[Page]:
    page = open_verifier(browser, f"{site.base}/V", service_workers=False)
    yield page
    page.context.close()


def test_the_browser_spells_every_name_as_python_does(verifier_page: Page) -> None:
    names = [n.script for n in (*COMMON_NAMES, *WHOLE_NAMES)] + list(OTHER_NAMES)
    spelled = verifier_page.evaluate(SPELL_ALL, names)
    assert dict(zip(names, spelled, strict=True)) == {n: readable_latin(n) for n in names}
    for common, latin in zip(COMMON_NAMES, spelled, strict=False):
        assert latin in common.accepted


def test_the_verifier_shows_readable_latin_lines_for_the_holder_and_the_contact(
    verifier_page: Page, site: Site
) -> None:
    qr_text = issue(site, {
        "name": "محمد عبد الرحمن الخطيب", "birth_date": "1985",
        "emergency_contact": {"name": "فاطمة الخطيب", "phone": "+963944123456"},
    })  # fmt: skip
    assert show(ChromiumPage.of(verifier_page), site, qr_text) == "valid"
    assert verifier_page.inner_text("#holder-latin") == "MOHAMMED ABDULRAHMAN AL-KHATIB"
    assert verifier_page.inner_text("#contact-latin") == "FATIMA AL-KHATIB"


def test_a_spelling_from_the_documents_is_shown_as_stored(verifier_page: Page, site: Site) -> None:
    qr_text = issue(site, {
        "name": "محمد عبد الرحمن الخطيب", "name_latin": "Mohamad Abdelrahman Alkhatib",
        "birth_date": "1985",
    })  # fmt: skip
    assert show(ChromiumPage.of(verifier_page), site, qr_text) == "valid"
    assert verifier_page.inner_text("#holder-latin") == "MOHAMAD ABDELRAHMAN ALKHATIB"
    assert verifier_page.is_hidden("#contact-latin")
