"""What a holder sees and taps in a real Chromium: filters, tile sizes, tap order, digits.

Each test drives the kiosk as in test_browser.py, at the screen sizes kiosks have. Tests of
one answer page reach it over HTTP (tests/holder.py) and open it by the flow's cookie: the
taps that lead there are the whole-flow tests' and this module's longer walks.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from playwright.sync_api import Browser, Page

from cards import valuesets
from tests.browsers import new_page
from tests.holder import Holder
from tests.kiosk.reception.test_browser import Walk

LANDSCAPE = {"width": 1280, "height": 800}
PORTRAIT = {"width": 1080, "height": 1920}
TOUCH_TARGET_PX = 56  # docs/holders-and-kiosk.md: every button at least 56 px high


@pytest.fixture(scope="module")
def shared_database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'ehcard.sqlite'}"


def walk_to(walk: Walk, language: str, step: str) -> None:
    """From the language picker to the allergies or medicines step."""
    walk.begin(language)
    walk.name("Amina Diallo")
    walk.birth("1994")
    walk.tap("button[name=blood_group][value='O+']")
    if step == "medications":
        walk.tap("button[name=action][value=none]")
    walk.page.wait_for_selector("#tiles")


@contextmanager
def answer_page(
    browser: Browser, kiosk_url: str, language: str, step: str, screen: dict[str, int]
) -> Iterator[Page]:
    """The allergies or medicines step of a flow walked over HTTP as walk_to walks it, open
    in a fresh browser context."""
    holder = Holder(kiosk_url)
    holder.walk_to_review(
        language, stop_at=step, birth={"year": "1994"}, allergies={"action": "none"}
    )
    with new_page(browser, viewport=screen) as page:
        cookies = holder.http.cookies
        page.context.add_cookies(
            [{"name": c.name, "value": c.value or "", "url": kiosk_url} for c in cookies]
        )
        page.goto(f"{kiosk_url}/kiosk/{step}")
        page.wait_for_selector("#tiles")
        yield page


def shown_values(page: Page) -> list[str]:
    return page.locator("label.tile:not(.hidden) input").evaluate_all(
        "boxes => boxes.map(box => box.value)"
    )


def test_live_filter_matches_english_words_and_codes_in_tigrinya(
    browser: Browser, kiosk_url: str
) -> None:
    with answer_page(browser, kiosk_url, "ti", "allergies", LANDSCAPE) as page:
        page.fill("#q", "peanut")  # English, on a Tigrinya page: no page load
        assert "91935009" in shown_values(page)
        assert len(shown_values(page)) < 5
        page.fill("#q", "ኦቾሎኒ")  # the holder's own language
        assert "91935009" in shown_values(page)
        page.fill("#q", "91935009")  # the code
        assert shown_values(page) == ["91935009"]
        page.fill("#q", "no such thing at all")
        assert shown_values(page) == [] and page.locator("#no-match").is_visible()


FIRST_TILE_BELOW_CHROME = """() => {
  const tile = document.querySelector('label.tile:not(.hidden)').getBoundingClientRect();
  const bar = document.querySelector('.actions.sticky').getBoundingClientRect();
  return {top: tile.top, bottom: tile.bottom, barTop: bar.top, height: innerHeight,
          scrolled: scrollY};
}"""


@pytest.mark.parametrize("screen", [LANDSCAPE, PORTRAIT], ids=["1280x800", "1080x1920"])
@pytest.mark.parametrize("step", ["allergies", "medications"])
def test_first_answer_tile_is_visible_without_scrolling(
    browser: Browser, kiosk_url: str, screen: dict[str, int], step: str
) -> None:
    with answer_page(browser, kiosk_url, "fa", step, screen) as page:
        walk = Walk(page, kiosk_url, f"screens-first-tile-{step}-{screen['width']}")
        assert page.locator("button.group").count() > 5  # a row of filter chips above the tiles
        box = page.evaluate(FIRST_TILE_BELOW_CHROME)
        walk.shot(step)
        assert box["scrolled"] == 0
        # Whole, above the pinned answer buttons and inside the screen.
        assert box["top"] >= 0 and box["bottom"] <= min(box["barTop"], box["height"]), box


TILE_OVERFLOWS = """() => Array.from(document.querySelectorAll('label.tile')).filter(tile => {
  const label = tile.querySelector('.tile-label');
  const outer = tile.getBoundingClientRect(), inner = label.getBoundingClientRect();
  return label.scrollWidth > label.clientWidth + 1 || tile.scrollWidth > tile.clientWidth + 1
    || inner.left < outer.left - 1 || inner.right > outer.right + 1;
}).map(tile => tile.innerText.trim())"""


@pytest.mark.parametrize("language", ["es", "ka", "en"])
def test_long_medicine_names_wrap_inside_their_tiles(
    browser: Browser, kiosk_url: str, language: str
) -> None:
    with answer_page(browser, kiosk_url, language, "medications", LANDSCAPE) as page:
        walk = Walk(page, kiosk_url, f"screens-wrap-{language}")
        longest = page.locator(".tile-label").evaluate_all(
            "labels => Math.max(...labels.map(label => label.innerText.length))"
        )
        assert longest > 25  # long names are there to wrap
        assert page.evaluate(TILE_OVERFLOWS) == []
        walk.shot("medications", whole=True)


def test_spoken_languages_keep_the_order_tapped(browser: Browser, kiosk_url: str) -> None:
    with new_page(browser, viewport=LANDSCAPE) as page:
        walk = Walk(page, kiosk_url, "screens-language-order")
        walk_to(walk, "en", "medications")
        walk.tap("button[name=action][value=unknown]")
        walk.tap("button[name=action][value=none]")
        walk.tap("button[name=action][value=skip]")  # no emergency contact
        # Tigrinya, then French, then Arabic: not the list's order.
        for code in ("ti", "fr", "ar", "uk"):
            walk.tap(f"label.tile:has(input[value='{code}'])")
        walk.tap("label.tile:has(input[value='uk'])")  # untapped again
        walk.next()
        walk.tap("button[value=skip]")
        walk.pin("428613")
        spoken = page.locator(
            ".preview-row[data-field=languages] .preview-values:not(.card-language) bdi"
        )
        assert spoken.all_inner_texts() == ["ትግርኛ", "Français", "العربية"]
        # Medicines were answered "I don't know": shown back so, the card's column says why.
        medicines = page.locator(".preview-row[data-field=medications] .preview-values")
        assert medicines.first.inner_text() == "I don't know"
        assert medicines.last.inner_text().endswith(valuesets.term("state.not_asked", "fr"))
        # Back on the page, tapping one more adds it at the end.
        walk.tap(".preview-row[data-field=languages] a.change")
        walk.tap("label.tile:has(input[value='en'])")
        walk.next()
        assert spoken.all_inner_texts() == ["ትግርኛ", "Français", "العربية", "English"]


def test_persian_digits_from_a_system_keyboard_are_accepted(
    browser: Browser, kiosk_url: str
) -> None:
    """A Persian keyboard types ۴۲۸۶۱۳: the form is sent and the server reads 428613."""
    with new_page(browser, viewport=LANDSCAPE) as page:
        walk = Walk(page, kiosk_url, "screens-persian-digits")
        walk_to(walk, "fa", "medications")
        walk.tap("button[name=action][value=unknown]")
        walk.tap("button[name=action][value=none]")
        page.fill("#contact_name", "مریم")
        page.fill("#contact_phone", "+۳۳ ۶ ۱۲ ۳۴ ۵۶ ۷۸")
        walk.next()
        walk.choose("languages", ["fa"])
        walk.tap("button[value=skip]")
        page.locator("#pin").press_sequentially("۴۲۸۶۱۳")  # typed, not the on-screen keypad
        page.locator("#pin_again").press_sequentially("٤٢٨٦١٣")  # Arabic-Indic digits
        assert page.input_value("#pin") == "۴۲۸۶۱۳"  # nothing lost on the way
        assert page.locator("#pin").evaluate("field => field.checkValidity()")
        walk.next()
        page.wait_for_url("**/kiosk/review")
        contact = page.locator(".preview-row[data-field=emergency_contact]").inner_text()
        assert "+33612345678" in contact


def heights(page: Page, selector: str) -> list[float]:
    return page.locator(selector).evaluate_all(
        "buttons => buttons.map(button => button.getBoundingClientRect().height)"
    )


def test_change_and_clinician_buttons_are_touch_sized(browser: Browser, kiosk_url: str) -> None:
    with new_page(browser, viewport=LANDSCAPE) as page:
        page.goto(f"{kiosk_url}/kiosk/")
        clinician = heights(page, "a[href$='/kiosk/clinician-login']")
        assert clinician and min(clinician) >= TOUCH_TARGET_PX
        walk = Walk(page, kiosk_url, "screens-touch")
        walk_to(walk, "en", "medications")
        walk.tap("button[name=action][value=unknown]")
        walk.tap("button[name=action][value=none]")
        walk.tap("button[name=action][value=skip]")
        walk.choose("languages", ["en"])
        walk.tap("button[value=skip]")
        walk.pin("428613")
        page.wait_for_url("**/kiosk/review")  # loaded, its style sheets too: then measure
        change = heights(page, "a.change")
        assert len(change) >= 6 and min(change) >= TOUCH_TARGET_PX
