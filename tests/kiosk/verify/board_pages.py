"""Helpers for the question board tests: cards with languages, the board's catalogue, a phone
with the card open, and the taps of a doctor and a patient."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, Page

from kiosk import db
from kiosk.domain.cards import registry
from tests.kiosk.verify.conftest import Site, open_verifier

BOARD_MODULES = sorted(
    (Path(__file__).resolve().parents[3] / "static" / "verify").glob("board*.js")
)
BOARD = json.loads(
    resources.files("cards.valuesets").joinpath("data/board.json").read_text("utf-8")
)


def text(key: str, language: str) -> str:
    return str(BOARD["terms"][key][language])


def issue(site: Site, languages: list[str]) -> str:
    """A card for a holder who speaks `languages` (first one first); returns its QR text."""
    profile: dict[str, Any] = {
        "name": "Selam Tesfay", "birth_date": "1999-05-02", "allergies": [], "languages": languages,
    }  # fmt: skip
    services = site.app.extensions["ehcard"]
    with db.session_scope(services.sessions) as session:
        return registry.issue_card(
            session, services.settings, services.keyring, profile, today=datetime.now(UTC).date()
        ).qr_text


def show_card(page: Page, site: Site, qr_text: str) -> None:
    """Open the card's link as the phone camera would, and wait for the VALID verdict."""
    page.goto("about:blank")
    page.goto(f"{site.base}/V#{qr_text.split('#', 1)[1]}")
    page.wait_for_selector("html[data-ready=true]")
    page.wait_for_selector('#verdict[data-status="valid"]')


def phone_with_worker(browser: Browser, site: Site, locale: str) -> Page:
    """A phone that opened the verifier once online and has its service worker in control."""
    page = open_verifier(browser, f"{site.base}/V", locale=locale)
    page.wait_for_function("() => navigator.serviceWorker.controller !== null", timeout=20_000)
    return page


def open_board(page: Page) -> None:
    page.click("#open-board")
    page.wait_for_selector(".board-doctor")


def pick(page: Page, *questions: str) -> None:
    for question in questions:
        page.check(f'input[data-board-question="{question}"]')


def hand_over(page: Page) -> None:
    page.click(".board-hand-over")
    page.wait_for_selector(".board-holder")


def step(page: Page) -> str:
    return str(page.get_attribute(".board-step", "data-step"))


def give_back(page: Page) -> None:
    page.click(".board-done")
    page.wait_for_selector(".board-doctor")


def answer(page: Page, key: str) -> str:
    return page.inner_text(f'dd[data-board-answer="{key}"]')
