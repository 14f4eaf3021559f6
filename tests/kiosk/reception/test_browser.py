"""The whole flow in a real Chromium: Arabic (right to left), Tigrinya and French.

Screenshots of every page are kept under tests/artifacts/reception/ for people
to look at. The browser tests run on SQLite only: the pages are the same on
both databases, and the HTTP tests cover PostgreSQL step by step.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Browser, Page
from playwright.sync_api import Error as PlaywrightError

from cards.spelling import readable_latin
from kiosk.domain.clock import MovableClock
from tests.browsers import new_page
from tests.kiosk.reception.conftest import build, flow_rows
from tests.servers import serving

ROOT = Path(__file__).resolve().parents[3]
ARTIFACTS = ROOT / "tests" / "artifacts" / "reception"
KIOSK_SCREEN = {"width": 1024, "height": 768}


@pytest.fixture(scope="module")
def shared_database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'ehcard.sqlite'}"


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    with new_page(browser, viewport=KIOSK_SCREEN, locale="en-GB") as tab:
        yield tab


class Walk:
    """A holder tapping through the kiosk, with a screenshot of each page."""

    def __init__(self, page: Page, base: str, label: str) -> None:
        self.page = page
        self.base = base
        self.folder = ARTIFACTS / label
        self.folder.mkdir(parents=True, exist_ok=True)
        self.shots = 0

    def shot(self, name: str, *, whole: bool = False) -> None:
        """The screen as the holder sees it (`whole`: the full page, scrolled)."""
        self.shots += 1
        path = self.folder / f"{self.shots:02d}-{name}.png"
        # Chromium may refuse a capture while a loaded machine is still painting: try again.
        for attempt in range(3):
            try:
                self.page.screenshot(path=path, full_page=whole)
                return
            except PlaywrightError:
                if attempt == 2:
                    raise
                self.page.wait_for_timeout(500)

    def tap(self, selector: str) -> None:
        self.page.locator(selector).first.click()

    def next(self) -> None:
        self.tap("button.next")

    def begin(self, language: str) -> None:
        self.page.goto(f"{self.base}/kiosk/")
        self.shot("language")
        self.tap(f"button[name=lang][value={language}]")
        self.shot("about")
        self.tap("button[name=answer][value=yes]")

    def name(self, name: str, latin: str = "", *, none: bool = False) -> None:
        """Type the name and its documents' spelling, or answer "I have none" (`none`)."""
        self.page.fill("#name", name)
        if latin:
            self.page.fill("#name_latin", latin)
        self.shot("name")
        if none:
            self.tap("button[name=action][value=none]")
        else:
            self.next()

    def birth(self, year: str, month: str = "", day: str = "") -> None:
        self.page.select_option("#year", year)
        if month:
            self.page.select_option("#month", month)
            self.page.select_option("#day", day)
        self.shot("birth")
        self.next()

    def key_in(self, field: str, digits: str) -> None:
        """Tap the field, then the digits on the on-screen keypad (no keyboard)."""
        self.tap(f"#{field}")
        for digit in digits:
            self.tap(f".keypad button[data-digit='{digit}']")

    def pin(self, digits: str) -> None:
        self.page.wait_for_selector(".keypad:not(.hidden)")  # shown once keypad.js runs
        self.key_in("pin", digits)
        self.key_in("pin_again", digits)
        assert self.page.input_value("#pin") == digits  # masked on screen, but all there
        self.shot("pin")
        self.next()

    def choose(self, step: str, values: list[str]) -> None:
        for value in values:
            self.tap(f"label.tile:has(input[value='{value}'])")
        self.shot(step)
        self.next()


def assert_mirrored(page: Page, right_to_left: bool) -> None:
    """Back sits at the reading start, Next at the reading end, in either direction."""
    back = page.locator(".nav-back").bounding_box()
    following = page.locator("button.next").first.bounding_box()
    assert back and following
    assert (back["x"] > following["x"]) is right_to_left
    gaps = page.locator("section.page h1").evaluate(TEXT_GAPS)
    assert (gaps["right"] < gaps["left"]) is right_to_left


# The space left and right of a block's text: where the text is aligned.
TEXT_GAPS = """block => {
  const range = document.createRange();
  range.selectNodeContents(block);
  const text = range.getBoundingClientRect(), box = block.getBoundingClientRect();
  return {left: text.left - box.left, right: box.right - text.right};
}"""


def print_queued_card(page: Page, app: Flask) -> None:
    """The card waits for the printer; the kiosk's worker prints it and the screen follows.

    The worker empties the queue: the holder's recovery slip (and earlier
    holders' slips) print too.
    """
    page.wait_for_selector("#print-status[data-state=queued]")
    worker = app.extensions["ehcard.print_worker"]
    printed = 0
    while worker.run_once() is not None:
        printed += 1
    assert printed >= 2  # at least this card and its slip
    page.wait_for_selector("#print-status[data-state=done]", timeout=15000)


def test_whole_flow_in_arabic_reads_right_to_left(
    page: Page, kiosk_url: str, kiosk_app: Flask
) -> None:
    walk = Walk(page, kiosk_url, "ar")
    walk.begin("ar")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator("html").get_attribute("lang") == "ar"
    assert_mirrored(page, right_to_left=True)
    # Asked for the spelling of the documents; without it, "I have none" moves on.
    page.fill("#name", "أمينة ديالو")
    walk.next()
    assert "اكتب اسمك كما في وثائقك" in page.inner_text("#error-name_latin")
    assert page.input_value("#name") == "أمينة ديالو"  # nothing typed is lost
    walk.name("أمينة ديالو", none=True)
    walk.birth("1994", "3", "12")
    walk.shot("blood")
    walk.tap("button[name=blood_group][value='B+']")
    walk.choose("allergies", ["91936005"])
    page.fill("#q", "ميتفورمين")
    walk.choose("medications", ["A10BA02"])
    walk.choose("conditions", ["E11"])
    page.fill("#contact_name", "موسى")
    page.fill("#contact_phone", "+33 6 12 34 56 78")
    walk.shot("contact")
    walk.next()
    walk.choose("languages", ["ar", "fr"])
    walk.shot("private")
    walk.tap("button[value=skip]")
    assert page.locator(".keypad").get_attribute("dir") == "ltr"  # digits are not mirrored
    walk.pin("428613")
    assert_mirrored_review(page)
    walk.shot("review", whole=True)
    review = page.locator(".card-preview").inner_text()
    assert "أمينة ديالو" in review and "Diabète de type 2" in review
    assert readable_latin("أمينة ديالو") in review  # the readable line, not ICAO's X-form
    assert "MOUSSA" in review  # the contact's Latin line
    walk.tap("#issue")
    print_queued_card(page, kiosk_app)
    walk.shot("done")
    assert "أمينة" not in page.content()


def test_a_persian_holder_is_asked_for_the_spelling_of_their_documents(
    page: Page, kiosk_url: str, kiosk_app: Flask
) -> None:
    walk = Walk(page, kiosk_url, "fa")
    walk.begin("fa")
    assert page.is_visible("#name_latin")  # asked at once on a Persian page
    assert "گذرنامه" in page.inner_text("label[for=name_latin]")
    walk.name("علی رضایی", latin="Ali Rezaei")
    walk.birth("1990")
    walk.tap("button[name=blood_group][value=unknown]")
    walk.tap("button[name=action][value=none]")
    walk.tap("button[name=action][value=unknown]")
    walk.tap("button[name=action][value=none]")
    walk.tap("button[name=action][value=skip]")
    walk.choose("languages", ["fa"])
    walk.tap("button[value=skip]")
    walk.pin("90817263")
    walk.shot("review", whole=True)
    review = page.locator(".card-preview").inner_text()
    assert "علی رضایی" in review and "ALI REZAEI" in review
    assert "ELXY" not in review


def assert_mirrored_review(page: Page) -> None:
    """On the review, the holder's column is right of the card's column in Arabic."""
    holder = page.locator(".preview-row[data-field=name] .preview-values").first.bounding_box()
    card = page.locator(".preview-row[data-field=name] .card-language").bounding_box()
    assert holder and card and holder["x"] > card["x"]


def test_whole_flow_in_tigrinya(page: Page, kiosk_url: str, kiosk_app: Flask) -> None:
    walk = Walk(page, kiosk_url, "ti")
    walk.begin("ti")
    assert page.locator("html").get_attribute("dir") == "ltr"
    walk.name("ሰላም ተስፋይ", latin="Selam Tesfay")
    walk.birth("1988")
    walk.tap("button[name=blood_group][value=unknown]")
    walk.tap("button[name=action][value=none]")
    walk.tap("button[name=action][value=unknown]")
    walk.choose("conditions", ["J45"])
    walk.tap("button[name=action][value=skip]")  # no emergency contact
    walk.choose("languages", ["ti", "en"])
    walk.tap("button[value=skip]")
    walk.pin("90817263")
    walk.shot("review", whole=True)
    review = page.locator(".card-preview").inner_text()
    assert "ሰላም ተስፋይ" in review and "SELAM TESFAY" in review and "ኣዝማ" in review
    walk.tap("#issue")
    print_queued_card(page, kiosk_app)
    walk.shot("done")


def test_whole_flow_in_french_with_search_filters_and_a_private_item(
    page: Page, kiosk_url: str, kiosk_app: Flask
) -> None:
    walk = Walk(page, kiosk_url, "fr")
    walk.begin("fr")
    assert_mirrored(page, right_to_left=False)
    walk.name("Amina Diallo")
    walk.birth("1994")
    walk.tap("button[name=blood_group][value='O+']")
    page.fill("#q", "pénicilline")  # live filter, no page load
    assert page.locator("label.tile:not(.hidden)").count() < 10
    walk.choose("allergies", ["91936005"])
    walk.tap("button.group[data-group=inhaler]")  # pictogram filter
    assert page.locator("label.tile:not(.hidden) .pictogram").first.inner_text() == "🌬"
    first_inhaler = page.locator("label.tile:not(.hidden) input").first.get_attribute("value")
    assert first_inhaler is not None
    walk.choose("medications", [first_inhaler])
    walk.tap("button[name=action][value=none]")
    page.fill("#contact_name", "Moussa")
    page.fill("#contact_phone", "0612345678")
    walk.next()
    error = page.locator("#error-contact_phone").inner_text()
    assert error.endswith(
        "Écrivez le numéro avec l’indicatif du pays, par exemple +33 6 12 34 56 78."
    )
    assert page.input_value("#contact_name") == "Moussa"  # nothing typed is lost
    walk.shot("contact-error")
    page.fill("#contact_phone", "+33 6 12 34 56 78")
    walk.next()
    walk.choose("languages", ["fr"])
    walk.tap("button[value=open]")
    walk.choose("private", ["conditions/Z33"])
    walk.key_in("pin", "5150626")
    walk.key_in("pin_again", "5150629")
    walk.next()
    assert page.locator("#error-pin_again").inner_text().endswith(
        "Les deux codes PIN ne sont pas identiques. Veuillez les taper à nouveau."
    )
    walk.shot("pin-error")
    walk.key_in("pin", "5150626")
    walk.key_in("pin_again", "51506299")
    walk.tap(".keypad button[data-key=delete]")
    walk.tap(".keypad button[data-key=delete]")
    walk.key_in("pin_again", "6")
    assert page.input_value("#pin_again") == "5150626"
    walk.next()
    walk.shot("review", whole=True)
    assert "Enceinte" in page.locator(".card-preview").inner_text()
    walk.tap("#issue")
    print_queued_card(page, kiosk_app)
    walk.shot("done")


def test_back_button_after_a_finished_session_shows_nothing_of_that_person(
    page: Page, kiosk_url: str
) -> None:
    walk = Walk(page, kiosk_url, "back-button")
    walk.begin("en")
    walk.name("Zainab Haidari")
    walk.birth("1979")
    walk.tap("button[name=blood_group][value=unknown]")
    for _ in range(3):
        walk.tap("button[name=action][value=unknown]")
    page.fill("#contact_name", "Karim Haidari")
    page.fill("#contact_phone", "+93701234567")
    walk.next()
    walk.next()
    walk.tap("button[value=skip]")
    walk.pin("246813")
    walk.tap("#issue")
    walk.tap("#finish")
    page.wait_for_url(f"{kiosk_url}/kiosk/")
    for _ in range(page.evaluate("history.length")):
        page.go_back()
        page.wait_for_load_state()
        content = page.content()
        assert "Zainab" not in content and "Haidari" not in content and "93701234567" not in content
        if page.url.startswith(kiosk_url):
            assert page.url in (f"{kiosk_url}/kiosk/", f"{kiosk_url}/kiosk/about")
            walk.shot("after-back")


START = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def impatient_kiosk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Flask, str]]:
    """A kiosk whose screen clears itself after four idle seconds, on a clock that stands still
    (the browser's clock is the page's own: the test moves it)."""
    app = build(
        tmp_path_factory.mktemp("impatient"),
        f"sqlite:///{tmp_path_factory.mktemp('impatient-db') / 'ehcard.sqlite'}",
        idle_timeout_seconds=4,
        CLOCK=MovableClock(START),
    )
    with serving(app) as url:
        yield app, url


def test_idle_countdown_clears_the_screen_and_the_answers(
    page: Page, impatient_kiosk: tuple[Flask, str]
) -> None:
    app, url = impatient_kiosk
    # The page counts down on the browser's clock: it stands still until the test moves it.
    page.clock.install(time=START)
    page.clock.pause_at(START + timedelta(seconds=1))
    walk = Walk(page, url, "idle")
    walk.begin("ps")
    walk.name("احمد کریمي", none=True)
    assert flow_rows(app) == 1
    assert page.locator("#idle-left").inner_text() == "0:04"
    page.clock.run_for(2000)
    page.wait_for_selector(".idle-warning:not(.hidden)", timeout=5000)
    assert page.locator("#idle-left").inner_text() == "0:02"
    walk.shot("countdown")
    page.locator("section.page h1").click()  # a touch: the holder is still there
    page.wait_for_selector(".idle-warning.hidden", state="attached", timeout=2000)
    assert page.locator("#idle-left").inner_text() == "0:04"
    assert page.url.endswith("/kiosk/birth") and flow_rows(app) == 1
    page.clock.run_for(4000)
    page.wait_for_url(f"{url}/kiosk/", timeout=8000)
    assert flow_rows(app) == 0
    page.go_back()
    assert "کریمي" not in page.content()
