"""The question board's languages: an Arabic-speaking patient reads it right to left (the body
map alone keeps its anatomy), an Arabic page puts the doctor's side right to left, and the
speaker button appears only for a language the phone has a voice for."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page

from tests.kiosk.verify.board_pages import (
    hand_over,
    issue,
    open_board,
    pick,
    show_card,
    step,
    text,
)
from tests.kiosk.verify.conftest import Site, open_verifier

pytestmark = pytest.mark.parametrize("site", ["sqlite"], indirect=True)

# The phone's speech synthesis with one French voice, recording what it is asked to say.
# Headless Chromium has no voices at all, so the browser's API is replaced, not our code.
ONE_FRENCH_VOICE = """
window.spokenForTest = [];
const voice = { name: "Test", lang: "fr-FR", localService: true, default: true, voiceURI: "t" };
Object.defineProperty(window, "speechSynthesis", { configurable: true, value: {
  getVoices: () => [voice],
  speak: (utterance) => window.spokenForTest.push([utterance.text, utterance.lang]),
  cancel: () => {},
  addEventListener: () => {},
}});
window.SpeechSynthesisUtterance = class { constructor(text) { this.text = text; } };
"""


def left(page: Page, selector: str) -> float:
    box = page.locator(selector).bounding_box()
    assert box is not None
    return float(box["x"])


def test_arabic_patient_reads_right_to_left(site: Site, browser: Browser) -> None:
    page = open_verifier(browser, f"{site.base}/V", locale="en-GB")
    show_card(page, site, issue(site, ["ar"]))
    open_board(page)
    pick(page, "pain", "epilepsy")
    hand_over(page)
    holder = page.locator(".board-holder")
    assert holder.get_attribute("dir") == "rtl" and holder.get_attribute("lang") == "ar"
    assert holder.evaluate("el => getComputedStyle(el).direction") == "rtl"
    assert page.inner_text(".board-question-text") == text("board.pain_where", "ar")
    # The figure seen from the front: the patient's right on the viewer's left, as in any
    # anatomy chart, whatever the reading direction.
    front = 'svg[data-view="front"]'
    assert page.get_attribute(front, "dir") == "ltr"
    assert left(page, f'{front} [data-region="arm_right"]') < left(
        page, f'{front} [data-region="arm_left"]'
    )
    assert left(page, 'svg[data-view="front"]') > left(page, 'svg[data-view="back"]')
    page.click(".board-next")
    assert step(page) == "pain_score"
    assert left(page, '.board-score[data-score="0"]') > left(page, '.board-score[data-score="1"]')
    page.click('.board-score[data-score="3"]')
    assert step(page) == "epilepsy"
    yes, no, unknown = (
        left(page, f'.board-choice[data-answer="{a}"]') for a in ("yes", "no", "dont_know")
    )
    assert yes > no > unknown
    assert left(page, ".board-next") < left(page, ".board-previous")
    page.context.close()


def test_arabic_page_puts_the_doctors_side_right_to_left(site: Site, browser: Browser) -> None:
    page = open_verifier(browser, f"{site.base}/V", locale="ar")
    show_card(page, site, issue(site, ["fr"]))
    open_board(page)
    doctor = page.locator(".board-doctor")
    assert doctor.evaluate("el => getComputedStyle(el).direction") == "rtl"
    assert page.inner_text(".board-doctor h2") == text("board.open", "ar")
    heart = '.board-pick:has(input[data-board-question="heart"])'
    assert left(page, f"{heart} input") > left(page, f"{heart} span")
    assert page.inner_text(heart) == text("board.q.heart", "ar")
    page.context.close()


def test_speaker_button_only_for_a_language_the_phone_can_speak(
    site: Site, browser: Browser
) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="en-GB")
    context.add_init_script(ONE_FRENCH_VOICE)
    page = context.new_page()
    show_card(page, site, issue(site, ["ti", "fr"]))
    open_board(page)
    pick(page, "breathing")
    hand_over(page)
    assert page.locator(".board-speaker").count() == 0  # no Tigrinya voice: no button
    page.click('.board-switch [data-language="fr"]')
    page.wait_for_selector(".board-holder[lang=fr]")
    assert page.inner_text(".board-question-text") == text("board.q.breathing", "fr")
    page.click(".board-speaker")
    spoken = page.evaluate("window.spokenForTest")
    keys = ("board.q.breathing", "board.answer.yes", "board.answer.no", "board.answer.dont_know")
    assert spoken == [[". ".join(text(key, "fr") for key in keys), "fr-FR"]]
    context.close()
