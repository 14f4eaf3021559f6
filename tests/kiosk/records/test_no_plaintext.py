"""Nothing readable about the holder's health reaches the database, the logs or the audit chain.

The whole life of a record runs over HTTP (issue, PIN opening, wrong PIN,
clinician opening, break-glass, an added item, a document upload, the
holder's log and masks), then every byte the server kept is searched for
every word of the record, the holder's name, the PIN and the recovery code.
"""

from __future__ import annotations

import base64
import json
import logging
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import inspect, text

from kiosk.db import session_scope
from signing import records as crypto
from tests.kiosk.holder.test_holder_pages import form_token, holder_session
from tests.kiosk.records.conftest import PIN, IssuedRecord
from tests.kiosk.records.test_clinician_api import clinician_manifest, signed_in
from tests.kiosk.records.test_shl import open_manifest
from tests.record_items import SECRET_WORDS, scan_png

TIMEOUT = 20
ADDED_WORD = "Latex-gloves-allergy"


def secrets_of(record: IssuedRecord) -> list[str]:
    return [
        *SECRET_WORDS,
        ADDED_WORD,
        "X-ray-of-left-wrist",
        PIN,
        record.recovery_code,
        record.recovery_code.replace("-", ""),
        crypto.b64url(record.card.record_key),
        crypto.b64url(record.file_key),
        base64.b64encode(scan_png()).decode()[:40],
    ]


def live_the_records_life(
    app: Flask, live_server: str, record: IssuedRecord, clinician: tuple[str, str]
) -> None:
    assert open_manifest(live_server, record.manifest_id).status_code == 200
    browser = signed_in(live_server, *clinician)
    assert clinician_manifest(browser, live_server, record.manifest_id, breakGlass="unconscious").ok
    item = crypto.encrypt(
        record.file_key,
        json.dumps({"code": {"text": ADDED_WORD}}).encode(),
        content_type=crypto.FHIR_JSON,
    )
    assert browser.post(
        f"{live_server}/records/api/{record.manifest_id}/items", json={"jwe": item}, timeout=TIMEOUT
    ).ok
    upload = browser.post(
        f"{live_server}/records/api/{record.manifest_id}/documents",
        timeout=TIMEOUT,
        files={"document": ("wrist.png", scan_png(), "image/png")},
        data={
            "key": crypto.b64url(record.file_key),
            "title": "X-ray-of-left-wrist",
            "patient": "urn:uuid:00000000-0000-4000-8000-000000000000",
        },
    )
    assert upload.ok, upload.text
    holder, _ = holder_session(live_server, record)
    page = holder.get(f"{live_server}/holder/items", timeout=TIMEOUT)
    masks = {"csrf_token": form_token(page.text), "masked": []}
    assert holder.post(f"{live_server}/holder/items", data=masks, timeout=TIMEOUT).ok
    assert open_manifest(live_server, record.manifest_id, passcode="000000").status_code == 401


def database_text(app: Flask) -> str:
    """Every row of every table, as text; for SQLite also the raw bytes of its files."""
    hub = app.extensions["ehcard"]
    rows: list[str] = []
    with session_scope(hub.sessions) as session:
        for table in inspect(hub.engine).get_table_names():
            # Table names come from the database's own schema, not from any input.
            query = text(f'SELECT * FROM "{table}"')  # noqa: S608  # nosec B608
            rows.extend(repr(tuple(row)) for row in session.execute(query))
    if hub.engine.dialect.name == "sqlite":
        database = Path(hub.engine.url.database or "")
        for path in (database, Path(f"{database}-wal")):
            if path.exists():
                rows.append(path.read_bytes().decode("utf-8", errors="replace"))
    return "\n".join(rows)


def test_no_plaintext_in_database_logs_or_audit(
    app: Flask,
    live_server: str,
    record: IssuedRecord,
    clinician: tuple[str, str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    live_the_records_life(app, live_server, record, clinician)
    stored = database_text(app)
    with session_scope(app.extensions["ehcard"].sessions) as session:
        audit = "\n".join(repr(tuple(r)) for r in session.execute(text("SELECT * FROM audit_log")))
    assert "record.break_glass" in audit and "record.update" in audit  # the events are there...
    for secret in secrets_of(record):
        assert secret not in stored, f"{secret!r} is stored in clear"
        assert secret not in audit, f"{secret!r} is in the audit chain"
        assert secret not in caplog.text, f"{secret!r} is in the logs"
    assert record.file_key.hex() not in stored and record.file_key.hex() not in caplog.text
