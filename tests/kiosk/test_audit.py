"""The audit chain detects edited, deleted and reordered rows, on SQLite and PostgreSQL."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import text
from sqlalchemy.orm import sessionmaker

from kiosk.db import session_scope
from kiosk.domain import audit
from kiosk.domain.audit import AuditError, record_event, verify_chain
from kiosk.domain.cards import registry
from kiosk.domain.cards.card_detail import card_detail
from tests.conftest import TODAY


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


def _head_problems(app: Flask) -> list[str]:
    with session_scope(app.extensions["ehcard"].sessions) as session:
        return [p.problem for p in verify_chain(session) if p.row_id is None]


def test_a_cut_tail_still_chains_but_no_longer_matches_the_head(app: Flask) -> None:
    _fill(app)
    _execute(app, "DELETE FROM audit_log WHERE id >= 4")
    assert _problems(app) == [None, None]
    assert _head_problems(app) == [
        "the head records 5 rows but the log holds 3: rows were deleted or added outside ehcard",
        "the newest row is not the one the head records: the tail was cut",
    ]


def test_a_head_rewritten_without_the_audit_key_is_detected(app: Flask) -> None:
    _fill(app)
    _execute(app, "DELETE FROM audit_log WHERE id = 5")
    _execute(
        app,
        "UPDATE audit_head SET row_count = 4, "
        "last_hash = (SELECT hash FROM audit_log WHERE id = 4)",
    )
    assert _head_problems(app) == ["the head's seal does not match: it was edited"]


def test_a_deleted_head_is_detected(app: Flask) -> None:
    _fill(app)
    _execute(app, "DELETE FROM audit_head")
    assert _head_problems(app) == ["the log holds 5 rows but its head is missing"]


def test_a_session_without_the_audit_key_cannot_append(app: Flask) -> None:
    engine = app.extensions["ehcard"].engine
    with session_scope(sessionmaker(engine)) as session, pytest.raises(
        AuditError, match="this database session has no audit key"
    ):
        record_event(session, "card.issue", actor="x")


def test_the_cli_names_a_cut_tail(app: Flask, database_url: str, tmp_path: Path) -> None:
    _fill(app)
    _execute(app, "DELETE FROM audit_log WHERE id = 5")
    ehcard = Path(sys.executable).with_name("ehcard")
    result = subprocess.run(
        [str(ehcard), "--instance", str(tmp_path / "instance"), "audit", "verify"],
        env={**os.environ, "EHCARD_DATABASE_URL": database_url},
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert result.returncode == 1
    assert "head: the head records 5 rows but the log holds 4" in result.stderr


def test_a_cards_history_lists_its_events_under_both_spellings_of_the_card(app: Flask) -> None:
    """Issue rows written before the labels were settled name the bare card code."""
    services = app.extensions["ehcard"]
    with session_scope(services.sessions) as session:
        issued = registry.issue_card(
            session, services.settings, services.keyring,
            {"name": "Amina Diallo", "birth_date": "1994-03-12"}, today=TODAY,
        )  # fmt: skip
        code = issued.card.card_code
        record_event(session, "card.issue", actor=audit.KIOSK, subject=code)
        record_event(session, "card.revoke", actor=audit.user(2), subject=audit.card(code))
        record_event(session, "card.revoke", actor=audit.user(2), subject=audit.card("OTHER"))
        row = registry.find_card(session, code)
        detail = card_detail(session, services.settings, services.keyring, row, today=TODAY)
    assert [(e.action, e.actor, e.subject) for e in detail.history] == [
        ("card.issue", "kiosk", code),
        ("card.revoke", "user:2", f"card:{code}"),
    ]
