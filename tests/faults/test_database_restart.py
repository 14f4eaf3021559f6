"""PostgreSQL restarted while cards are being issued: every card that was reported
issued is in the registry with its print job, and issuing resumes by itself."""

from __future__ import annotations

import json
import subprocess
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from app import create_app
from kiosk.db import session_scope
from kiosk.domain.cards.issuing import issue_for_holder
from kiosk.models.printing import PrintJobRow
from kiosk.models.registry import CardRow
from kiosk.web.reception.store import new_issuance_key
from tests.conftest import PROFILES
from tests.databases import POSTGRES_ADMIN


def _wait_for_postgresql() -> None:
    for _ in range(120):
        try:
            with psycopg.connect(POSTGRES_ADMIN, connect_timeout=2):
                return
        except psycopg.OperationalError:
            time.sleep(0.5)
    raise AssertionError("PostgreSQL did not come back")


@pytest.fixture
def app(tmp_path: Path) -> Iterator[Flask]:
    name = f"ehcard_restart_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(POSTGRES_ADMIN, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    url = f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    application = create_app({"instance": tmp_path, "database_url": url, "TESTING": True})
    yield application
    application.extensions["ehcard"].engine.dispose()
    _wait_for_postgresql()
    with psycopg.connect(POSTGRES_ADMIN, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_cards_issued_across_a_database_restart_are_all_registered(app: Flask) -> None:
    services = app.extensions["ehcard"]
    profile = json.loads((PROFILES / "amina_diallo.json").read_text("utf-8"))
    issued: list[bytes] = []
    refused: list[str] = []
    stop = threading.Event()

    def kiosk() -> None:
        while not stop.is_set():
            try:
                with session_scope(services.sessions) as session:
                    outcome = issue_for_holder(
                        session,
                        services,
                        profile,
                        holder_language="fr",
                        clinician=None,
                        pin="482915",
                        issuance_key=new_issuance_key(),
                    )
                issued.append(outcome.card_id)
            except OperationalError as exc:
                refused.append(type(exc.orig).__name__)
                time.sleep(0.1)

    thread = threading.Thread(target=kiosk)
    thread.start()
    try:
        while len(issued) < 3:
            time.sleep(0.05)
        _pg_ctl("restart")
        _wait_for_postgresql()
        before = len(issued)
        deadline = time.monotonic() + 60
        while len(issued) < before + 3 and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        stop.set()
        thread.join(timeout=60)
    assert len(issued) >= before + 3, f"issuing did not resume after the restart ({refused[:3]})"
    with session_scope(services.sessions) as session:
        cards = set(session.scalars(select(CardRow.card_id)))
        jobs = set(session.scalars(select(PrintJobRow.card_id).where(PrintJobRow.kind == "card")))
        unjobbed = session.scalar(
            select(func.count()).select_from(CardRow).where(CardRow.card_id.not_in(jobs))
        )
    assert set(issued) <= cards
    assert cards == jobs and unjobbed == 0


def _pg_ctl(action: str) -> None:
    version = next(Path("/etc/postgresql").iterdir()).name
    subprocess.run(
        ["/usr/bin/pg_ctlcluster", "--skip-systemctl-redirect", version, "main", action],
        check=True, timeout=120, capture_output=True,
    )  # fmt: skip


def test_a_request_while_the_database_is_down_gets_a_clear_503(app: Flask) -> None:
    client = app.test_client()
    assert client.get("/healthz").status_code == 200
    _pg_ctl("stop")
    try:
        response = client.get("/healthz", headers={"Accept": "application/json"})
    finally:
        _pg_ctl("start")
        _wait_for_postgresql()
    assert response.status_code == 503
    assert response.get_json()["error"] == "database_unavailable"
    assert response.headers["Retry-After"] == "5"
    assert client.get("/healthz").status_code == 200
