"""Finding 10: a backup taken while cards are issued is one consistent snapshot.

Kiosks issue cards in threads (through the issuing service, as the kiosk calls
it) for the whole backup; a SQLAlchemy event on the backup's own engine waits,
before the backup reads `print_jobs`, until more cards have been issued, so a
backup that reads its tables one by one sees their jobs without their cards.
The backup restores into a fresh database (the `ehcard restore` path) with every
card's print jobs and record, no job or record without its card, and an audit
chain that verifies, head seal included.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import Engine, Select, event, select

from app import create_app
from cards.model import record_id
from kiosk import db
from kiosk.context import Services
from kiosk.db import session_scope
from kiosk.domain.audit import verify_chain
from kiosk.domain.backup import restore_backup, snapshot, write_backup
from kiosk.domain.cards.issuing import issue_for_holder
from kiosk.models.printing import PrintJobRow
from kiosk.models.records import RecordRow
from kiosk.models.registry import CardRow
from kiosk.sessions import session_factory
from kiosk.web.reception.store import new_issuance_key
from tests.databases import fresh_database

PROFILE = {"name": "Amina Diallo", "birth_date": "1994-03-12", "allergies": ["294505008"]}
KIOSKS = 2
BEFORE = 4  # cards in the database when the backup starts
DURING = 3  # cards issued between the backup's first table and its print_jobs


@pytest.fixture(params=["postgresql", "sqlite"])
def kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def app(tmp_path: Path, kind: str) -> Iterator[Flask]:
    with fresh_database(kind, tmp_path) as url:
        application = create_app({"instance": tmp_path / "instance", "database_url": url,
                                  "TESTING": True})  # fmt: skip
        yield application
        application.extensions["ehcard"].engine.dispose()


class Kiosks:
    """Threads issuing cards until stopped; `issued` counts the cards committed."""

    def __init__(self, services: Services) -> None:
        self.services = services
        self.issued = 0
        self.errors: list[BaseException] = []
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.threads = [threading.Thread(target=self._issue) for _ in range(KIOSKS)]

    def _issue(self) -> None:
        while not self.stop.is_set():
            try:
                with session_scope(self.services.sessions) as session:
                    issue_for_holder(session, self.services, PROFILE, holder_language="fr",
                                     clinician=None, pin="482915",
                                     issuance_key=new_issuance_key())  # fmt: skip
            except Exception as exc:  # reported by the test (Kiosks.__exit__)
                self.errors.append(exc)
                return
            with self.lock:
                self.issued += 1

    def wait_for(self, count: int, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while self.issued < count and not self.errors:
            assert time.monotonic() < deadline, f"only {self.issued} cards issued"
            time.sleep(0.02)

    def __enter__(self) -> Kiosks:
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=120)
        assert self.errors == []


def _issue_between_table_reads(engine: Engine, kiosks: Kiosks) -> None:
    """Before the backup reads print_jobs, let DURING more cards be issued."""

    def before(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if "FROM print_jobs" in statement:
            kiosks.wait_for(kiosks.issued + DURING)

    event.listen(engine, "before_cursor_execute", before)


def _card_ids_of(kind: str) -> Select[tuple[bytes]]:
    return select(PrintJobRow.card_id).where(PrintJobRow.kind == kind)


def _invariant(engine: Engine) -> list[str]:
    """What breaks "a card is registered if and only if its jobs and its record exist"."""
    with engine.connect() as connection:
        cards = set(connection.scalars(select(CardRow.card_id)))
        jobs = {
            kind: list(connection.scalars(_card_ids_of(kind)))
            for kind in ("card", "slip")
        }
        records = set(connection.scalars(select(RecordRow.record_id)))
    problems = []
    for kind, card_ids in jobs.items():
        if sorted(card_ids) != sorted(cards):
            problems.append(
                f"{len(cards)} cards, {len(card_ids)} {kind} jobs "
                f"({len(set(card_ids) - cards)} without their card)"
            )
    if records != {record_id(card_id) for card_id in cards}:
        problems.append(f"{len(cards)} cards, {len(records)} records")
    return problems


def test_a_backup_taken_while_cards_are_issued_restores_consistent(
    app: Flask, kind: str, tmp_path: Path
) -> None:
    services: Services = app.extensions["ehcard"]
    backup = tmp_path / "during.backup.gz"
    engine = db.make_engine(services.settings.database_url)
    try:
        with Kiosks(services) as kiosks:
            kiosks.wait_for(BEFORE)
            _issue_between_table_reads(engine, kiosks)
            counts = write_backup(engine, backup, now=services.clock.now())
            kiosks.wait_for(kiosks.issued + 1)  # still issuing after the backup
    finally:
        engine.dispose()
    assert counts["cards"] >= BEFORE
    (tmp_path / "restored").mkdir()
    with fresh_database(kind, tmp_path / "restored") as url:
        db.upgrade(url)
        target = db.make_engine(url)
        try:
            restore_backup(target, backup)
            assert _invariant(target) == []
            sessions = session_factory(services.settings, target, services.clock)
            with session_scope(sessions) as session:
                assert verify_chain(session) == []
        finally:
            target.dispose()


def test_a_postgresql_backup_reads_in_a_read_only_repeatable_read_transaction(
    tmp_path: Path,
) -> None:
    with fresh_database("postgresql", tmp_path) as url:
        engine = db.make_engine(url)
        try:
            with snapshot(engine) as connection:
                shown = {
                    name: connection.exec_driver_sql(f"SHOW {name}").scalar()
                    for name in ("transaction_isolation", "transaction_read_only",
                                 "transaction_deferrable")
                }  # fmt: skip
        finally:
            engine.dispose()
    assert shown == {
        "transaction_isolation": "repeatable read",
        "transaction_read_only": "on",
        "transaction_deferrable": "on",
    }
