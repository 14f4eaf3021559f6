"""The record page in the reader's language (Chromium): an Arabic holder's record read by a
clinician in English, then in French and in Arabic, with each coded item's label, its code
and the holder's own words beside."""

from __future__ import annotations

import pytest
from flask import Flask
from playwright.sync_api import Page, expect

from cards.record import ItemKind, RecordItem
from tests.kiosk.records.conftest import IssuedRecord, issue_record

ARABIC_ITEMS = [
    RecordItem(ItemKind.ALLERGY, "حساسية الأسبرين", code="293586001"),
    RecordItem(ItemKind.MEDICATION, "ميتفورمين", code="A10BA02"),
    RecordItem(ItemKind.CONDITION, "السكري", code="E11"),
]


# SQLite only: the page is the same on both databases, and test_shl.py,
# test_clinician_api.py and the holder pages' tests cover PostgreSQL over HTTP.
pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True, scope="module")


@pytest.fixture
def arabic_record(app: Flask) -> IssuedRecord:
    return issue_record(app, items=ARABIC_ITEMS)


def open_as_clinician(
    page: Page, live_server: str, record: IssuedRecord, who: tuple[str, str]
) -> None:
    page.goto(f"{live_server}/R#{record.fragment}")
    page.fill("#username", who[0])
    page.fill("#password", who[1])
    page.click("#signin-form button")


def test_a_clinician_reads_an_arabic_record_in_english_with_codes(
    live_server: str, arabic_record: IssuedRecord, clinician: tuple[str, str], page: Page
) -> None:
    open_as_clinician(page, live_server, arabic_record, clinician)
    items = page.locator("#items")
    # Signing in, opening and decrypting: allow a loaded machine its time.
    expect(items).to_contain_text("Aspirin allergy SNOMED CT 293586001", timeout=15_000)
    expect(items).to_contain_text("Metformin ATC A10BA02")
    expect(items).to_contain_text("Type 2 diabetes ICD-10 E11")
    expect(items).to_contain_text("In the holder's words: حساسية الأسبرين")
    expect(items).to_contain_text("In the holder's words: ميتفورمين")
    expect(items).to_contain_text("O positive")  # the blood group, from the IPS document
    assert page.locator("html").get_attribute("dir") == "ltr"
    # The Arabic words sit in their own bidi isolate, the code reads left to right.
    own_words = page.locator(".own-words bdi").first
    assert own_words.evaluate("e => getComputedStyle(e).unicodeBidi") == "isolate"
    assert page.locator(".item .code").first.get_attribute("dir") == "ltr"


def test_the_language_switch_keeps_the_record_open_and_turns_right_to_left(
    live_server: str, arabic_record: IssuedRecord, clinician: tuple[str, str], page: Page
) -> None:
    open_as_clinician(page, live_server, arabic_record, clinician)
    expect(page.locator("#items")).to_contain_text("Aspirin allergy", timeout=15_000)
    page.click("nav.languages a[lang=fr]")
    items = page.locator("#items")
    expect(items).to_contain_text("Allergie à l'aspirine SNOMED CT 293586001", timeout=15_000)
    expect(items).to_contain_text("Metformine ATC A10BA02")
    expect(items).to_contain_text("Selon les mots du titulaire: ميتفورمين")
    assert arabic_record.fragment in page.url  # the key survived the reload
    page.click("nav.languages a[lang=ar]")
    expect(page.locator("#items")).to_contain_text("حساسية الأسبرين SNOMED CT 293586001")
    assert page.locator("html").get_attribute("dir") == "rtl"
    # In Arabic the label is the holder's own words: they are not repeated.
    expect(page.locator(".own-words")).to_have_count(1)  # only the condition's words differ


def test_without_the_labels_the_holder_words_and_codes_still_show(
    live_server: str, arabic_record: IssuedRecord, clinician: tuple[str, str], page: Page
) -> None:
    page.route("**/V/labels-*.json", lambda route: route.abort())
    open_as_clinician(page, live_server, arabic_record, clinician)
    items = page.locator("#items")
    expect(items).to_contain_text("حساسية الأسبرين SNOMED CT 293586001", timeout=15_000)
    expect(items).to_contain_text("ميتفورمين ATC A10BA02")
