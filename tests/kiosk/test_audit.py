"""The audit chain detects edited, deleted and reordered rows, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import text

from kiosk.db import session_scope
from kiosk.services.audit import AuditError, record_event, verify_chain


def _fill(app: Flask, count: int = 5) -> None:
    with session_scope(app.extensions["ehcard"].sessions) as session:
        for n in range(count):
            record_event(
                session, "card.issue", actor="staff:1", subject=f"card:{n}", details={"n": n}
            )


def _problems(app: Flask) -> list[int]:
    with session_scope(app.extensions["ehcard"].sessions) as session:
        return [p.row_id for p in verify_chain(session)]


def _execute(app: Flask, sql: str) -> None:
    with session_scope(app.extensions["ehcard"].sessions) as session:
        session.execute(text(sql))


def test_intact_chain_verifies(app: Flask) -> None:
    _fill(app)
    assert _problems(app) == []


def test_edited_row_is_detected(app: Flask) -> None:
    _fill(app)
    _execute(app, "UPDATE audit_log SET subject = 'card:forged' WHERE id = 3")
    assert _problems(app) == [3]


def test_deleted_row_is_detected(app: Flask) -> None:
    _fill(app)
    _execute(app, "DELETE FROM audit_log WHERE id = 2")
    # Row 3 no longer chains, and the head counts one row more than the log holds.
    assert _problems(app) == [3, None]


def test_unknown_action_is_refused(app: Flask) -> None:
    with session_scope(app.extensions["ehcard"].sessions) as session, pytest.raises(AuditError):
        record_event(session, "card.teleport", actor="x")
