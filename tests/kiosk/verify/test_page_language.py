"""The verifier page beside Arabic: phone numbers read left to right, and the development
banner speaks the doctor's language like every other word of the page."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from playwright.sync_api import Browser, Page

from cards import valuesets
from cards.valuesets import UI_LANGUAGES
from kiosk import db
from kiosk.domain.cards import registry
from tests.kiosk.verify.conftest import Site, live_site, open_verifier

HOLDER = {
    "name": "أمينة ديالو",
    "birth_date": "1994-03-12",
    "allergies": [],
    "emergency_contact": {"name": "موسى ديالو", "phone": "+33612345678"},
    "languages": ["ar"],
}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """One development site (the page is the same on both databases)."""
    with live_site("sqlite", tmp_path_factory.mktemp("verifier-language")) as opened:
        yield opened


@pytest.fixture(scope="module")
def arabic_card_page(site: Site, browser: Browser) -> Iterator[Page]:
    services = site.app.extensions["ehcard"]
    with db.session_scope(services.sessions) as session:
        qr_text = registry.issue_card(
            session, services.settings, services.keyring, HOLDER,
            today=datetime.now(UTC).date(),
        ).qr_text  # fmt: skip
    page = open_verifier(browser, f"{site.base}/V#{qr_text.split('#', 1)[1]}", locale="ar")
    page.wait_for_selector("#verdict[data-status=valid]")
    yield page
    page.context.close()


def choose(page: Page, language: str) -> None:
    page.select_option("#language", language)
    page.wait_for_function(f"() => document.documentElement.lang === '{language}'")


# The left edge of each character of the phone number as drawn, in the string's order. The
# link is looked up here, in one task: the page's background list refresh may draw the card
# again, and a handle taken earlier would then measure a detached node.
GLYPH_LEFTS = """([selector, phone]) => {
  const walker = document.createTreeWalker(document.querySelector(selector), NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode, at = node.textContent.indexOf(phone);
    if (at === -1) continue;
    return Array.from(phone, (_, i) => {
      const range = document.createRange();
      range.setStart(node, at + i);
      range.setEnd(node, at + i + 1);
      return range.getBoundingClientRect().left;
    });
  }
  return [];
}"""


@pytest.mark.parametrize("language", ["ar", "fa", "en"])
def test_phone_number_is_drawn_left_to_right_beside_an_arabic_name(
    arabic_card_page: Page, language: str
) -> None:
    choose(arabic_card_page, language)
    lefts = arabic_card_page.evaluate(GLYPH_LEFTS, ["#contact .tel", "+33612345678"])
    assert len(lefts) == len("+33612345678")
    assert lefts == sorted(lefts) and len(set(lefts)) == len(lefts)  # "+" first, on the left
    assert arabic_card_page.locator("#contact .contact-name").inner_text() == "موسى ديالو"
    assert arabic_card_page.get_attribute("#contact .tel", "href") == "tel:+33612345678"


def test_development_banner_is_in_the_pages_language(arabic_card_page: Page) -> None:
    banner = arabic_card_page.locator(".dev-banner")
    for language in UI_LANGUAGES:
        choose(arabic_card_page, language)
        assert banner.inner_text() == valuesets.term("verifier.development", language)
    assert set(UI_LANGUAGES) == {"ar", "fa", "ps", "ti", "uk", "ru", "ka", "es", "pt", "en", "fr"}
    choose(arabic_card_page, "ar")
    assert banner.inner_text().startswith("وضع التطوير")
