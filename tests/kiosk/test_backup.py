"""Backups restore every card, revocation, account and audit row, across database kinds."""

from __future__ import annotations

import gzip
import json
import uuid
from pathlib import Path

import psycopg
import pytest
from click.testing import CliRunner
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import sessionmaker

from cards.model import revocation_id
from kiosk import db
from kiosk.cli import main
from kiosk.db import session_scope
from kiosk.domain.accounts.users import add_user
from kiosk.domain.audit import record_event, verify_chain
from kiosk.domain.backup import BackupError, restore_backup, write_backup
from kiosk.domain.cards.registry import issue_card, revoke_card
from kiosk.models.audit import AuditRow
from kiosk.models.registry import CardRow, RevocationRow
from kiosk.sessions import session_factory
from signing.revocation import Reason
from tests.conftest import TODAY
from tests.databases import POSTGRES_ADMIN

PROFILE = {"name": "Amina Diallo", "birth_date": "1994", "allergies": ["91936005"]}


def _populate(app: Flask) -> None:
    services = app.extensions["ehcard"]
    with session_scope(services.sessions) as session:
        add_user(session, "nadia", "correct horse battery", "admin")
        for n in range(3):
            issued = issue_card(session, services.settings, services.keyring, PROFILE, today=TODAY)
            record_event(
                session, "card.issue", actor="staff:1", subject=f"card:{issued.card.card_code}"
            )
            if n == 1:
                row = session.scalar(select(CardRow).where(CardRow.card_id == issued.card.card_id))
                assert row is not None
                revoke_card(session, row, Reason.LOST, today=TODAY)
                record_event(
                    session, "card.revoke", actor="staff:1", subject=f"card:{row.card_code}"
                )


def _counts(url: str) -> dict[str, int]:
    engine = db.make_engine(url)
    try:
        with engine.connect() as connection:
            return {
                model.__tablename__: connection.scalar(select(func.count()).select_from(model)) or 0
                for model in (CardRow, RevocationRow, AuditRow)
            }
    finally:
        engine.dispose()


@pytest.fixture
def backup_file(app: Flask, tmp_path: Path) -> Path:
    _populate(app)
    path = tmp_path / "ehcard.backup.gz"
    hub = app.extensions["ehcard"]
    write_backup(hub.engine, path, now=hub.clock.now())
    return path


def test_restore_into_a_fresh_sqlite_database_keeps_everything(
    app: Flask, backup_file: Path, tmp_path: Path
) -> None:
    target = f"sqlite:///{tmp_path / 'restored.sqlite'}"
    db.upgrade(target)
    restore_backup(db.make_engine(target), backup_file)
    assert _counts(target) == _counts(app.extensions["ehcard"].settings.database_url)
    engine = db.make_engine(target)
    with session_scope(sessionmaker(engine)) as session:
        assert verify_chain(session) == []
        revoked = session.scalar(select(CardRow).where(CardRow.status == "revoked"))
        assert revoked is not None
        rid = session.scalar(select(RevocationRow.rid))
        assert rid == revocation_id(revoked.card_id)
    engine.dispose()


def test_restore_refuses_a_database_with_data_unless_replacing(
    app: Flask, backup_file: Path
) -> None:
    engine = app.extensions["ehcard"].engine
    with pytest.raises(BackupError, match="already holds data"):
        restore_backup(engine, backup_file)
    counts = restore_backup(engine, backup_file, replace=True)
    assert counts["cards"] == 3


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"not gzip", "not a readable ehcard backup"),
        (gzip.compress(b'{"format": "other"}\n'), "is not an ehcard-backup/1 file"),
        (gzip.compress(b'{"format": "ehcard-backup/1", "revisions": ["x"]}\n'), "backup schema"),
    ],
)
def test_bad_backup_files_are_refused_and_nothing_changes(
    app: Flask, tmp_path: Path, content: bytes, message: str
) -> None:
    path = tmp_path / "bad.gz"
    path.write_bytes(content)
    target = f"sqlite:///{tmp_path / 'empty.sqlite'}"
    db.upgrade(target)
    with pytest.raises(BackupError, match=message):
        restore_backup(db.make_engine(target), path)
    assert _counts(target) == {"cards": 0, "revocations": 0, "audit_log": 0}


def test_backup_file_is_json_lines_with_a_header(backup_file: Path) -> None:
    with gzip.open(backup_file, "rt", encoding="utf-8") as source:
        header = json.loads(source.readline())
    assert header["format"] == "ehcard-backup/1"
    assert header["revisions"]


def test_restore_into_postgresql_and_new_rows_continue_the_ids(
    app: Flask, backup_file: Path
) -> None:
    name = f"ehcard_restore_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(POSTGRES_ADMIN, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    url = f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    try:
        db.upgrade(url)
        engine = db.make_engine(url)
        restore_backup(engine, backup_file)
        # Appending seals the log's head with the instance's audit key: the instance's sessions.
        hub = app.extensions["ehcard"]
        sessions = session_factory(hub.settings, engine, hub.clock)
        with session_scope(sessions) as session:
            assert verify_chain(session) == []
            record_event(session, "card.print", actor="staff:1", subject="card:next")
            assert verify_chain(session) == []
        engine.dispose()
        assert (
            _counts(url)["audit_log"]
            == _counts(app.extensions["ehcard"].settings.database_url)["audit_log"] + 1
        )
    finally:
        with psycopg.connect(POSTGRES_ADMIN, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_backup_and_restore_commands(tmp_path: Path) -> None:
    source, target = tmp_path / "source", tmp_path / "target"
    runner = CliRunner()
    assert runner.invoke(main, ["--instance", str(source), "init"]).exit_code == 0
    out = tmp_path / "b.gz"
    result = runner.invoke(main, ["--instance", str(source), "backup", "--out", str(out)])
    assert result.exit_code == 0 and "backed up" in result.output
    assert runner.invoke(main, ["--instance", str(target), "init"]).exit_code == 0
    restored = runner.invoke(main, ["--instance", str(target), "restore", str(out)])
    assert restored.exit_code == 0, restored.output
    again = runner.invoke(
        main, ["--instance", str(target), "restore", "--", str(tmp_path / "missing.gz")]
    )
    assert again.exit_code == 2
