"""The record page in a real browser (Debian's Chromium, driven by Playwright).

The verifier page links a scanned card to `/R#<record id>.<key>`; from there
the page derives the key, asks for the manifest and decrypts every file
itself. These tests also watch every request the browser sends: the key
never leaves the page.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import Page, Request, expect

from cards.record import Confirmation, ItemKind, RecordItem
from cards.record_fhir import item_resource
from kiosk.db import session_scope
from kiosk.domain.cards.qrimage import decode_qr_image
from kiosk.domain.records.control import set_masks
from kiosk.domain.records.store import item_files
from kiosk.models.records import RecordFileRow, RecordRow
from signing import records as crypto
from tests.kiosk.records.conftest import PIN, IssuedRecord
from tests.kiosk.records.test_clinician_api import clinician_manifest, signed_in

# SQLite only: the page is the same on both databases, and test_shl.py,
# test_clinician_api.py and the holder pages' tests cover PostgreSQL over HTTP.
pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True, scope="module")


def hide_epilepsy(app: Flask, record: IssuedRecord) -> None:
    with session_scope(app.extensions["ehcard"].sessions) as session:
        row = session.query(RecordRow).filter_by(manifest_id=record.manifest_id).one()
        items = [f for f in item_files(session, row) if f.role == "item"]
        set_masks(session, row, {items[2].file_id})


def watch_requests(page: Page) -> list[str]:
    seen: list[str] = []

    def remember(request: Request) -> None:
        seen.append(request.url + " " + (request.post_data or ""))

    page.on("request", remember)
    return seen


def test_a_clinician_opens_a_scanned_card_and_reads_the_record(
    app: Flask, live_server: str, record: IssuedRecord, clinician: tuple[str, str], page: Page
) -> None:
    hide_epilepsy(app, record)
    sent = watch_requests(page)
    page.goto(f"{live_server}/R#{record.fragment}")
    page.fill("#username", clinician[0])
    page.fill("#password", clinician[1])
    page.click("#signin-form button")
    expect(page.locator("#patient")).to_have_text("Amina Diallo")
    expect(page.locator("#items")).to_contain_text("Penicillin")
    expect(page.locator("#items")).to_contain_text("confirmed by Dr N. Haddad on 2026-11-02")
    expect(page.locator("#items")).to_contain_text("Salbutamol inhaler")
    expect(page.locator("#items img")).to_have_count(1)  # the scanned booklet, decrypted here
    expect(page.locator("#withheld")).to_have_text("Items hidden by the holder: 1")
    expect(page.locator("#items")).not_to_contain_text("Epilepsy")

    page.select_option("#reason", "unconscious")
    page.click("#break-glass button")
    expect(page.locator("#items")).to_contain_text("Epilepsy")
    expect(page.locator("#items")).to_contain_text("Lamotrigine twice a day")

    page.select_option("#item-kind", "allergy")
    page.fill("#item-text", "Latex")
    page.fill("#item-when", "2026-11")
    page.click("#add-item button")
    expect(page.locator("#status")).to_have_text("Added to the record.")
    expect(page.locator("#items")).to_contain_text("Latex")

    for secret in (
        crypto.b64url(record.card.record_key),
        crypto.b64url(record.file_key),
        record.fragment,
    ):
        assert not [s for s in sent if secret in s], "the key left the page"
    added = decrypted_files(app, record)[-1]
    expected = item_resource(
        RecordItem(
            ItemKind.ALLERGY,
            "Latex",
            when="2026-11",
            item_id=added["id"],
            confirmed=Confirmation("Dr N. Haddad, CHU Lyon Sud", datetime.now(UTC).date()),
        ),
        added["patient"]["reference"],
    )
    assert added == expected  # the page writes the same FHIR as the kiosk (cards/record_fhir.py)


def decrypted_files(app: Flask, record: IssuedRecord) -> list[dict[str, Any]]:
    with session_scope(app.extensions["ehcard"].sessions) as session:
        row = session.query(RecordRow).filter_by(manifest_id=record.manifest_id).one()
        files = [f for f in item_files(session, row) if f.role == "item"]
        return [json.loads(crypto.decrypt(record.file_key, f.jwe).plaintext) for f in files]


def test_wrong_pin_is_throttled_and_the_holder_sees_every_access(
    app: Flask,
    live_server: str,
    record: IssuedRecord,
    clinician: tuple[str, str],
    page: Page,
) -> None:
    hide_epilepsy(app, record)
    doctor = signed_in(live_server, *clinician)
    assert clinician_manifest(
        doctor, live_server, record.manifest_id, breakGlass="life_threatening"
    ).ok

    page.goto(f"{live_server}/R#{record.fragment}")
    page.fill("#recipient", "Cabinet médical du Port")
    page.fill("#pin", "000000")
    page.click("#pin-form button")
    expect(page.locator("#status")).to_have_text("Wrong PIN. Attempts left before the PIN locks: 9")
    page.fill("#pin", PIN)
    page.click("#pin-form button")
    expect(page.locator("#status")).to_contain_text("Too many attempts. Wait")
    app.extensions["ehcard"].clock.advance(timedelta(seconds=2))  # the delay it was told
    page.fill("#pin", PIN)
    page.click("#pin-form button")
    expect(page.locator("#items")).to_contain_text("Penicillin")
    expect(page.locator("#items")).not_to_contain_text("Epilepsy")
    expect(page.locator("#break-glass")).to_be_hidden()

    page.click("#holder-link")
    page.fill("input[name=card_code]", record.card.card_code)
    page.fill("input[name=recovery_code]", record.recovery_code)
    page.click("form button[type=submit]")
    log = page.locator(".access-log")
    expect(log).to_contain_text("Emergency opening of hidden items")
    expect(log).to_contain_text("Life-threatening emergency")
    expect(log).to_contain_text("Dr N. Haddad")
    expect(log).to_contain_text("Cabinet médical du Port")
    expect(log).to_contain_text("Wrong PIN tried")

    page.click("text=Hide or show items")
    expect(page.locator(".items")).to_contain_text(
        "Conditions: Epilepsy"
    )  # named with the card's key
    page.locator(".items label", has_text="Allergies: Penicillin").locator("input").check()
    page.click("form button:has-text('Save')")
    expect(page.locator("main p[role=status]")).to_have_text("Saved.")

    page.click("text=My card is lost")
    page.check("input[name=confirm]")
    page.click("button:has-text('Revoke my card')")
    expect(log).to_contain_text("Record erased")
    page.goto(f"{live_server}/R#{record.fragment}")
    page.fill("#recipient", "Cabinet médical du Port")
    page.fill("#pin", PIN)
    page.click("#pin-form button")
    expect(page.locator("#status")).to_have_text(
        "This card was revoked. Its record has been erased."
    )
    with session_scope(app.extensions["ehcard"].sessions) as session:
        row = session.query(RecordRow).filter_by(manifest_id=record.manifest_id).one()
        assert session.query(RecordFileRow).filter_by(record_pk=row.id).count() == 0


def test_the_page_shows_a_standard_shlink_and_its_qr_code(
    live_server: str, record: IssuedRecord, page: Page, tmp_path: Path
) -> None:
    page.goto(f"{live_server}/R#{record.fragment}")
    page.fill("#recipient", "Hôpital Nord")
    page.fill("#pin", PIN)
    page.click("#pin-form button")
    page.click("#show-shlink")
    link = page.locator("#shlink-text").inner_text()
    (tmp_path / "shlink.png").write_bytes(page.locator("#shlink-qr").screenshot())
    assert decode_qr_image(tmp_path / "shlink.png") == link
    payload = json.loads(crypto.b64url_decode(link.removeprefix("shlink:/")))
    assert payload == {
        "url": f"{live_server}/shl/{record.manifest_id}",
        "key": crypto.b64url(record.file_key),
        "flag": "LP",
        "label": "Emergency health record",
    }
