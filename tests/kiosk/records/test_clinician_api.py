"""Clinicians open records with their account: role, session age, CSRF, break-glass, updates."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from typing import Any

import pytest
import requests
from flask import Flask
from joserfc import jwe as jose_jwe
from joserfc.jwk import OctKey

from kiosk.db import session_scope
from kiosk.domain.records.control import set_masks
from kiosk.domain.records.store import item_files
from kiosk.models.records import RecordAccessRow, RecordRow
from signing import records as crypto
from tests.kiosk.records.conftest import IssuedRecord, add_clinician, issue_record
from tests.record_items import scan_png

TIMEOUT = 20


def signed_in(live_server: str, username: str, password: str) -> requests.Session:
    """A browser-like session: the record page's CSRF token, then the in-page sign-in."""
    browser = requests.Session()
    page = browser.get(f"{live_server}/R", timeout=TIMEOUT).text
    token = re.search(r'name="csrf-token" content="([^"]+)"', page)
    assert token
    browser.headers.update({"X-CSRFToken": token.group(1), "Accept": "application/json"})
    response = browser.post(
        f"{live_server}/records/api/signin",
        json={"username": username, "password": password},
        timeout=TIMEOUT,
    )
    assert response.status_code == 200, response.text
    return browser


def clinician_manifest(
    browser: requests.Session, base: str, manifest_id: str, **body: Any
) -> requests.Response:
    return browser.post(f"{base}/records/api/{manifest_id}/manifest", json=body, timeout=TIMEOUT)


def mask_epilepsy(app: Flask, record: IssuedRecord) -> None:
    with session_scope(app.extensions["ehcard"].sessions) as session:
        row = session.query(RecordRow).filter_by(manifest_id=record.manifest_id).one()
        items = [f for f in item_files(session, row) if f.role == "item"]
        set_masks(session, row, {items[2].file_id})


def texts(record: IssuedRecord, manifest: dict[str, Any]) -> str:
    key = OctKey.import_key(record.file_key)
    return json.dumps(
        [
            json.loads(
                jose_jwe.decrypt_compact(
                    f["embedded"], key, algorithms=["dir", "A256GCM", "DEF"]
                ).plaintext
            )
            for f in manifest["files"]
        ]
    )


def test_a_clinician_opens_the_record_without_the_pin(
    app: Flask, live_server: str, record: IssuedRecord, clinician: tuple[str, str]
) -> None:
    browser = signed_in(live_server, *clinician)
    response = clinician_manifest(browser, live_server, record.manifest_id)
    assert response.status_code == 200
    assert "Penicillin" in texts(record, response.json())
    assert response.headers["Cache-Control"] == "no-store"
    assert "Access-Control-Allow-Origin" not in response.headers  # same-origin only
    with session_scope(app.extensions["ehcard"].sessions) as session:
        row = session.query(RecordRow).filter_by(manifest_id=record.manifest_id).one()
        last = (
            session.query(RecordAccessRow)
            .filter_by(record_pk=row.id)
            .order_by(RecordAccessRow.id.desc())
            .first()
        )
        assert (last.event, last.actor, last.facility) == ("open", "clinician", "CHU Lyon Sud")


def test_masked_items_need_a_logged_break_glass(
    app: Flask, live_server: str, record: IssuedRecord, clinician: tuple[str, str]
) -> None:
    mask_epilepsy(app, record)
    browser = signed_in(live_server, *clinician)
    normal = clinician_manifest(browser, live_server, record.manifest_id).json()
    assert normal["withheld"] == 1 and "Epilepsy" not in texts(record, normal)
    broken = clinician_manifest(
        browser, live_server, record.manifest_id, breakGlass="unconscious"
    ).json()
    assert broken["withheld"] == 0 and "Epilepsy" in texts(record, broken)
    with session_scope(app.extensions["ehcard"].sessions) as session:
        row = session.query(RecordRow).filter_by(manifest_id=record.manifest_id).one()
        events = [
            (a.event, a.reason) for a in session.query(RecordAccessRow).filter_by(record_pk=row.id)
        ]
        assert ("break_glass", "unconscious") in events


def test_a_break_glass_reason_must_be_a_listed_one(
    live_server: str, record: IssuedRecord, clinician: tuple[str, str]
) -> None:
    browser = signed_in(live_server, *clinician)
    response = clinician_manifest(browser, live_server, record.manifest_id, breakGlass="curious")
    assert response.status_code == 400
    assert "must be one of" in response.json()["message"]


def test_without_a_session_the_api_answers_401(live_server: str, record: IssuedRecord) -> None:
    browser = requests.Session()
    page = browser.get(f"{live_server}/R", timeout=TIMEOUT).text
    token = re.search(r'name="csrf-token" content="([^"]+)"', page)
    assert token
    response = browser.post(
        f"{live_server}/records/api/{record.manifest_id}/manifest",
        json={},
        headers={"X-CSRFToken": token.group(1)},
        timeout=TIMEOUT,
    )
    assert response.status_code == 401


@pytest.mark.parametrize("role", ["staff", "admin"])
def test_other_roles_cannot_sign_in_on_the_record_page(
    app: Flask, live_server: str, role: str
) -> None:
    username, password = add_clinician(app, role)
    browser = requests.Session()
    page = browser.get(f"{live_server}/R", timeout=TIMEOUT).text
    token = re.search(r'name="csrf-token" content="([^"]+)"', page)
    assert token
    response = browser.post(
        f"{live_server}/records/api/signin",
        json={"username": username, "password": password},
        headers={"X-CSRFToken": token.group(1)},
        timeout=TIMEOUT,
    )
    assert response.status_code == 401
    assert response.json()["error"] == "sign_in_failed"


def test_an_expired_session_cannot_open_records(
    app: Flask, live_server: str, record: IssuedRecord, clinician: tuple[str, str]
) -> None:
    app.permanent_session_lifetime = timedelta(seconds=2)
    try:
        browser = signed_in(live_server, *clinician)
        assert clinician_manifest(browser, live_server, record.manifest_id).status_code == 200
        app.extensions["ehcard"].clock.advance(timedelta(seconds=3))
        assert clinician_manifest(browser, live_server, record.manifest_id).status_code in (
            400,
            401,
        )
    finally:
        app.permanent_session_lifetime = timedelta(hours=8)


def test_the_api_refuses_requests_without_the_csrf_token(
    live_server: str, record: IssuedRecord, clinician: tuple[str, str]
) -> None:
    browser = signed_in(live_server, *clinician)
    del browser.headers["X-CSRFToken"]
    response = clinician_manifest(browser, live_server, record.manifest_id)
    assert response.status_code == 400
    assert "CSRF" in response.json()["message"]


def test_a_clinician_adds_an_item_encrypted_with_the_cards_key(
    app: Flask, live_server: str, record: IssuedRecord, clinician: tuple[str, str]
) -> None:
    browser = signed_in(live_server, *clinician)
    resource = {"resourceType": "AllergyIntolerance", "code": {"text": "Latex"}}
    jwe = crypto.encrypt(
        record.file_key, json.dumps(resource).encode(), content_type=crypto.FHIR_JSON
    )
    added = browser.post(
        f"{live_server}/records/api/{record.manifest_id}/items", json={"jwe": jwe}, timeout=TIMEOUT
    )
    assert added.status_code == 200
    assert "Latex" in texts(
        record, clinician_manifest(browser, live_server, record.manifest_id).json()
    )


@pytest.mark.parametrize(
    ("jwe", "message"),
    [
        ("not-a-jwe", "five parts"),
        (None, "jwe must be"),
    ],
)
def test_a_malformed_item_is_refused(
    live_server: str,
    record: IssuedRecord,
    clinician: tuple[str, str],
    jwe: str | None,
    message: str,
) -> None:
    browser = signed_in(live_server, *clinician)
    response = browser.post(
        f"{live_server}/records/api/{record.manifest_id}/items", json={"jwe": jwe}, timeout=TIMEOUT
    )
    assert response.status_code == 400
    assert message in response.json()["message"]


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ("not an object", "document must hold"),
        ({"jwe": "x"}, "document must hold"),
        ({"jwe": None, "base": "x"}, "document must hold"),
    ],
)
def test_a_malformed_folded_document_is_refused_and_nothing_is_stored(
    app: Flask,
    live_server: str,
    record: IssuedRecord,
    clinician: tuple[str, str],
    document: Any,
    message: str,
) -> None:
    browser = signed_in(live_server, *clinician)
    jwe = crypto.encrypt(record.file_key, BASIC, content_type=crypto.FHIR_JSON)
    before = _file_count(app, record)
    response = browser.post(
        f"{live_server}/records/api/{record.manifest_id}/items",
        json={"jwe": jwe, "document": document},
        timeout=TIMEOUT,
    )
    assert response.status_code == 400
    assert message in response.json()["message"]
    assert _file_count(app, record) == before


def test_a_folded_document_on_a_base_that_is_no_document_keeps_the_item_alone(
    app: Flask, live_server: str, record: IssuedRecord, clinician: tuple[str, str]
) -> None:
    browser = signed_in(live_server, *clinician)
    served = clinician_manifest(browser, live_server, record.manifest_id).json()["files"]
    item_file = served[-1]["id"]  # the scanned booklet: an item, not a document
    jwe = crypto.encrypt(record.file_key, BASIC, content_type=crypto.FHIR_JSON)
    response = browser.post(
        f"{live_server}/records/api/{record.manifest_id}/items",
        json={"jwe": jwe, "document": {"jwe": jwe, "base": item_file}},
        timeout=TIMEOUT,
    )
    assert response.status_code == 200
    assert response.json()["document"] is None
    big = "x" * (1024 * 1024 + 1)
    refused = browser.post(
        f"{live_server}/records/api/{record.manifest_id}/items",
        json={"jwe": jwe, "document": {"jwe": big, "base": served[0]["id"]}},
        timeout=TIMEOUT,
    )
    assert refused.status_code == 400 and "at most" in refused.json()["message"]


BASIC = b'{"resourceType":"Basic"}'


def _file_count(app: Flask, record: IssuedRecord) -> int:
    with session_scope(app.extensions["ehcard"].sessions) as session:
        row = session.query(RecordRow).filter_by(manifest_id=record.manifest_id).one()
        return len(item_files(session, row))


def test_a_document_upload_needs_the_records_own_key(
    app: Flask, live_server: str, record: IssuedRecord, clinician: tuple[str, str]
) -> None:
    browser = signed_in(live_server, *clinician)
    patient = "urn:uuid:00000000-0000-4000-8000-000000000000"
    url = f"{live_server}/records/api/{record.manifest_id}/documents"
    other = issue_record(app, items=[])
    wrong = browser.post(
        url,
        files={"document": ("scan.png", scan_png(), "image/png")},
        data={"key": crypto.b64url(other.file_key), "patient": patient},
        timeout=TIMEOUT,
    )
    assert wrong.status_code == 403
    assert "does not belong to this record" in wrong.json()["message"]
    lying = browser.post(
        url,
        files={"document": ("scan.png", b"%PDF-1.4\n%%EOF", "image/png")},
        data={"key": crypto.b64url(record.file_key), "patient": patient},
        timeout=TIMEOUT,
    )
    assert lying.status_code == 415
    good = browser.post(
        url,
        files={"document": ("scan.png", scan_png(), "image/png")},
        data={"key": crypto.b64url(record.file_key), "patient": patient, "title": "X-ray report"},
        timeout=TIMEOUT,
    )
    assert good.status_code == 200, good.text
    assert "X-ray report" in texts(
        record, clinician_manifest(browser, live_server, record.manifest_id).json()
    )


def test_repeated_wrong_passwords_lock_the_account(
    live_server: str, clinician: tuple[str, str]
) -> None:
    browser = requests.Session()
    page = browser.get(f"{live_server}/R", timeout=TIMEOUT).text
    token = re.search(r'name="csrf-token" content="([^"]+)"', page)
    assert token
    browser.headers.update({"X-CSRFToken": token.group(1)})
    url = f"{live_server}/records/api/signin"
    statuses = [
        browser.post(
            url, json={"username": clinician[0], "password": "wrong password!"}, timeout=TIMEOUT
        ).status_code
        for _ in range(5)
    ]
    assert statuses == [401] * 4 + [429]  # the fifth failure locks
    locked = browser.post(
        url, json={"username": clinician[0], "password": clinician[1]}, timeout=TIMEOUT
    )
    assert locked.status_code == 429
    assert "locked" in locked.json()["message"]
    unknown = browser.post(url, json={"username": "nobody", "password": "x"}, timeout=TIMEOUT)
    assert unknown.status_code == 401 and unknown.json()["error"] == "sign_in_failed"
