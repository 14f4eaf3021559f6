"""The verifier page on a phone: loaded once online, then every verdict with no network at all,
in English, French and Arabic, with the drug check and the list-age warning."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from PIL import Image
from playwright.sync_api import Browser, BrowserContext, Page

from cards import qr
from cards.model import ClinicalField, Provenance
from cards.profile import parse_profile
from cards.render.qr_png import qr_png
from cards.spelling import readable_latin
from kiosk import db
from kiosk.domain.cards import registry
from signing.issuance import new_card, sign_and_encode
from signing.keys import PrivateKey
from signing.revocation import Reason
from signing.verifier import Verifier
from tests.kiosk.verify.conftest import ARTIFACTS, Site, open_verifier

AMINA = {
    "name": "أمينة ديالو",
    "birth_date": "1994-03-12",
    "sex": "female",
    "blood_group": "O+",
    "allergies": ["91936005"],
    "medications": ["A10AE04"],
    "conditions": ["E10"],
    "emergency_contact": {"name": "Moussa Diallo", "phone": "+33612345678"},
    "languages": ["ar", "fr"],
}
# What a clinician signed in at the kiosk confirms on the cards `issue` makes.
CONFIRMED = Provenance(
    confirmed=frozenset({ClinicalField.ALLERGIES, ClinicalField.BLOOD_GROUP}), confirmed_by=7
)
NIKO = {"name": "Niko Beridze", "birth_date": "1980", "allergies": [], "languages": ["ka"]}


def issue(site: Site, profile: dict[str, Any]) -> str:
    """Issue a card on the site, as the kiosk does; returns its QR text."""
    services = site.app.extensions["ehcard"]
    with db.session_scope(services.sessions) as session:
        return registry.issue_card(
            session, services.settings, services.keyring, profile,
            today=datetime.now(UTC).date(), provenance=CONFIRMED,
        ).qr_text  # fmt: skip


def revoke(site: Site, qr_text: str) -> None:
    services = site.app.extensions["ehcard"]
    code = Verifier(trust_list=services.keyring.trust_list).verify(qr_text).card.card_code
    with db.session_scope(services.sessions) as session:
        row = registry.find_card(session, code)
        registry.revoke_card(session, row, Reason.STOLEN, today=datetime.now(UTC).date())


def fragment(qr_text: str) -> str:
    return qr_text.split("#", 1)[1]


@pytest.fixture(scope="module")
def cards(site: Site) -> dict[str, str]:
    valid = issue(site, AMINA)
    revoked = issue(site, NIKO)
    digits = fragment(valid)
    stranger = sign_and_encode(
        new_card(*parse_profile(NIKO), issued=datetime.now(UTC).date()),
        PrivateKey.generate(),
        site.host,
    )
    return {
        "valid": valid,
        "states": issue(site, {**NIKO, "name": "Nino Beridze"}),
        "revoked": revoked,
        "tampered": valid.replace(digits, digits[:40] + str(9 - int(digits[40])) + digits[41:]),
        "unknown_issuer": stranger.qr_text,
    }


@pytest.fixture(scope="module")
def offline_page(site: Site, browser: Browser, cards: dict[str, str]) -> Iterator[Page]:
    """A phone that opened the verifier once online, refreshed its lists after a revocation,
    then lost the network."""
    page = open_verifier(browser, f"{site.base}/V")
    page.wait_for_function("() => navigator.serviceWorker.controller !== null", timeout=20_000)
    revoke(site, cards["revoked"])
    assert page.evaluate("window.ehcardRefresh()") is True
    page.context.set_offline(True)
    yield page
    page.context.close()


def show(page: Page, site: Site, qr_text: str) -> str:
    """Open a card's link as the phone camera would; the verdict shown."""
    page.goto("about:blank")
    page.goto(f"{site.base}/V#{fragment(qr_text)}")
    page.wait_for_selector("html[data-ready=true]")
    page.wait_for_selector("#verdict[data-status]")
    return str(page.get_attribute("#verdict", "data-status"))


@pytest.mark.parametrize("case", ["valid", "tampered", "revoked", "unknown_issuer"])
def test_each_verdict_is_shown_offline(
    offline_page: Page, site: Site, cards: dict[str, str], case: str
) -> None:
    expected = {"valid": "valid", "tampered": "invalid", "revoked": "revoked"}.get(case, case)
    assert show(offline_page, site, cards[case]) == expected
    word = offline_page.inner_text("#verdict-word")
    assert word == {"valid": "VALID", "invalid": "INVALID", "revoked": "REVOKED"}.get(
        expected, "UNKNOWN ISSUER"
    )
    card_shown = offline_page.is_visible("#card")
    assert card_shown == (case == "valid")
    if case == "revoked":
        assert "stolen" in offline_page.inner_text("#verdict-help")
    if case == "tampered":
        assert offline_page.inner_text("#verdict-reason").endswith("bad_signature")


def test_valid_card_shows_the_emergency_data_offline(
    offline_page: Page, site: Site, cards: dict[str, str]
) -> None:
    show(offline_page, site, cards["valid"])
    assert offline_page.inner_text("#holder-name") == "أمينة ديالو"
    assert offline_page.inner_text("#holder-latin") == readable_latin(AMINA["name"])
    allergies = offline_page.locator('dd[data-field="allergies"]')
    assert "Penicillin allergy" in allergies.inner_text()
    assert allergies.locator(".provenance-clinician").count() == 1
    assert offline_page.locator('dd[data-field="medications"] .provenance-self').count() == 1
    assert offline_page.get_attribute(".tel", "href") == "tel:+33612345678"
    assert offline_page.inner_text("#speaks") == "Speaks: العربية, Français"
    assert offline_page.is_hidden("#open-record")  # the full record needs a network
    assert "clock tolerance 24 h" in offline_page.inner_text("#checked-at")


def test_none_known_and_not_asked_look_different(
    offline_page: Page, site: Site, cards: dict[str, str]
) -> None:
    assert show(offline_page, site, cards["states"]) == "valid"
    none_known = offline_page.locator('dd[data-field="allergies"] .state')
    not_asked = offline_page.locator('dd[data-field="medications"] .state')
    assert none_known.inner_text().endswith("None known")
    assert not_asked.inner_text().endswith("Not asked")
    style = "el => [getComputedStyle(el).backgroundImage, getComputedStyle(el).borderStyle]"
    assert none_known.evaluate(style) != not_asked.evaluate(style)
    assert offline_page.inner_text("#holder-born").startswith("Born 1980")


@pytest.mark.parametrize(
    ("medicine", "kind"), [("Amoxicillin (J01CA04)", "allergy"), ("N02BE01", "none")]
)
def test_drug_check_warns_for_the_allergy_class_only(
    offline_page: Page, site: Site, cards: dict[str, str], medicine: str, kind: str
) -> None:
    show(offline_page, site, cards["valid"])
    search = offline_page.locator("#drug-search")
    search.fill(medicine)
    search.press("Enter")
    result = offline_page.locator("#drug-result span")
    assert [result.nth(i).get_attribute("data-kind") for i in range(result.count())] == [kind]
    if kind == "allergy":
        assert "Penicillin allergy" in result.inner_text() and "J01C" in result.inner_text()


def test_drug_check_warns_for_a_duplicate_medication(
    offline_page: Page, site: Site, cards: dict[str, str]
) -> None:
    show(offline_page, site, cards["valid"])
    search = offline_page.locator("#drug-search")
    search.fill("A10AE05")  # insulin detemir: same ATC group as the holder's insulin glargine
    search.press("Enter")
    assert offline_page.locator("#drug-result span").get_attribute("data-kind") == "duplicate"


@pytest.mark.parametrize("language", ["en", "fr", "ar"])
def test_screenshots_on_a_phone_in_three_languages(
    offline_page: Page, site: Site, cards: dict[str, str], language: str
) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for case in ("valid", "revoked", "tampered"):
        show(offline_page, site, cards[case])
        offline_page.select_option("#language", language)
        offline_page.wait_for_function(f"() => document.documentElement.lang === '{language}'")
        direction = offline_page.evaluate("document.documentElement.dir")
        assert direction == ("rtl" if language == "ar" else "ltr")
        offline_page.screenshot(path=str(ARTIFACTS / f"{language}-{case}.png"), full_page=True)
    offline_page.select_option("#language", "en")


def test_stale_lists_warn_but_never_turn_a_valid_card_red(
    site: Site, browser: Browser, cards: dict[str, str]
) -> None:
    page = open_verifier(browser, f"{site.base}/V")
    page.wait_for_function("() => navigator.serviceWorker.controller !== null", timeout=20_000)
    context: BrowserContext = page.context
    context.set_offline(True)
    page.clock.install(time=datetime.now(UTC) + timedelta(days=4))
    assert show(page, site, cards["valid"]) == "valid"
    assert page.is_visible("#lists-warning")
    assert "4 days" in page.inner_text("#lists-warning")
    assert "more than 72 h" in page.inner_text("#lists")
    context.close()


def test_pasted_qr_text_is_verified(offline_page: Page, site: Site, cards: dict[str, str]) -> None:
    show(offline_page, site, cards["revoked"])
    offline_page.fill("#paste", cards["valid"])
    offline_page.click("#paste-form button[type=submit]")
    offline_page.wait_for_selector('#verdict[data-status="valid"]')


def test_photo_of_the_card_is_decoded_in_the_page(
    offline_page: Page, site: Site, cards: dict[str, str]
) -> None:
    show(offline_page, site, cards["tampered"])
    photo = qr_png(qr.make_symbol(cards["valid"]))
    offline_page.set_input_files(
        "#photo", files=[{"name": "card.png", "mimeType": "image/png", "buffer": photo}]
    )
    offline_page.wait_for_selector('#verdict[data-status="valid"]', timeout=20_000)


def test_photo_without_a_code_says_so(
    offline_page: Page, site: Site, cards: dict[str, str]
) -> None:
    show(offline_page, site, cards["valid"])
    blank = Image.new("L", (200, 200), 255)
    buffer = io.BytesIO()
    blank.save(buffer, "PNG")
    offline_page.set_input_files(
        "#photo",
        files=[{"name": "blank.png", "mimeType": "image/png", "buffer": buffer.getvalue()}],
    )
    offline_page.wait_for_function(
        "() => document.getElementById('scan-status').textContent.includes('No QR code')"
    )


def test_expired_card_is_shown_expired_offline_with_the_time_used(
    site: Site, browser: Browser, cards: dict[str, str]
) -> None:
    page = open_verifier(browser, f"{site.base}/V")
    page.wait_for_function("() => navigator.serviceWorker.controller !== null", timeout=20_000)
    page.context.set_offline(True)
    later = datetime.now(UTC) + timedelta(days=3 * 365)
    page.clock.install(time=later)
    assert show(page, site, cards["valid"]) == "expired"
    assert page.inner_text("#verdict-word") == "EXPIRED"
    assert page.inner_text("#verdict-reason").endswith("expired")
    assert page.is_hidden("#card")
    assert later.strftime("%Y-%m-%dT%H:%M") in page.inner_text("#checked-at")
    page.context.close()


def test_a_forged_list_download_is_refused_and_the_previous_lists_kept(
    site: Site, browser: Browser, cards: dict[str, str]
) -> None:
    # No service worker here, so the browser's own network layer can swap the server's answer.
    page = open_verifier(browser, f"{site.base}/V", service_workers=False)
    trust = site.app.extensions["ehcard"].keyring.trust_document
    forged = trust[:-1] + bytes([trust[-1] ^ 1])
    page.route(
        "**/V/lists/trust.cbor",
        lambda route: route.fulfill(status=200, body=forged, content_type="application/cbor"),
    )
    page.evaluate("window.ehcardRefresh()")
    assert "was refused" in page.inner_text("#lists")
    page.fill("#paste", cards["valid"])
    page.click("#paste-form button[type=submit]")
    page.wait_for_selector('#verdict[data-status="valid"]')
    page.context.close()
