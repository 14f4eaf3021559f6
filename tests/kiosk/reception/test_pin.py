"""The PIN step over real HTTP, and what issuing does with the PIN: a record, a slip, no trace."""

from __future__ import annotations

import logging

import pytest
from flask import Flask
from sqlalchemy import select

from cards.model import record_id
from kiosk.db import session_scope
from kiosk.domain.records.credentials import secret_matches
from kiosk.models.printing import PrintJobRow
from kiosk.models.records import RecordFileRow, RecordRow
from kiosk.models.registry import CardRow
from tests.holder import HOLDER_PIN, Holder, field_errors
from tests.kiosk.records.test_no_plaintext import database_text

# Twelve digits: no timestamp or counter in the database can hold them by chance.
LONG_PIN = "739164825301"
TOO_EASY = "This PIN is too easy to guess: avoid repeated or consecutive digits."
BAD_PINS = [
    ({}, {"pin": "Please choose a PIN."}),
    ({"pin": "", "pin_again": HOLDER_PIN}, {"pin": "Please choose a PIN."}),
    ({"pin": "42861", "pin_again": "42861"}, {"pin": "A PIN has 6 to 12 digits."}),
    ({"pin": "4286130000001", "pin_again": "4286130000001"}, {"pin": "A PIN has 6 to 12 digits."}),
    ({"pin": "42a613", "pin_again": "42a613"}, {"pin": "A PIN has only digits, from 0 to 9."}),
    ({"pin": "4286-13", "pin_again": "4286-13"}, {"pin": "A PIN has only digits, from 0 to 9."}),
    ({"pin": "123456", "pin_again": "123456"}, {"pin": TOO_EASY}),
    ({"pin": "777777", "pin_again": "777777"}, {"pin": TOO_EASY}),
    ({"pin": HOLDER_PIN}, {"pin_again": "Please type the same PIN a second time."}),
    (
        {"pin": HOLDER_PIN, "pin_again": "428631"},
        {"pin_again": "The two PINs are not the same. Please type them again."},
    ),
]


@pytest.mark.parametrize(("form", "errors"), BAD_PINS)
def test_bad_pin_is_refused_next_to_its_field(
    reviewing: Holder, form: dict[str, str], errors: dict[str, str]
) -> None:
    response = reviewing.answer("pin", {"action": "next", **form})
    assert response.status_code == 422
    assert field_errors(response) == errors
    (field,) = errors
    assert f'aria-invalid="true" aria-describedby="error-{field}"' in response.text
    for typed in form.values():
        assert not typed or f'value="{typed}"' not in response.text  # a PIN is never shown


def test_pin_error_is_in_the_holders_language(holder: Holder) -> None:
    holder.walk_to_review("fa", stop_at="pin")
    response = holder.answer("pin", {"pin": HOLDER_PIN, "pin_again": "428631"})
    mismatch = "دو رمز PIN یکسان نیستند. لطفاً دوباره واردشان کنید."
    assert field_errors(response) == {"pin_again": mismatch}


def test_pin_page_offers_a_keypad_and_the_numeric_keyboard(holder: Holder) -> None:
    page = holder.walk_to_review(stop_at="pin").text
    assert page.count('inputmode="numeric"') == 2 and page.count('type="password"') == 2
    assert all(f'data-digit="{digit}"' in page for digit in "0123456789")
    assert "keypad.js" in page and "<script>" not in page
    assert "a doctor needs this PIN or a clinician account" in page


def test_the_flow_cannot_skip_the_pin(holder: Holder) -> None:
    holder.walk_to_review(stop_at="pin")
    assert holder.get("/kiosk/review").url.endswith("/kiosk/pin")
    response = holder.answer("pin", {"action": "skip"})
    assert field_errors(response) == {"pin": "Please choose a PIN."}


def test_back_from_review_the_chosen_pin_can_be_kept(holder: Holder, kiosk_app: Flask) -> None:
    holder.walk_to_review()
    page = holder.get("/kiosk/pin").text
    assert 'name="action" value="skip"' in page and HOLDER_PIN not in page
    assert holder.answer("pin", {"action": "skip"}).url.endswith("/kiosk/review")
    _, record = _issue(kiosk_app, holder)
    assert secret_matches(record.pin_hash, HOLDER_PIN)


def test_digits_typed_in_persian_are_the_same_pin(holder: Holder, kiosk_app: Flask) -> None:
    persian = "۷۳۹۱۶۴"
    holder.walk_to_review("fa", pin={"pin": persian, "pin_again": persian})
    _, record = _issue(kiosk_app, holder)
    assert secret_matches(record.pin_hash, "739164")


def _issue(app: Flask, holder: Holder) -> tuple[bytes, RecordRow]:
    """Tap "issue"; the new card's id and its record."""
    done = holder.post("/kiosk/issue")
    assert done.url.endswith("/kiosk/done")
    code = done.text.split('class="card-code" dir="ltr">')[1].split("<")[0]
    with session_scope(app.extensions["ehcard"].sessions) as session:
        card = session.scalar(select(CardRow).where(CardRow.card_code == code))
        assert card is not None
        record = session.scalar(
            select(RecordRow).where(RecordRow.record_id == record_id(card.card_id))
        )
        assert record is not None
        session.expunge(record)
        return card.card_id, record


def test_issuing_creates_the_record_and_queues_the_slip_leaving_no_trace_of_the_pin(
    holder: Holder, kiosk_app: Flask, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    holder.walk_to_review(pin={"pin": LONG_PIN, "pin_again": LONG_PIN})
    card_id, record = _issue(kiosk_app, holder)
    assert record.status == "active" and secret_matches(record.pin_hash, LONG_PIN)
    with session_scope(kiosk_app.extensions["ehcard"].sessions) as session:
        roles = session.scalars(
            select(RecordFileRow.role).where(RecordFileRow.record_pk == record.id)
        ).all()
        jobs = session.scalars(
            select(PrintJobRow.kind).where(PrintJobRow.card_id == card_id).order_by(PrintJobRow.id)
        ).all()
    # one allergy, the trusted person (medications unknown, conditions none); IPS documents
    # for the record as it is, for each of the two hidden, and for neither
    assert sorted(roles) == ["ips"] * 4 + ["item"] * 2
    assert list(jobs) == ["card", "slip"]
    assert "see who opened your record" in holder.get("/kiosk/done").text
    stored = database_text(kiosk_app)
    assert "card.issue" in stored and "record.update" in stored  # the audit chain is there...
    assert LONG_PIN not in stored, "the PIN is stored in clear"
    assert LONG_PIN not in caplog.text, "the PIN is in the logs"
