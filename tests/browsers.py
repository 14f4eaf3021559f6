"""Debian's Chromium, headless, driven by Playwright: one launch for tests and benchmarks."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from playwright.sync_api import Browser, Page, Playwright, sync_playwright

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    # The kiosk's voice reads a page aloud as it opens (the kiosk device sets the same flag).
    "--autoplay-policy=no-user-gesture-required",
)


def launch(playwright: Playwright, *extra_args: str) -> Browser:
    """A new headless Chromium with the usual flags and `extra_args` (say, a fake camera)."""
    return playwright.chromium.launch(executable_path=CHROMIUM, args=[*CHROMIUM_ARGS, *extra_args])


@contextmanager
def chromium(*extra_args: str) -> Iterator[Browser]:
    """A Chromium of its own (with its own Playwright), closed on the way out."""
    with sync_playwright() as playwright:
        browser = launch(playwright, *extra_args)
        try:
            yield browser
        finally:
            browser.close()


@contextmanager
def new_page(browser: Browser, **context: Any) -> Iterator[Page]:
    """A page in a fresh browser context (cookies, storage), closed on the way out."""
    opened = browser.new_context(**context)
    try:
        yield opened.new_page()
    finally:
        opened.close()


PHONE = {"width": 390, "height": 844}


@contextmanager
def phone_page(browser: Browser) -> Iterator[Page]:
    """A phone-sized page with service workers on; any uncaught page error fails the test."""
    opened = browser.new_context(viewport=PHONE, locale="en-GB", service_workers="allow")
    page = opened.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        yield page
    finally:
        opened.close()
    assert errors == []
