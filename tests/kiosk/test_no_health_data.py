"""After a whole issue, search, revoke and reissue, neither the audit log nor the
application's logs hold a clinical code or the holder's name."""

from __future__ import annotations

import json
import logging
import re

import pytest
import requests
from flask import Flask
from sqlalchemy import select

from kiosk.db import session_scope
from kiosk.domain.audit import record_event
from kiosk.models.audit import AuditRow
from tests.kiosk.staff.conftest import signed_in
from tests.kiosk.staff.support import (
    CLINICAL_CODES,
    HOLDER_NAME,
    Console,
    add_accounts,
    holder_profile,
    issue,
    services_of,
)

PERSONAL = (*HOLDER_NAME.split(), HOLDER_NAME.upper(), "Moussa", "33612345678", "O+")


def mentions(text: str, word: str) -> bool:
    """`word` standing alone (so a card code that happens to contain E10 does not count)."""
    return re.search(rf"(?<![0-9A-Za-z]){re.escape(word)}(?![0-9A-Za-z])", text) is not None


def test_no_clinical_code_or_name_reaches_the_audit_log_or_the_logs(
    app: Flask, live_server: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    add_accounts(app)
    services = services_of(app)
    old = issue(app)
    with session_scope(services.sessions) as session:
        record_event(session, "card.issue", actor="kiosk", subject=f"card:{old.card.card_code}")
    Console(live_server).login("sam", "a wrong password for the logs")
    staff = signed_in(live_server, "sam")
    code = old.card.card_code
    staff.post("/staff/search", {"name": HOLDER_NAME, "birth": "1994-03-12"})
    staff.get(f"/staff/cards/{code}")
    staff.post(f"/staff/cards/{code}/revoke", {"reason": "wrong_data", "confirmed": "yes"})
    reissued = staff.post(f"/staff/cards/{code}/reissue", {"qr_text": old.qr_text})
    assert reissued.status_code == 302
    worker = app.extensions["ehcard.print_worker"]
    while worker.run_once() is not None:
        pass
    second = issue(app)
    corrected = json.dumps(holder_profile(blood_group="A+"))
    staff.post(f"/staff/cards/{second.card.card_code}/reissue", {"profile_json": corrected})
    kid = services.keyring.issuer_key.kid.hex()
    requests.get(f"{live_server}/api/revocations/{kid}.json", timeout=30)

    with session_scope(services.sessions) as session:
        rows = session.scalars(select(AuditRow)).all()
        audit_text = "\n".join(
            f"{r.action} {r.actor} {r.subject} {r.details}" for r in rows
        )
    assert {"card.search", "card.revoke", "card.reissue", "card.print", "user.login_failed"} <= {
        r.action for r in rows
    }
    assert "werkzeug" in {record.name for record in caplog.records}
    for word in (*CLINICAL_CODES, *PERSONAL):
        assert not mentions(audit_text, word), f"{word!r} in the audit log"
        assert not mentions(caplog.text, word), f"{word!r} in the application logs"
