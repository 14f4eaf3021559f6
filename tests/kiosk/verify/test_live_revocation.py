"""Revocations reach an open verifier page by themselves: a card shown VALID turns REVOKED
within the refresh interval, with no reload; offline the page keeps its lists and their age."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from flask import Flask
from playwright.sync_api import Browser, Page

from kiosk import db
from kiosk.domain.cards import registry
from signing.revocation import Reason
from signing.verifier import Verifier
from tests.browsers import phone_page
from tests.kiosk.verify.conftest import Site, live_site

REFRESH_SECONDS = 5
# Time for the page's fetch and check after its timer fires, on a busy test machine.
MARGIN_SECONDS = 4
PROFILE = {"name": "Niko Beridze", "birth_date": "1980", "allergies": [], "languages": ["ka"]}


@pytest.fixture(scope="module")
def refreshing_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    folder = tmp_path_factory.mktemp("live-revocation")
    with live_site("postgresql", folder, list_refresh_seconds=REFRESH_SECONDS) as opened:
        yield opened


def issue(app: Flask) -> str:
    services = app.extensions["ehcard"]
    with db.session_scope(services.sessions) as session:
        return registry.issue_card(
            session, services.settings, services.keyring, PROFILE, today=datetime.now(UTC).date()
        ).qr_text


def revoke(app: Flask, qr_text: str) -> None:
    services = app.extensions["ehcard"]
    code = Verifier(trust_list=services.keyring.trust_list).verify(qr_text).card.card_code
    with db.session_scope(services.sessions) as session:
        row = registry.find_card(session, code)
        registry.revoke_card(session, row, Reason.LOST, today=datetime.now(UTC).date())


@pytest.fixture
def phone(browser: Browser) -> Iterator[Page]:
    with phone_page(browser) as page:
        yield page


def open_card(page: Page, site: Site, qr_text: str) -> None:
    page.goto(f"{site.base}/V#{qr_text.split('#', 1)[1]}")
    page.wait_for_selector("html[data-ready=true]", timeout=20_000)
    page.wait_for_selector("#verdict[data-status]")


def test_a_card_shown_valid_turns_revoked_within_the_refresh_interval_without_reload(
    refreshing_site: Site, phone: Page
) -> None:
    card = issue(refreshing_site.app)
    open_card(phone, refreshing_site, card)
    assert phone.get_attribute("#verdict", "data-status") == "valid"
    assert phone.is_hidden("#revoked-notice")
    phone.evaluate("window.sameDocument = true")
    revoke(refreshing_site.app, card)
    revoked_at = time.monotonic()
    phone.wait_for_selector(
        '#verdict[data-status="revoked"]', timeout=(REFRESH_SECONDS + MARGIN_SECONDS) * 1000
    )
    assert time.monotonic() - revoked_at <= REFRESH_SECONDS + MARGIN_SECONDS
    assert phone.evaluate("window.sameDocument") is True  # no reload
    assert phone.inner_text("#verdict-word") == "REVOKED"
    assert phone.is_hidden("#card")
    notice = phone.inner_text("#revoked-notice")
    assert notice.startswith("Revoked while this card was shown: the revocation list changed at ")
    assert str(datetime.now().year) in notice


def test_coming_back_online_brings_a_revocation_at_once(refreshing_site: Site, phone: Page) -> None:
    card = issue(refreshing_site.app)
    open_card(phone, refreshing_site, card)
    phone.wait_for_function("() => navigator.serviceWorker.controller !== null", timeout=20_000)
    phone.context.set_offline(True)
    revoke(refreshing_site.app, card)
    # Offline, refreshes find no network: the page keeps its verdict and says why.
    time.sleep(REFRESH_SECONDS + 1)
    assert phone.get_attribute("#verdict", "data-status") == "valid"
    assert phone.inner_text("#lists").startswith("Offline: using the lists kept on this device")
    phone.context.set_offline(False)
    phone.wait_for_selector('#verdict[data-status="revoked"]', timeout=MARGIN_SECONDS * 1000)
    assert phone.inner_text("#lists").startswith("Trust and revocation lists updated 0 min ago")


def test_offline_the_page_keeps_the_last_lists_and_says_their_age_live(
    refreshing_site: Site, phone: Page
) -> None:
    card = issue(refreshing_site.app)
    revoke(refreshing_site.app, card)
    phone.clock.install()
    open_card(phone, refreshing_site, card)
    phone.wait_for_function("() => navigator.serviceWorker.controller !== null", timeout=20_000)
    assert phone.get_attribute("#verdict", "data-status") == "revoked"
    phone.context.set_offline(True)
    lists = phone.locator("#lists")
    assert lists.inner_text() == ("Offline: using the lists kept on this device, updated 0 min ago")
    phone.clock.fast_forward("17:00")
    phone.wait_for_function(
        "() => document.getElementById('lists').textContent.endsWith('updated 17 min ago')"
    )
    # A fresh visit with no network: the lists kept on the phone still revoke the card.
    open_card(phone, refreshing_site, card)
    assert phone.get_attribute("#verdict", "data-status") == "revoked"
    assert re.fullmatch(
        r"Offline: using the lists kept on this device, updated \d+ min ago", lists.inner_text()
    )
