"""The holder's pages over real HTTP: sign in with the slip, read the log, hide items,
change the PIN, revoke a lost card; in eleven languages, right to left where needed."""

from __future__ import annotations

import re

import requests
from flask import Flask

from cards.valuesets import RTL_LANGUAGES, UI_LANGUAGES
from kiosk.db import session_scope
from kiosk.models.records import RecordFileRow, RecordRow
from kiosk.models.registry import CardRow, RevocationRow
from signing.revocation import Reason
from tests.kiosk.records.conftest import PIN, IssuedRecord, issue_record
from tests.kiosk.records.test_shl import open_manifest

TIMEOUT = 20


def form_token(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "the page has no CSRF token"
    return found.group(1)


def holder_session(
    live_server: str, record: IssuedRecord, lang: str = "en"
) -> tuple[requests.Session, requests.Response]:
    browser = requests.Session()
    page = browser.get(f"{live_server}/holder/?lang={lang}", timeout=TIMEOUT)
    response = browser.post(
        f"{live_server}/holder/",
        timeout=TIMEOUT,
        data={
            "csrf_token": form_token(page.text),
            "card_code": record.card.card_code.lower(),
            "recovery_code": record.recovery_code.replace("-", " "),
        },
    )
    return browser, response


def test_the_holder_signs_in_and_sees_who_opened_the_record(
    live_server: str, record: IssuedRecord
) -> None:
    assert open_manifest(live_server, record.manifest_id).status_code == 200
    _browser, log = holder_session(live_server, record)
    assert log.status_code == 200 and log.url.endswith("/holder/log")
    assert "Record opened" in log.text
    assert "Someone with your PIN" in log.text
    assert "Hôpital Nord, urgences" in log.text
    assert "Penicillin" not in log.text  # the log names people and places, never health data


def test_a_wrong_recovery_code_is_refused_and_rate_limited(
    live_server: str, record: IssuedRecord, settings
) -> None:  # type: ignore[no-untyped-def]
    settings(recovery_attempts=2)
    browser = requests.Session()
    for expected in (401, 401, 429):
        page = browser.get(f"{live_server}/holder/", timeout=TIMEOUT)
        response = browser.post(
            f"{live_server}/holder/",
            timeout=TIMEOUT,
            data={
                "csrf_token": form_token(page.text),
                "card_code": record.card.card_code,
                "recovery_code": "ABCD-ABCD-ABCD-ABCD-ABCD",
            },
        )
        assert response.status_code == expected
    assert "Too many wrong codes" in response.text


def test_pages_need_a_signed_in_holder(live_server: str) -> None:
    for page in ("log", "items", "pin", "revoke"):
        response = requests.get(
            f"{live_server}/holder/{page}", timeout=TIMEOUT, allow_redirects=False
        )
        assert response.status_code == 302 and response.headers["Location"].endswith("/holder/")
    assert (
        requests.get(
            f"{live_server}/holder/api/items", timeout=TIMEOUT, allow_redirects=False
        ).status_code
        == 302
    )


def test_hiding_an_item_withholds_its_file_and_is_logged(
    app: Flask, live_server: str, record: IssuedRecord
) -> None:
    browser, _ = holder_session(live_server, record)
    page = browser.get(f"{live_server}/holder/items", timeout=TIMEOUT)
    file_ids = re.findall(r'name="masked" value="([0-9a-f]{32})"', page.text)
    assert len(file_ids) == 10
    saved = browser.post(
        f"{live_server}/holder/items",
        timeout=TIMEOUT,
        data={"csrf_token": form_token(page.text), "masked": [file_ids[2]]},
    )
    assert "Saved." in saved.text
    assert open_manifest(live_server, record.manifest_id).json()["withheld"] == 1
    assert "Item hidden" in browser.get(f"{live_server}/holder/log", timeout=TIMEOUT).text
    ciphertexts = browser.get(f"{live_server}/holder/api/items", timeout=TIMEOUT).json()["files"]
    assert {c["file"] for c in ciphertexts} == set(file_ids)


def test_a_new_pin_replaces_the_old_and_unlocks(
    app: Flask, live_server: str, record: IssuedRecord
) -> None:
    with session_scope(app.extensions["ehcard"].sessions) as session:
        session.query(RecordRow).filter_by(manifest_id=record.manifest_id).update(
            {"pin_failures": 10}
        )
    browser, _ = holder_session(live_server, record)
    page = browser.get(f"{live_server}/holder/pin", timeout=TIMEOUT)
    mismatch = browser.post(
        f"{live_server}/holder/pin",
        timeout=TIMEOUT,
        data={"csrf_token": form_token(page.text), "pin": "502817", "pin_again": "502818"},
    )
    assert mismatch.status_code == 422 and "not the same" in mismatch.text
    weak = browser.post(
        f"{live_server}/holder/pin",
        timeout=TIMEOUT,
        data={"csrf_token": form_token(page.text), "pin": "111111", "pin_again": "111111"},
    )
    assert weak.status_code == 422 and "not in a row" in weak.text
    done = browser.post(
        f"{live_server}/holder/pin",
        timeout=TIMEOUT,
        data={"csrf_token": form_token(page.text), "pin": "502817", "pin_again": "502817"},
    )
    assert "Your new PIN is set." in done.text
    assert open_manifest(live_server, record.manifest_id, passcode="502817").status_code == 200
    assert open_manifest(live_server, record.manifest_id, passcode=PIN).status_code == 401


def test_revoking_a_lost_card_revokes_it_and_erases_the_record(
    app: Flask, live_server: str, record: IssuedRecord
) -> None:
    browser, _ = holder_session(live_server, record)
    page = browser.get(f"{live_server}/holder/revoke", timeout=TIMEOUT)
    unconfirmed = browser.post(
        f"{live_server}/holder/revoke", timeout=TIMEOUT, data={"csrf_token": form_token(page.text)}
    )
    assert unconfirmed.status_code == 422
    log = browser.post(
        f"{live_server}/holder/revoke",
        timeout=TIMEOUT,
        data={"csrf_token": form_token(page.text), "confirm": "yes"},
    )
    assert "Card revoked" in log.text and "Record erased" in log.text
    assert open_manifest(live_server, record.manifest_id).status_code == 410
    with session_scope(app.extensions["ehcard"].sessions) as session:
        card = session.query(CardRow).filter_by(card_id=record.card.card_id).one()
        assert card.status == "revoked"
        revocation = session.query(RevocationRow).filter_by(rid=record.card.revocation_id).one()
        assert revocation.reason == Reason.HOLDER_REQUEST.value
        row = session.query(RecordRow).filter_by(manifest_id=record.manifest_id).one()
        assert session.query(RecordFileRow).filter_by(record_pk=row.id).count() == 0


def test_forms_without_csrf_token_are_refused(live_server: str, record: IssuedRecord) -> None:
    response = requests.post(
        f"{live_server}/holder/",
        timeout=TIMEOUT,
        data={"card_code": record.card.card_code, "recovery_code": record.recovery_code},
    )
    assert response.status_code == 400


def test_holder_pages_speak_every_kiosk_language(live_server: str, record: IssuedRecord) -> None:
    browser, english = holder_session(live_server, record)
    for lang in UI_LANGUAGES:
        for page in ("log", "items", "pin", "revoke"):
            html = browser.get(f"{live_server}/holder/{page}?lang={lang}", timeout=TIMEOUT).text
            direction = "rtl" if lang in RTL_LANGUAGES else "ltr"
            assert f'<html lang="{lang}" dir="{direction}">' in html
            if lang != "en":
                assert "Who opened my record" not in html, (lang, page)
    assert "Who opened my record" in english.text


def test_a_holder_cannot_hide_another_records_items(
    live_server: str, record: IssuedRecord, app: Flask
) -> None:
    other = issue_record(app)
    with session_scope(app.extensions["ehcard"].sessions) as session:
        row = session.query(RecordRow).filter_by(manifest_id=other.manifest_id).one()
        others_item = session.query(RecordFileRow).filter_by(record_pk=row.id, role="item").first()
        assert others_item is not None
        target = others_item.file_id
    browser, _ = holder_session(live_server, record)
    page = browser.get(f"{live_server}/holder/items", timeout=TIMEOUT)
    refused = browser.post(
        f"{live_server}/holder/items",
        timeout=TIMEOUT,
        data={"csrf_token": form_token(page.text), "masked": [target]},
    )
    assert refused.status_code == 400
    assert "not items of this record" in refused.text
    assert open_manifest(live_server, other.manifest_id).json()["withheld"] == 0
