"""Staff find a holder by any spelling, over HTTP, on SQLite and PostgreSQL."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from flask import Flask
from playwright.sync_api import Browser, expect
from sqlalchemy import delete, inspect, select, update

from kiosk.db import session_scope
from kiosk.domain.cards.holder_search import reindex_holders
from kiosk.domain.keys.instance_secrets import load_instance_secrets
from kiosk.models.registry import CardRow, HolderNameKeyRow
from tests.browsers import new_page
from tests.kiosk.staff.support import PASSWORD, Console, holder_profile, issue, services_of

TARGET = "محمد عبد الرحمن الخطيب"
ROW_CODE = re.compile(r'<tr><td><a href="/staff/cards/([0-9A-Z-]+)">')


@pytest.fixture(scope="module")
def holders(console_app: Flask) -> Iterator[dict[str, str]]:
    """The holder sought and look-alikes: another Mohammed, the same name another year."""
    def card(name: str, birth: str, **changes: str) -> str:
        profile = holder_profile(name=name, birth_date=birth, **changes)
        return issue(console_app, profile).card.card_code

    yield {
        "target": card(TARGET, "1985-04-02"),
        "mahmoud": card("محمود الخطيب", "1985"),
        "ahmed": card("أحمد الخطيب", "1985-09-09"),
        "other_year": card(TARGET, "1986-04-02"),
        "spelled": card("علی رضایی", "1990", name_latin="Ali Rezaie"),
    }


def codes(staff: Console, name: str, birth: str) -> list[str]:
    response = staff.post("/staff/search", {"name": name, "birth": birth})
    assert response.status_code == 200, response.text
    return ROW_CODE.findall(response.text)


@pytest.mark.parametrize(
    "typed",
    [
        "mohammed abdelrahman alkhatib",
        "Muhammad Abd al-Rahman al-Khatib",
        "Mohamed Abdulrahman El Khatib",
        "AL-KHATIB Mohamed Abdel Rahman",
        "Mohammad Abdurrahman Alkhateeb",
        TARGET,
        "محمد الخطيب",
        "MXHMD EBD ALRXHMN ALXKHXTTYB",
    ],
)
def test_a_holder_is_found_first_by_any_usual_spelling(
    staff: Console, holders: dict[str, str], typed: str
) -> None:
    found = codes(staff, typed, "1985")
    assert found[0] == holders["target"]
    assert holders["other_year"] not in found


def test_a_partial_name_finds_the_holder_among_the_family(
    staff: Console, holders: dict[str, str]
) -> None:
    found = codes(staff, "Khatib", "1985")
    assert {holders["target"], holders["mahmoud"], holders["ahmed"]} <= set(found)
    assert codes(staff, "Mohamed", "1985")[0] == holders["target"]


def test_a_full_birth_date_narrows_and_ranks(staff: Console, holders: dict[str, str]) -> None:
    found = codes(staff, "Khatib", "02/04/1985")
    assert found[0] == holders["target"]
    assert holders["ahmed"] not in found  # another full date
    assert holders["mahmoud"] in found  # only a year on the card


def test_the_documents_spelling_and_the_readable_one_both_find(
    staff: Console, holders: dict[str, str]
) -> None:
    assert codes(staff, "Ali Rezaie", "1990") == [holders["spelled"]]
    assert codes(staff, "Ali Rezaei", "1990") == [holders["spelled"]]
    assert codes(staff, "علی رضایی", "1990") == [holders["spelled"]]


def test_results_show_the_latin_line_and_the_card_its_icao_form(
    staff: Console, holders: dict[str, str]
) -> None:
    response = staff.post("/staff/search", {"name": "mohamed khatib", "birth": "1985"})
    assert "MOHAMMED ABDULRAHMAN AL-KHATIB" in response.text
    page = staff.get(f"/staff/cards/{holders['target']}").text
    assert "ICAO 9303 machine form" in page and "MXHMD EBD ALRXHMN ALXKHXTTYB" in page


@pytest.mark.parametrize(
    ("name", "error"),
    [
        ("x" * 121, "Field cannot be longer than 120 characters."),
        ("1234", "type the holder&#39;s name"),
    ],
)
def test_a_name_that_cannot_be_searched_is_named(
    staff: Console, holders: dict[str, str], name: str, error: str
) -> None:
    response = staff.post("/staff/search", {"name": name, "birth": "1985"})
    assert response.status_code in (400, 422)
    assert error in response.text


def test_the_index_holds_only_keyed_hashes(console_app: Flask, holders: dict[str, str]) -> None:
    services = services_of(console_app)
    columns = {c["name"] for c in inspect(services.engine).get_columns("holder_name_keys")}
    assert columns == {"id", "key", "card_row"}
    with session_scope(services.sessions) as session:
        keys = session.scalars(select(HolderNameKeyRow.key)).all()
    assert keys and all(re.fullmatch("[0-9a-f]{64}", key) for key in keys)


def test_cards_indexed_under_an_older_version_are_indexed_again(
    console_app: Flask, staff: Console, holders: dict[str, str]
) -> None:
    services = services_of(console_app)
    with session_scope(services.sessions) as session:
        session.execute(delete(HolderNameKeyRow))
        session.execute(update(CardRow).values(name_index=None))
    assert codes(staff, "mohammed khatib", "1985") == []
    with session_scope(services.sessions) as session:
        indexed = reindex_holders(session, load_instance_secrets(services.settings))
    assert indexed == len(holders)
    assert codes(staff, "mohammed khatib", "1985")[0] == holders["target"]


def test_staff_find_the_holder_in_the_browser_by_other_spellings_and_a_partial_name(
    console_url: str, browser: Browser, holders: dict[str, str]
) -> None:
    with new_page(browser) as page:
        page.goto(f"{console_url}/staff/login")
        page.get_by_label("User name").fill("sam")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        for typed in ("Muhammad Abdul Rahman Al-Khatib", "mohamed abdelrahman elkhatib",
                      "Mohammad Khateeb", "Khatib"):  # fmt: skip
            page.goto(f"{console_url}/staff/")
            page.get_by_label("Name (any script, any spelling)").fill(typed)
            page.get_by_label("Birth date or year").fill("1985")
            page.get_by_role("button", name="Find").click()
            expect(page.get_by_role("heading", name="Cards found")).to_be_visible()
            first = page.locator("table.cards tbody tr").first
            if typed != "Khatib":
                expect(first).to_contain_text(holders["target"])
                expect(first).to_contain_text("MOHAMMED ABDULRAHMAN AL-KHATIB")
            else:
                expect(page.locator("table.cards")).to_contain_text(holders["target"])
        page.get_by_role("link", name=holders["target"]).click()
        expect(page.get_by_text("ICAO 9303 machine form")).to_be_visible()
