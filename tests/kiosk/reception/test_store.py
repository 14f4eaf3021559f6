"""The flow store: sealed rows, readable only with the kiosk's token, gone when idle."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from kiosk.db import session_scope
from kiosk.models.reception import FlowRow
from kiosk.web.reception import store
from kiosk.web.reception.answers import Answers

NOW = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)
IDLE = timedelta(minutes=2)
ANSWERS = Answers(reached=3, name="Amina Diallo", birth_year="1994", allergies=("294505008",))


@pytest.fixture
def session(kiosk_app: Flask) -> Iterator[Session]:
    with session_scope(kiosk_app.extensions["ehcard"].sessions) as db_session:
        yield db_session


def test_answers_come_back_only_with_their_token(session: Session) -> None:
    token = store.new_token()
    store.save(session, token, ANSWERS, now=NOW, idle=IDLE)
    assert store.load(session, token, now=NOW, idle=IDLE) == ANSWERS
    assert store.load(session, store.new_token(), now=NOW, idle=IDLE) is None


def test_the_row_holds_neither_the_token_nor_the_answers(session: Session) -> None:
    token = store.new_token()
    store.save(session, token, ANSWERS, now=NOW, idle=IDLE)
    rows = list(session.scalars(select(FlowRow)))
    assert all(token not in row.lookup for row in rows)
    assert all(b"Amina" not in row.sealed and b"294505008" not in row.sealed for row in rows)


def test_a_flow_idle_past_its_time_is_gone_and_deleted(session: Session) -> None:
    token = store.new_token()
    store.save(session, token, ANSWERS, now=NOW, idle=IDLE)
    assert store.load(session, token, now=NOW + IDLE - timedelta(seconds=1), idle=IDLE)
    # opening it pushed the expiry back by another IDLE
    later = NOW + 2 * IDLE
    assert store.load(session, token, now=later, idle=IDLE) is None
    assert store.touch(session, token, now=later, idle=IDLE) is False


def test_touch_keeps_a_live_flow(session: Session) -> None:
    token = store.new_token()
    store.save(session, token, ANSWERS, now=NOW, idle=IDLE)
    assert store.touch(session, token, now=NOW + IDLE / 2, idle=IDLE)
    assert store.load(session, token, now=NOW + IDLE * 1.4, idle=IDLE) == ANSWERS


def test_a_tampered_row_is_treated_as_gone(session: Session) -> None:
    token = store.new_token()
    alone = NOW + timedelta(days=1)  # an expiry no other test's row has
    store.save(session, token, ANSWERS, now=alone, idle=IDLE)
    row = session.scalars(select(FlowRow).where(FlowRow.expires_at == alone + IDLE)).one()
    row.sealed = row.sealed[:-1] + bytes([row.sealed[-1] ^ 1])
    session.flush()
    assert store.load(session, token, now=alone, idle=IDLE) is None
    assert session.get(FlowRow, row.lookup) is None


def test_wipe_deletes_the_flow(session: Session) -> None:
    token = store.new_token()
    store.save(session, token, ANSWERS, now=NOW, idle=IDLE)
    store.wipe(session, token)
    assert store.load(session, token, now=NOW, idle=IDLE) is None
