"""The verifier page on a phone: loaded once online, then every verdict with no network at all,
in English, French and Arabic, with the drug check and the list-age warning. The network is
really gone (the site's relay is cut: connections refused), in Chromium, WebKitGTK and
Firefox alike; what needs Playwright's clock, request routing or file upload runs in
Chromium only."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import Browser, Page

from cards import qr
from cards.profile import parse_profile
from cards.render.qr_png import qr_png
from cards.spelling import readable_latin
from signing.issuance import new_card, sign_and_encode
from signing.keys import PrivateKey
from tests.engines import EnginePage
from tests.kiosk.verify.conftest import (
    ARTIFACTS,
    IN_CHROMIUM,
    IN_EVERY_ENGINE,
    IN_EVERY_ENGINE_AND_DATABASE,
    Site,
    live_site,
    open_engine_verifier,
    open_verifier,
)
from tests.kiosk.verify.phone import (
    AMINA,
    CENTRE,
    NIKO,
    choose_language,
    enter,
    fragment,
    issue,
    network,
    playwright_page,
    reads_left_to_right,
    revoke,
    show,
)


@pytest.fixture(scope="module")
def site(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Site]:
    """The verifier site behind a relay the tests cut to take the network away."""
    folder = tmp_path_factory.mktemp("offline")
    with live_site(request.param, folder, gated=True, centre_name=CENTRE) as opened:
        yield opened


@pytest.fixture(scope="module")
def cards(site: Site, browser_engine: str) -> dict[str, str]:
    """The cards one engine's phone is shown (its revocation is its own)."""
    valid = issue(site, AMINA)
    digits = fragment(valid)
    stranger = sign_and_encode(
        new_card(*parse_profile(NIKO), issued=datetime.now(UTC).date()),
        PrivateKey.generate(),
        site.host,
    )
    return {
        "valid": valid,
        "states": issue(site, {**NIKO, "name": "Nino Beridze"}),
        "revoked": issue(site, NIKO),
        "tampered": valid.replace(digits, digits[:40] + str(9 - int(digits[40])) + digits[41:]),
        "unknown_issuer": stranger.qr_text,
    }


@pytest.fixture(scope="module")
def phone(
    request: pytest.FixtureRequest, site: Site, browser_engine: str, cards: dict[str, str]
) -> Iterator[EnginePage]:
    """A phone that opened the verifier once online, then refreshed its lists after a
    revocation."""
    page = open_engine_verifier(request, browser_engine, f"{site.base}/V")
    page.wait_for_service_worker()
    revoke(site, cards["revoked"])
    assert page.evaluate("() => window.ehcardRefresh()") is True
    yield page
    page.close()


@pytest.fixture
def offline_page(phone: EnginePage, site: Site) -> Iterator[EnginePage]:
    """The phone, with the network gone for the length of a test."""
    network(site).cut()
    yield phone
    network(site).restore()


# The verdicts also in Chromium against PostgreSQL: its site issued and revoked these cards.
@IN_EVERY_ENGINE_AND_DATABASE
@pytest.mark.parametrize("case", ["valid", "tampered", "revoked", "unknown_issuer"])
def test_each_verdict_is_shown_offline(
    offline_page: EnginePage, site: Site, cards: dict[str, str], case: str
) -> None:
    expected = {"valid": "valid", "tampered": "invalid", "revoked": "revoked"}.get(case, case)
    assert show(offline_page, site, cards[case]) == expected
    word = offline_page.text("#verdict-word")
    assert word == {"valid": "VALID", "invalid": "INVALID", "revoked": "REVOKED"}.get(
        expected, "UNKNOWN ISSUER"
    )
    assert offline_page.visible("#card") == (case == "valid")
    if case == "revoked":
        assert "stolen" in offline_page.text("#verdict-help")
    if case == "tampered":
        assert offline_page.text("#verdict-reason").endswith("bad_signature")


@IN_EVERY_ENGINE_AND_DATABASE
def test_the_network_is_really_gone(offline_page: EnginePage, site: Site) -> None:
    # What the page meets: a refused connection, not a flag of ours.
    failed = offline_page.evaluate(
        "(url) => fetch(url, { cache: 'no-store' }).then(() => false, () => true)",
        f"{site.base}/V/lists/trust.cbor?probe",
    )
    assert failed is True


@IN_EVERY_ENGINE
def test_valid_card_shows_the_emergency_data_offline(
    offline_page: EnginePage, site: Site, cards: dict[str, str]
) -> None:
    show(offline_page, site, cards["valid"])
    assert offline_page.text("#holder-name") == "أمينة ديالو"
    assert offline_page.text("#holder-latin") == readable_latin(AMINA["name"])
    assert "Penicillin allergy" in offline_page.text('dd[data-field="allergies"]')
    assert offline_page.count('dd[data-field="allergies"] .provenance-clinician') == 1
    assert offline_page.count('dd[data-field="medications"] .provenance-self') == 1
    assert offline_page.attribute(".tel", "href") == "tel:+33612345678"
    assert offline_page.text("#speaks") == "Speaks: العربية, Français"
    assert "clock tolerance 24 h" in offline_page.text("#checked-at")


@IN_CHROMIUM
def test_the_record_link_is_hidden_when_the_browser_knows_it_is_offline(
    offline_page: EnginePage, site: Site, cards: dict[str, str]
) -> None:
    # The full record needs a network. The page goes by navigator.onLine, which only a
    # browser told it is offline turns false (Chromium's emulation here): with the server
    # merely unreachable every engine still shows the link.
    context = playwright_page(offline_page).context
    context.set_offline(True)
    try:
        show(offline_page, site, cards["valid"])
        assert not offline_page.visible("#open-record")
    finally:
        context.set_offline(False)


@IN_EVERY_ENGINE
def test_none_known_and_not_asked_look_different(
    offline_page: EnginePage, site: Site, cards: dict[str, str]
) -> None:
    assert show(offline_page, site, cards["states"]) == "valid"
    none_known = 'dd[data-field="allergies"] .state'
    not_asked = 'dd[data-field="medications"] .state'
    assert offline_page.text(none_known).endswith("None known")
    assert offline_page.text(not_asked).endswith("Not asked")
    style = """(s) => { const c = getComputedStyle(document.querySelector(s));
      return [c.backgroundImage, c.borderStyle]; }"""
    assert offline_page.evaluate(style, none_known) != offline_page.evaluate(style, not_asked)
    assert offline_page.text("#holder-born").startswith("Born 1980")


DRUG_RESULT = """() => [...document.querySelectorAll("#drug-result span")]
  .map((s) => [s.dataset.kind, s.innerText])"""


@IN_EVERY_ENGINE
@pytest.mark.parametrize(
    ("medicine", "kind"), [("Amoxicillin (J01CA04)", "allergy"), ("N02BE01", "none")]
)
def test_drug_check_warns_for_the_allergy_class_only(
    offline_page: EnginePage, site: Site, cards: dict[str, str], medicine: str, kind: str
) -> None:
    show(offline_page, site, cards["valid"])
    enter(offline_page, "#drug-search", medicine, "Enter")
    result = offline_page.evaluate(DRUG_RESULT)
    assert [seen for seen, _ in result] == [kind]
    if kind == "allergy":
        assert "Penicillin allergy" in result[0][1] and "J01C" in result[0][1]


@IN_EVERY_ENGINE
def test_drug_check_warns_for_a_duplicate_medication(
    offline_page: EnginePage, site: Site, cards: dict[str, str]
) -> None:
    show(offline_page, site, cards["valid"])
    # Insulin detemir: same ATC group as the holder's insulin glargine.
    enter(offline_page, "#drug-search", "A10AE05", "Enter")
    assert [kind for kind, _ in offline_page.evaluate(DRUG_RESULT)] == ["duplicate"]


@IN_EVERY_ENGINE
@pytest.mark.parametrize("language", ["en", "fr", "ar"])
def test_screenshots_on_a_phone_in_three_languages(
    offline_page: EnginePage, site: Site, cards: dict[str, str], language: str
) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for case in ("valid", "revoked", "tampered"):
        show(offline_page, site, cards[case])
        choose_language(offline_page, language)
        direction = offline_page.evaluate("() => document.documentElement.dir")
        assert direction == ("rtl" if language == "ar" else "ltr")
        shot = ARTIFACTS / f"{offline_page.engine}-{language}-{case}.png"
        shot.write_bytes(offline_page.screenshot())
    choose_language(offline_page, "en")


@IN_EVERY_ENGINE
def test_pasted_qr_text_is_verified(
    offline_page: EnginePage, site: Site, cards: dict[str, str]
) -> None:
    show(offline_page, site, cards["revoked"])
    offline_page.evaluate(
        """(text) => { document.getElementById("paste").value = text;
          document.getElementById("paste-form").requestSubmit(); }""",
        cards["valid"],
    )
    offline_page.wait_for_selector('#verdict[data-status="valid"]')


@pytest.fixture
def arabic_page(
    offline_page: EnginePage, site: Site, cards: dict[str, str]
) -> Iterator[EnginePage]:
    """The phone showing the valid card in Arabic."""
    show(offline_page, site, cards["valid"])
    choose_language(offline_page, "ar")
    yield offline_page
    choose_language(offline_page, "en")


ARABIC_BANNER = json.loads(
    (Path(__file__).resolve().parents[3] / "cards/valuesets/data/terms.json").read_text("utf-8")
)["terms"]["verifier.development"]["ar"]


@IN_EVERY_ENGINE
def test_english_in_the_arabic_page_keeps_its_order_and_its_full_stop(
    arabic_page: EnginePage, site: Site
) -> None:
    # The banner speaks the page's language, in the direction of its own words (dir=auto),
    # so its full stop ends the Arabic sentence.
    banner = arabic_page.text(".dev-banner")
    assert banner == ARABIC_BANNER and banner.endswith(".")
    direction = "() => getComputedStyle(document.querySelector('.dev-banner')).direction"
    assert arabic_page.evaluate(direction) == "rtl"
    # A centre name ending in a bracket: unisolated, the bracket would join the Arabic.
    assert reads_left_to_right(arabic_page, "#verdict-help", CENTRE)
    utc = arabic_page.text("#checked-at").split("(")[1].split(")")[0]
    assert utc.endswith("Z") and reads_left_to_right(arabic_page, "#checked-at", utc)
    assert reads_left_to_right(arabic_page, "#holder-born", AMINA["birth_date"])
    issued = datetime.now(UTC).date().isoformat()
    assert reads_left_to_right(arabic_page, "#card-meta", issued)


@IN_EVERY_ENGINE
@pytest.mark.parametrize("language", ["ar", "fa", "ps"])
def test_the_check_time_is_written_in_latin_digits(
    offline_page: EnginePage, site: Site, cards: dict[str, str], language: str
) -> None:
    show(offline_page, site, cards["valid"])
    choose_language(offline_page, language)
    try:
        checked = offline_page.text("#checked-at")
    finally:
        choose_language(offline_page, "en")
    local_time = checked.split("(")[0]
    assert not re.search("[\u0660-\u0669\u06f0-\u06f9]", checked), checked
    # Gregorian: this year, as in the UTC stamp beside it.
    assert str(datetime.now(UTC).year) in local_time


@IN_CHROMIUM
def test_photo_of_the_card_is_decoded_in_the_page(
    offline_page: EnginePage, site: Site, cards: dict[str, str]
) -> None:
    page = playwright_page(offline_page)
    show(offline_page, site, cards["tampered"])
    photo = qr_png(qr.make_symbol(cards["valid"]))
    page.set_input_files(
        "#photo", files=[{"name": "card.png", "mimeType": "image/png", "buffer": photo}]
    )
    page.wait_for_selector('#verdict[data-status="valid"]', timeout=20_000)


@IN_CHROMIUM
def test_photo_without_a_code_says_so(
    offline_page: EnginePage, site: Site, cards: dict[str, str]
) -> None:
    page = playwright_page(offline_page)
    show(offline_page, site, cards["valid"])
    blank = Image.new("L", (200, 200), 255)
    buffer = io.BytesIO()
    blank.save(buffer, "PNG")
    page.set_input_files(
        "#photo",
        files=[{"name": "blank.png", "mimeType": "image/png", "buffer": buffer.getvalue()}],
    )
    page.wait_for_function(
        "() => document.getElementById('scan-status').textContent.includes('No QR code')"
    )


@pytest.fixture
def cached_phone(site: Site, browser: Browser) -> Iterator[Page]:
    """A Chromium phone of its own that loaded the page once, then lost the network."""
    page = open_verifier(browser, f"{site.base}/V")
    page.wait_for_function("() => navigator.serviceWorker.controller !== null", timeout=20_000)
    network(site).cut()
    yield page
    network(site).restore()
    page.context.close()


@IN_CHROMIUM
def test_stale_lists_warn_but_never_turn_a_valid_card_red(
    cached_phone: Page, site: Site, cards: dict[str, str]
) -> None:
    cached_phone.clock.install(time=datetime.now(UTC) + timedelta(days=4))
    cached_phone.goto("about:blank")
    cached_phone.goto(f"{site.base}/V#{fragment(cards['valid'])}")
    cached_phone.wait_for_selector('#verdict[data-status="valid"]')
    assert cached_phone.is_visible("#lists-warning")
    assert "4 days" in cached_phone.inner_text("#lists-warning")
    assert "more than 72 h" in cached_phone.inner_text("#lists")


@IN_CHROMIUM
def test_expired_card_is_shown_expired_offline_with_the_time_used(
    cached_phone: Page, site: Site, cards: dict[str, str]
) -> None:
    later = datetime.now(UTC) + timedelta(days=3 * 365)
    cached_phone.clock.install(time=later)
    cached_phone.goto("about:blank")
    cached_phone.goto(f"{site.base}/V#{fragment(cards['valid'])}")
    cached_phone.wait_for_selector('#verdict[data-status="expired"]')
    assert cached_phone.inner_text("#verdict-word") == "EXPIRED"
    assert cached_phone.inner_text("#verdict-reason").endswith("expired")
    assert cached_phone.is_hidden("#card")
    assert later.strftime("%Y-%m-%dT%H:%M") in cached_phone.inner_text("#checked-at")


@IN_CHROMIUM
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
