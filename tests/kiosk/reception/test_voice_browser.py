"""The kiosk's voice in a real Chromium (autoplay allowed by the launch flag, as on the kiosk
device): a step's prompt and a tile play to the end, "read each page aloud" speaks a page
as it opens, the PIN page reads no digit, a language with no audio shows no speaker.

Flows are walked over HTTP (tests/holder.py) and handed to the browser by their cookie.
A screenshot of the speaking kiosk goes to docs/screenshots/kiosk-voice-ar.png.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Browser, BrowserContext, Page

from tests.holder import Holder
from tests.kiosk.reception.conftest import build
from tests.kiosk.reception.voice import VoiceBuild, link_voice
from tests.servers import serving

ROOT = Path(__file__).resolve().parents[3]
SCREENSHOT = ROOT / "docs" / "screenshots" / "kiosk-voice-ar.png"
KIOSK_SCREEN = {"width": 1024, "height": 768}
# Media events do not bubble, but a capturing listener on the document sees them all.
RECORD_ENDED = """
window.ended = [];
document.addEventListener("ended", (event) => window.ended.push(event.target.currentSrc), true);
"""
PLAYED_TO_END = "(count) => window.ended.length >= count"


@pytest.fixture(scope="module")
def shared_database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'ehcard.sqlite'}"


@pytest.fixture(scope="module")
def voiced_url(
    tmp_path_factory: pytest.TempPathFactory, voice_build: VoiceBuild, shared_database_url: str
) -> Iterator[str]:
    instance = tmp_path_factory.mktemp("instance")
    link_voice(voice_build, instance)
    app: Flask = build(instance, shared_database_url)
    with serving(app) as base:
        yield base
    app.extensions["ehcard"].engine.dispose()


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    opened = browser.new_context(viewport=KIOSK_SCREEN, locale="en-GB")
    opened.add_init_script(RECORD_ENDED)
    yield opened
    opened.close()


def holder_page(context: BrowserContext, base: str, language: str, step: str) -> Page:
    """A holder's flow walked over HTTP to `step`, opened in the browser."""
    holder = Holder(base)
    holder.walk_to_review(language, stop_at=step)
    context.add_cookies(
        [{"name": c.name, "value": c.value or "", "url": base} for c in holder.http.cookies]
    )
    page = context.new_page()
    page.goto(f"{base}/kiosk/{step}")
    return page


def file_of(url: str) -> str:
    return url.rsplit("/", 1)[-1]


def test_a_steps_prompt_and_a_tile_play_to_the_end(
    context: BrowserContext, voiced_url: str
) -> None:
    page = holder_page(context, voiced_url, "fr", "allergies")
    page.wait_for_selector(".speak-page:not(.hidden)")
    heading = page.locator("h1[data-said]")
    assert heading.count() == 1
    # Back, Start over and Cancel are read too, at the end of the page.
    assert page.locator(".kiosk-nav [data-said]").count() == 3
    page.click(".speak-page")
    page.wait_for_function(PLAYED_TO_END, arg=1)
    played = page.evaluate("window.ended")
    assert file_of(played[0]) == heading.get_attribute("data-said")

    tile = page.locator("label.tile:has(input[value='294505008'])")
    speaker = tile.locator(".speak")
    assert speaker.get_attribute("aria-label") == "Écouter"
    box = speaker.bounding_box()
    assert box and box["width"] >= 56 and box["height"] >= 56
    speaker.click()
    page.wait_for_function(
        "(name) => window.ended.some((src) => src.endsWith(name))",
        arg=tile.get_attribute("data-said"),
    )
    assert not tile.locator("input").is_checked()  # the speaker does not tick the tile


def test_read_each_page_aloud_speaks_a_page_as_it_opens(
    context: BrowserContext, voiced_url: str
) -> None:
    page = context.new_page()
    page.goto(f"{voiced_url}/kiosk/")
    page.click("#read-aloud")
    assert page.get_attribute("#read-aloud", "aria-pressed") == "true"
    page.click("button[name=lang][value=ar]")
    page.wait_for_selector("[data-said].speaking")  # reading, part outlined
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOT)
    page.wait_for_function(PLAYED_TO_END, arg=2)
    said = page.locator("section.page [data-said]")
    first_two = [said.nth(0).get_attribute("data-said"), said.nth(1).get_attribute("data-said")]
    assert [file_of(src) for src in page.evaluate("window.ended")[:2]] == first_two
    page.goto(f"{voiced_url}/kiosk/")
    page.click("#read-aloud")
    assert page.get_attribute("#read-aloud", "aria-pressed") == "false"


def test_the_pin_page_reads_no_digit(context: BrowserContext, voiced_url: str) -> None:
    page = holder_page(context, voiced_url, "fr", "pin")
    page.wait_for_selector(".speak-page:not(.hidden)")
    said = page.locator("[data-said]").all_inner_texts()
    assert said, "the PIN page's prompt is read"
    assert [text for text in said if re.search(r"\d", text)] == []
    assert page.locator(".keypad [data-said], .keypad .speak").count() == 0
    # The label "Your PIN: 6 to 12 digits" has audio, but not on this page.
    assert page.locator("label[for=pin] .label:not([data-said])").count() == 1


def test_a_language_with_no_audio_shows_no_speaker_button(
    context: BrowserContext, voiced_url: str
) -> None:
    page = holder_page(context, voiced_url, "ti", "allergies")
    page.wait_for_load_state("networkidle")
    assert page.locator(".speak, [data-said]").count() == 0
    start = context.new_page()
    start.goto(f"{voiced_url}/kiosk/")
    start.wait_for_selector(".language-choice .speak")
    spoken = start.locator(".language-choice:has(.speak) button.language")
    languages = set(spoken.evaluate_all("buttons => buttons.map((b) => b.value)"))
    assert languages == {"ar", "fa", "uk", "ru", "ka", "es", "pt", "en", "fr"}
