"""issue_for_holder: validate, confirm, sign, register, record, audit, on both databases."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cards.errors import ConfirmationClaimed, ProfileError
from cards.model import record_id
from kiosk.db import session_scope
from kiosk.domain.accounts.users import StaffUser
from kiosk.domain.cards.issuing import (
    IssuingError,
    card_progress,
    entered_clinical_fields,
    issue_for_holder,
)
from kiosk.domain.cards.registry import find_card, revoke_card
from kiosk.domain.clock import clock_of
from kiosk.domain.printing import queue as printing
from kiosk.domain.records.credentials import PinRefused, secret_matches
from kiosk.models.audit import AuditRow
from kiosk.models.printing import PrintJobRow
from kiosk.models.records import RecordFileRow, RecordRow
from kiosk.models.registry import CardRow
from kiosk.web.reception.store import new_issuance_key
from signing.revocation import Reason

TODAY = date(2026, 11, 27)
PIN = "428613"
NURSE = StaffUser(id=7, username="nurse.amal", display_name="Amal", role="clinician", facility="")
CLERK = StaffUser(id=8, username="desk.clerk", display_name="Clerk", role="staff", facility="")


def profile(**changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "name": "Amina Diallo",
        "birth_date": "1994-03-12",
        "blood_group": "O+",
        "allergies": ["294505008"],
        "medications": None,
        "conditions": [],
        "emergency_contact": {"name": "Moussa", "phone": "+33612345678"},
        "languages": ["fr"],
    }
    base.update(changes)
    return base


@pytest.fixture
def session(kiosk_app: Flask) -> Iterator[Session]:
    with session_scope(kiosk_app.extensions["ehcard"].sessions) as db_session:
        yield db_session


def _issue(session: Session, app: Flask, **kwargs: Any) -> Any:
    options: dict[str, Any] = {
        "holder_language": "ar",
        "clinician": None,
        "today": TODAY,
        "pin": PIN,
        "issuance_key": new_issuance_key(),
    }
    options.update(kwargs)
    body = options.pop("profile", profile())
    return issue_for_holder(session, app.extensions["ehcard"], body, **options)


def test_issuing_signs_registers_and_audits_without_health_data(
    session: Session, kiosk_app: Flask
) -> None:
    outcome = _issue(session, kiosk_app)
    row = session.scalar(select(CardRow).where(CardRow.card_id == outcome.card_id))
    assert row is not None and row.card_code == outcome.card_code and row.status == "active"
    assert outcome.expires == date(2028, 11, 26) and 1 <= outcome.qr_version <= 13
    event = session.scalar(select(AuditRow).where(AuditRow.subject == f"card:{outcome.card_code}"))
    assert event is not None and event.action == "card.issue" and event.actor == "kiosk"
    kid = kiosk_app.extensions["ehcard"].keyring.issuer_key.kid.hex()
    assert json.loads(event.details) == {
        "issuer": kid,
        "qr_version": outcome.qr_version,
        "clinician_confirmed": 0,
    }
    assert outcome.confirmed_fields == ()


def test_clinician_confirms_only_the_fields_that_were_answered(
    session: Session, kiosk_app: Flask
) -> None:
    outcome = _issue(session, kiosk_app, clinician=NURSE)
    # blood group, allergies (known) and conditions (none known); medications not asked
    assert outcome.confirmed_fields == ("blood_group", "allergies", "conditions")
    event = session.scalar(select(AuditRow).where(AuditRow.subject == f"card:{outcome.card_code}"))
    assert event is not None and event.actor == "user:7"


def test_unknown_blood_group_is_not_a_confirmable_answer() -> None:
    answered = profile(blood_group="unknown", allergies=None, conditions=None)
    assert entered_clinical_fields(answered) == ()


def test_staff_who_are_not_clinicians_cannot_confirm(session: Session, kiosk_app: Flask) -> None:
    with pytest.raises(IssuingError, match=r"'desk\.clerk' is not a clinician"):
        _issue(session, kiosk_app, clinician=CLERK)


def test_a_profile_claiming_a_confirmation_is_refused(session: Session, kiosk_app: Flask) -> None:
    forged = profile(confirmed={"staff_id": 7, "fields": ["allergies"]})
    with pytest.raises(ConfirmationClaimed, match="only a clinician signed in at the kiosk"):
        _issue(session, kiosk_app, profile=forged)


def test_holder_language_must_be_a_kiosk_language(session: Session, kiosk_app: Flask) -> None:
    with pytest.raises(IssuingError, match="'xx' is not a kiosk language"):
        _issue(session, kiosk_app, holder_language="xx")


def test_bad_profile_is_refused_by_the_card_core(session: Session, kiosk_app: Flask) -> None:
    with pytest.raises(ProfileError, match="birth_date: is in the future"):
        _issue(session, kiosk_app, profile=profile(birth_date="2030"))


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"allergies": ["294505009"]}, "allergies: 294505009 fails the SNOMED CT check digit"),
        ({"birth_date": "2026-11-28"}, "birth_date: is in the future"),
        ({"birth_date": "2027"}, "birth_date: is in the future"),
        ({"name": "ዮናስ ገብረሚካኤል"}, "name_latin: required: no ICAO 9303 table covers"),
    ],
)
def test_what_a_strict_verifier_refuses_is_never_issued(
    session: Session, kiosk_app: Flask, changes: dict[str, Any], message: str
) -> None:
    before = session.scalar(select(func.count()).select_from(CardRow))
    with pytest.raises(ProfileError, match=message):
        _issue(session, kiosk_app, profile=profile(**changes))
    assert session.scalar(select(func.count()).select_from(CardRow)) == before


def test_a_clinician_without_a_staff_id_confirms_nothing(
    session: Session, kiosk_app: Flask
) -> None:
    nobody = StaffUser(id=0, username="ghost", display_name="Ghost", role="clinician", facility="")
    before = session.scalar(select(func.count()).select_from(CardRow))
    with pytest.raises(ProfileError, match=r"confirmed\.staff_id: 0: .* starts at 1"):
        _issue(session, kiosk_app, clinician=nobody)
    assert session.scalar(select(func.count()).select_from(CardRow)) == before


def test_progress_follows_the_print_job_then_the_registry(
    session: Session, kiosk_app: Flask
) -> None:
    outcome = _issue(session, kiosk_app)
    assert printing.latest_job(session, outcome.card_id) == outcome.print_job
    progress = card_progress(session, outcome.card_code)
    assert (progress.state, progress.final) == ("queued", False)
    assert printing.claim(session, outcome.print_job, "queued", clock_of(session).now())
    assert card_progress(session, outcome.card_code).state == "printing"
    revoke_card(session, find_card(session, outcome.card_code), Reason.LOST, today=TODAY)
    assert card_progress(session, outcome.card_code).state == "revoked"


def test_every_issued_card_has_its_print_job(session: Session, kiosk_app: Flask) -> None:
    outcome = _issue(session, kiosk_app)
    status = printing.job_status(session, outcome.print_job)
    assert (status.kind, status.status) == ("card", "queued")


def _counts(app: Flask) -> tuple[int, int, int]:
    with session_scope(app.extensions["ehcard"].sessions) as db_session:
        return (
            len(db_session.scalars(select(CardRow.id)).all()),
            len(db_session.scalars(select(PrintJobRow.id)).all()),
            len(db_session.scalars(select(RecordRow.id)).all()),
        )


def test_issuing_creates_the_record_under_the_pin_and_queues_the_slip(
    session: Session, kiosk_app: Flask
) -> None:
    outcome = _issue(session, kiosk_app, clinician=NURSE)
    record = session.scalar(
        select(RecordRow).where(RecordRow.record_id == record_id(outcome.card_id))
    )
    assert record is not None and record.status == "active"
    assert secret_matches(record.pin_hash, PIN) and not secret_matches(record.pin_hash, "428614")
    roles = session.scalars(select(RecordFileRow.role).where(RecordFileRow.record_pk == record.id))
    # one allergy, the trusted person (medications not asked, conditions none known); IPS
    # documents for the record as it is, for each of the two hidden, and for neither
    assert sorted(roles) == ["ips"] * 4 + ["item"] * 2
    slip = printing.job_status(session, outcome.slip_job)
    assert (slip.kind, slip.status) == ("slip", "queued")
    audit = "\n".join(repr(tuple(row)) for row in session.execute(select(AuditRow)))
    assert PIN not in audit


def test_a_refused_pin_leaves_no_card_no_job_and_no_record(kiosk_app: Flask) -> None:
    before = _counts(kiosk_app)
    with (
        pytest.raises(PinRefused, match="a PIN is 6 to 12 digits"),
        session_scope(kiosk_app.extensions["ehcard"].sessions) as db_session,
    ):
        _issue(db_session, kiosk_app, pin="12345")
    with (
        pytest.raises(PinRefused, match="too easy to guess"),
        session_scope(kiosk_app.extensions["ehcard"].sessions) as db_session,
    ):
        _issue(db_session, kiosk_app, pin="123456")
    assert _counts(kiosk_app) == before
