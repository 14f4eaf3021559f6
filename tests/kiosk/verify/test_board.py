"""The question board on a phone: a French doctor asks a Tigrinya-speaking patient about pain
and two yes/no questions; the patient answers by tapping in Tigrinya; the doctor reads the
answers in French. Online, then with the network cut after the service worker installed."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page

from tests.kiosk.verify.board_pages import (
    BOARD,
    answer,
    give_back,
    hand_over,
    issue,
    open_board,
    phone_with_worker,
    pick,
    show_card,
    step,
    text,
)
from tests.kiosk.verify.conftest import ARTIFACTS, Site, open_verifier

# The board runs in the browser only: one database is enough to serve the page.
pytestmark = pytest.mark.parametrize("site", ["sqlite"], indirect=True)


@pytest.fixture(scope="module")
def tigrinya_card(site: Site) -> str:
    return issue(site, ["ti", "en"])


@pytest.fixture(scope="module")
def offline_phone(site: Site, browser: Browser) -> Iterator[Page]:
    """A French phone that opened the verifier once, then lost the network."""
    page = phone_with_worker(browser, site, "fr-FR")
    page.context.set_offline(True)
    yield page
    page.context.close()


def ask_and_answer(page: Page, screenshot: str | None = None) -> None:
    """The whole exchange, checked on both sides."""
    assert page.is_hidden("#board-start")  # under a VALID card, the board opens from the card
    open_board(page)
    assert page.inner_text(".board-doctor h2") == text("board.open", "fr")
    assert (
        page.get_attribute('.board-card-languages [data-language="ti"]', "aria-pressed") == "true"
    )
    labels = page.locator(".board-pick span").all_inner_texts()
    assert labels[:2] == [text("board.q.pain", "fr"), text("board.q.allergy_medicine", "fr")]
    pick(page, "pain", "diabetes", "bleeding")
    hand_over(page)

    holder = page.locator(".board-holder")
    assert holder.get_attribute("lang") == "ti"
    assert step(page) == "pain_where"
    assert page.inner_text(".board-question-text") == text("board.pain_where", "ti")
    assert page.get_attribute(".board-step .board-pictogram.large", "data-pictogram") == "pain"
    front = 'svg[data-view="front"] [data-region="chest_left"]'
    assert page.get_attribute(front, "aria-label") == text("board.region.chest_left", "ti")
    page.click(front)
    assert page.get_attribute(front, "aria-pressed") == "true"
    assert page.inner_text(".board-picked") == text("board.region.chest_left", "ti")
    if screenshot:
        page.screenshot(path=str(ARTIFACTS / f"board-patient-body-{screenshot}.png"))
    page.click(".board-next")

    assert step(page) == "pain_score"
    assert page.inner_text(".board-question-text") == text("board.pain_score", "ti")
    assert page.locator(".board-score svg.board-face").count() == 11
    page.click('.board-score[data-score="7"]')

    assert step(page) == "diabetes"
    assert page.inner_text(".board-question-text") == text("board.q.diabetes", "ti")
    assert page.get_attribute(".board-step .board-pictogram.large", "data-pictogram") == "glucose"
    assert page.locator(".board-choice").all_inner_texts() == [
        text(f"board.answer.{a}", "ti") for a in ("yes", "no", "dont_know")
    ]
    page.click('.board-choice[data-answer="yes"]')

    assert step(page) == "bleeding"
    assert page.inner_text(".board-question-text") == text("board.q.bleeding", "ti")
    assert page.get_attribute(".board-step .board-pictogram.large", "data-pictogram") == "blood"
    if screenshot:
        page.screenshot(path=str(ARTIFACTS / f"board-patient-yes-no-{screenshot}.png"))
    page.click('.board-choice[data-answer="dont_know"]')
    assert page.inner_text(".board-finished .board-question-text") == text("board.thanks", "ti")

    page.click('.board-request[data-request="toilet"]')
    assert text("board.asked", "ti") in page.inner_text(".board-asked")
    give_back(page)

    assert answer(page, "pain_where") == f"{text('board.region.chest_left', 'fr')} (Devant)"
    assert answer(page, "pain_score") == "7/10"
    assert answer(page, "diabetes") == "Oui"
    assert answer(page, "bleeding") == "Je ne sais pas"
    assert page.inner_text('.board-requests-seen [data-request="toilet"]').startswith("Toilettes")
    if screenshot:
        page.screenshot(path=str(ARTIFACTS / f"board-doctor-{screenshot}.png"))


def test_french_doctor_and_tigrinya_patient_online(
    site: Site, browser: Browser, tigrinya_card: str
) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page = open_verifier(browser, f"{site.base}/V", locale="fr-FR")
    show_card(page, site, tigrinya_card)
    ask_and_answer(page, screenshot="ti-fr")
    page.context.close()


def test_french_doctor_and_tigrinya_patient_offline(
    offline_phone: Page, site: Site, tigrinya_card: str
) -> None:
    assert offline_phone.evaluate("navigator.onLine") is False
    show_card(offline_phone, site, tigrinya_card)
    ask_and_answer(offline_phone)


def test_board_without_a_card_offers_every_language_by_its_own_name(
    offline_phone: Page, site: Site
) -> None:
    offline_phone.goto("about:blank")
    offline_phone.goto(f"{site.base}/V")
    offline_phone.wait_for_selector("html[data-ready=true]")
    assert offline_phone.is_hidden("#open-board")
    offline_phone.click("#board-start")
    offline_phone.wait_for_selector(".board-doctor")
    buttons = offline_phone.locator(".board-languages .board-language")
    names = dict(zip(buttons.evaluate_all("bs => bs.map(b => b.dataset.language)"),
                     buttons.all_inner_texts(), strict=True))  # fmt: skip
    assert names["ti"] == "ትግርኛ" and names["ps"] == "پښتو" and names["ka"] == "ქართული"
    assert len(names) == 11
    offline_phone.click('.board-language[data-language="uk"]')
    offline_phone.wait_for_selector('.board-language[data-language="uk"][aria-pressed="true"]')
    pick(offline_phone, "understand")
    hand_over(offline_phone)
    assert offline_phone.inner_text(".board-question-text") == text("board.q.understand", "uk")
    offline_phone.click('.board-choice[data-answer="no"]')
    give_back(offline_phone)
    assert answer(offline_phone, "understand") == "Non"
    offline_phone.click(".board-close")
    assert offline_phone.is_hidden("#board")


def test_every_body_region_and_question_has_words_in_the_patients_language(
    offline_phone: Page, site: Site, tigrinya_card: str
) -> None:
    show_card(offline_phone, site, tigrinya_card)
    open_board(offline_phone)
    pick(offline_phone, *[q["id"] for q in BOARD["questions"]])
    hand_over(offline_phone)
    regions = offline_phone.locator(".board-region").evaluate_all(
        "rs => rs.map(r => [r.closest('svg').dataset.view, r.dataset.region,"
        " r.getAttribute('aria-label')])"
    )
    shown = {(view, region) for view, region, _ in regions}
    assert shown == {(v, r) for v, names in BOARD["regions"].items() for r in names}
    assert all(label == text(f"board.region.{region}", "ti") for _, region, label in regions)
    seen = []
    while offline_phone.locator(".board-step[data-step]").count():
        seen.append(step(offline_phone))
        assert "board." not in offline_phone.inner_text(".board-holder")
        assert (
            offline_phone.get_attribute(".board-step .board-pictogram.large", "data-pictogram")
            != "unknown"
        )
        offline_phone.click(".board-next")
    assert seen == ["pain_where", "pain_score"] + [q["id"] for q in BOARD["questions"][1:]]
    requests = offline_phone.locator(".board-request span").all_inner_texts()
    assert requests == [text(f"board.request.{r['id']}", "ti") for r in BOARD["requests"]]
    drawn = offline_phone.locator(".board-request svg").evaluate_all(
        "svgs => svgs.map(svg => svg.dataset.pictogram)"
    )
    assert drawn == [r["pictogram"] for r in BOARD["requests"]]
    offline_phone.click(".board-done")
    offline_phone.click(".board-close")


def test_another_card_starts_another_patient_and_a_list_refresh_does_not(
    offline_phone: Page, site: Site, tigrinya_card: str
) -> None:
    show_card(offline_phone, site, tigrinya_card)
    open_board(offline_phone)
    pick(offline_phone, "heart")
    hand_over(offline_phone)
    offline_phone.click('.board-choice[data-answer="yes"]')
    give_back(offline_phone)
    assert answer(offline_phone, "heart") == "Oui"
    # The page checks the same card again when the network state changes: same patient.
    offline_phone.evaluate("window.dispatchEvent(new Event('offline'))")
    assert answer(offline_phone, "heart") == "Oui"
    # The phone's camera opens another card's link in the same page: another patient.
    other = issue(site, ["ar"]).split("#", 1)[1]
    offline_phone.evaluate(f"location.hash = '{other}'")
    offline_phone.wait_for_selector("#board", state="hidden")
    assert offline_phone.locator(".board-doctor").count() == 0
    open_board(offline_phone)
    assert (
        offline_phone.get_attribute('.board-card-languages [data-language="ar"]', "aria-pressed")
        == "true"
    )
    assert offline_phone.locator("dd[data-board-answer]").count() == 0
    assert offline_phone.locator("input[data-board-question]:checked").count() == 0
    offline_phone.click(".board-close")


def test_a_language_that_cannot_load_leaves_the_board_in_a_language_it_has(
    site: Site, browser: Browser, tigrinya_card: str
) -> None:
    # No service worker, so the browser's own network layer can refuse the Tigrinya words.
    page = open_verifier(browser, f"{site.base}/V", locale="fr-FR", service_workers=False)
    page.route("**/V/labels-ti.json", lambda route: route.abort())
    page.evaluate(f"location.hash = '{tigrinya_card.split('#', 1)[1]}'")
    page.wait_for_selector('#verdict[data-status="valid"]')
    open_board(page)
    assert page.get_attribute('.board-language[data-language="fr"]', "aria-pressed") == "true"
    assert page.get_attribute('.board-language[data-language="ti"]', "aria-pressed") == "false"
    page.click('.board-language[data-language="ti"]')
    page.click('.board-language[data-language="en"]')
    page.wait_for_selector('.board-language[data-language="en"][aria-pressed="true"]')
    pick(page, "heart")
    hand_over(page)
    assert page.inner_text(".board-question-text") == text("board.q.heart", "en")
    page.context.close()
