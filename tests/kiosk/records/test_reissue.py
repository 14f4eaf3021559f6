"""Reissue moves the full record to the new card's key when the old card is presented."""

from __future__ import annotations

from datetime import date

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from kiosk.db import session_scope
from kiosk.domain.cards.registry import find_card
from kiosk.domain.cards.reissue import card_to_profile, reissue_card
from kiosk.models.audit import AuditRow
from kiosk.models.records import RecordFileRow, RecordRow
from tests.kiosk.records.conftest import issue_record

TODAY = date(2026, 11, 27)


def _files(session: Session, record_id: str) -> list[RecordFileRow]:
    query = select(RecordFileRow).join(RecordRow).where(RecordRow.record_id == record_id)
    return list(session.scalars(query))


def test_presented_old_card_moves_the_record_and_revokes_the_old_card(app: Flask) -> None:
    record = issue_record(app)
    services = app.extensions["ehcard"]
    with session_scope(services.sessions) as session:
        row = find_card(session, record.card.card_code)
        reissued = reissue_card(
            session, services.settings, services.keyring, row, card_to_profile(record.card),
            source="qr_text", actor="user:1", today=TODAY, presented=record.card,
        )  # fmt: skip
        new_record = reissued.issued.card.record_id
    assert reissued.recovery_code
    with session_scope(services.sessions) as session:
        assert find_card(session, record.card.card_code).status == "revoked"
        assert _files(session, record.card.record_id) == []
        assert len(_files(session, new_record)) >= 2
        # The audit log books the move, and the old record's erasure, to the staff member.
        subjects = [f"record:{new_record}", f"record:{record.card.record_id}"]
        moves = session.scalars(
            select(AuditRow)
            .where(AuditRow.action.in_(["record.update", "record.erase"]))
            .where(AuditRow.subject.in_(subjects))
        ).all()
        assert {(row.action, row.actor) for row in moves} >= {
            ("record.update", "user:1"),
            ("record.erase", "user:1"),
        }


def test_without_the_old_card_the_record_is_erased(app: Flask) -> None:
    record = issue_record(app)
    services = app.extensions["ehcard"]
    with session_scope(services.sessions) as session:
        row = find_card(session, record.card.card_code)
        reissued = reissue_card(
            session, services.settings, services.keyring, row, card_to_profile(record.card),
            source="profile", actor="staff:1", today=TODAY,
        )  # fmt: skip
    assert reissued.recovery_code is None
    with session_scope(services.sessions) as session:
        assert _files(session, record.card.record_id) == []
        status = session.scalar(
            select(RecordRow.status).where(RecordRow.record_id == record.card.record_id)
        )
    assert status == "erased"
